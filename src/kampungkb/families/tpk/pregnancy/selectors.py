"""Reads of pregnancy monitoring, scoped to the acting user's area.

For the pages:

- ``pregnancy_summary(*, target, on) -> PregnancySummary``: a pregnancy (an ibu hamil target
  already read through ``tpk.selectors.target_get``) on day ``on``: its ANC contacts with K
  number and trimester, K4/K6, TTD taken against 90, kelas ibu hamil, the latest LiLA/Hb/blood
  pressure and the risk flags with their reasons.
- ``postpartum_summary(*, target, on) -> PostpartumSummary``: a mother after delivery: her KB
  decision (within 42 days or not) and her nifas visits with their KF number.
- ``pregnancy_list(*, user, on, area="", team=None) -> list[PregnancyRow]``: the active
  pregnancies of the user's area (or of the desa/kecamatan ``area`` inside it, or of ``team``),
  each with its summary, the flagged ones first.
- ``pregnancy_counts_per_desa(*, user, on) -> list[DesaPregnancyCounts]``: the same as counts
  per desa, no names (Mitra OPD, Viewer).
- ``anc_contact_get``, ``kb_pasca_get``, ``nifas_visit_get`` ``(*, user, pk)``: one record of
  the user's area with its target, for its correction page (404 outside the area).

For the KPM scorecard and analytics (both read plain values, no Django objects to render):

- ``target_indicators(*, target, on) -> TargetIndicators``: one pregnancy (ibu hamil target)
  or mother after delivery (pasca persalinan target) on day ``on``: ``anc_count``, ``k4``,
  ``k6``, ``ttd_taken``, ``ttd_90``, ``kelas_count``, ``kek``, ``anaemia``, ``nifas_count``,
  ``kb_decision`` ("" when none recorded), ``kb_method_chosen``, ``kb_within_42_days``. A
  pregnancy's KB fields come from the pasca persalinan target that followed it, and a mother's
  ANC fields from the pregnancy before it.
- ``desa_indicators(*, user, start, end) -> list[DesaPregnancyIndicators]``: per desa of the
  user's area, for the period ``start``..``end`` (a month, a quarter): the pregnancies running
  in it (registered by ``end``, not ended before ``start``) and, counted on ``end`` (or at the
  delivery), how many had K4, K6, TTD >= 90, a kelas ibu hamil, KEK, anaemia; the ANC contacts
  in the period; the deliveries in the period and how many mothers chose a KB method within 42
  days.
- ``pregnancy_facts(targets, *, end) -> PregnancyFacts``: for the KPM scorecard, the pregnancy
  records of a set of ibu hamil / pasca persalinan targets (already scoped by the caller) up to
  ``end``, in four queries whatever their number: ANC contacts by pregnancy, the mother target
  that followed each pregnancy, nifas visit dates by mother, each woman's previous delivery.
  ``PregnancyFacts.summary(target, on)`` is the ``PregnancySummary`` on ``on`` (memoised).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import scope_q, within_q
from kampungkb.families.tpk.lifecycle import estimated_due_date, estimated_hpht
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan, NifasVisit
from kampungkb.families.tpk.pregnancy.rules import (
    TTD_TARGET,
    AncNumber,
    AncStatus,
    Flag,
    Measures,
    anc_numbers,
    anc_status,
    is_anaemic,
    is_kek,
    kb_within_42_days,
    nifas_number,
    risk_flags,
)


@dataclass
class AncRow:
    contact: AncContact
    number: AncNumber | None


@dataclass
class PregnancySummary:
    hpht: datetime.date
    due: datetime.date
    anc: AncStatus
    rows: list[AncRow]
    measures: Measures
    ttd_taken: int
    ttd_received: int
    kelas_count: int
    flags: list[Flag]

    @property
    def ttd_90(self) -> bool:
        return self.ttd_taken >= TTD_TARGET

    @property
    def kek(self) -> bool:
        return is_kek(self.measures.lila)

    @property
    def anaemia(self) -> bool:
        return is_anaemic(self.measures.hb)

    @property
    def missing_anc(self) -> bool:
        return bool(self.anc.missing)

    @property
    def ttd_target(self) -> int:
        return TTD_TARGET


def _latest(contacts: list[AncContact], name: str):
    for c in reversed(contacts):
        if getattr(c, name) is not None:
            return getattr(c, name)
    return None


def _latest_pressure(contacts: list[AncContact]) -> tuple[int | None, int | None]:
    for c in reversed(contacts):
        if c.sistolik is not None:
            return c.sistolik, c.diastolik
    return None, None


def _previous_delivery(target: Target, hpht: datetime.date) -> datetime.date | None:
    same = Q()
    if target.member_id:
        same |= Q(member_id=target.member_id)
    if target.nik:
        same |= Q(nik=target.nik)
    if not same:
        return None
    return (
        Target.objects.filter(same, tanggal_persalinan__lt=hpht)
        .exclude(pk=target.pk)
        .order_by("-tanggal_persalinan")
        .values_list("tanggal_persalinan", flat=True)
        .first()
    )


def _summary(target: Target, contacts: list[AncContact], on, previous) -> PregnancySummary:
    hpht = estimated_hpht(target)
    end = min(on, target.tanggal_persalinan) if target.tanggal_persalinan else on
    contacts = sorted((c for c in contacts if c.tanggal <= end), key=lambda c: c.tanggal)
    numbers = {n.day: n for n in anc_numbers(hpht, [c.tanggal for c in contacts])}
    status = anc_status(hpht, [c.tanggal for c in contacts], end)
    systolic, diastolic = _latest_pressure(contacts)
    measures = Measures(_latest(contacts, "lila"), _latest(contacts, "hb"), systolic, diastolic)
    return PregnancySummary(
        hpht=hpht,
        due=estimated_due_date(target),
        anc=status,
        rows=[AncRow(c, numbers.get(c.tanggal)) for c in contacts],
        measures=measures,
        ttd_taken=sum(c.ttd_diminum for c in contacts),
        ttd_received=sum(c.ttd_diterima for c in contacts),
        kelas_count=sum(c.kelas_ibu_hamil for c in contacts),
        flags=risk_flags(
            hpht=hpht,
            on=end,
            anc=status,
            measures=measures,
            born=target.tanggal_lahir,
            previous_delivery=previous,
        ),
    )


def pregnancy_summary(*, target: Target, on: datetime.date) -> PregnancySummary:
    contacts = list(target.anc_contacts.order_by("tanggal", "pk"))
    hpht = estimated_hpht(target)
    return _summary(target, contacts, on, _previous_delivery(target, hpht))


@dataclass
class NifasRow:
    visit: NifasVisit
    kf: int | None


@dataclass
class PostpartumSummary:
    kb: KbPascaPersalinan | None
    kb_within_42_days: bool
    nifas: list[NifasRow]


def postpartum_summary(*, target: Target, on: datetime.date) -> PostpartumSummary:
    kb = KbPascaPersalinan.objects.filter(target=target).first()
    visits = target.nifas_visits.filter(tanggal__lte=on).order_by("tanggal", "pk")
    delivered = target.tanggal_persalinan
    return PostpartumSummary(
        kb=kb,
        kb_within_42_days=kb_within_42_days(delivered, kb.tanggal if kb else None),
        nifas=[NifasRow(v, nifas_number(delivered, v.tanggal)) for v in visits],
    )


def _record_get(model, *, user, pk: int):
    qs = model.objects.for_user(user).select_related("target", "target__desa")
    return get_object_or_404(qs.defer("target__desa__boundary"), pk=pk)


def anc_contact_get(*, user, pk: int) -> AncContact:
    return _record_get(AncContact, user=user, pk=pk)


def kb_pasca_get(*, user, pk: int) -> KbPascaPersalinan:
    return _record_get(KbPascaPersalinan, user=user, pk=pk)


def nifas_visit_get(*, user, pk: int) -> NifasVisit:
    return _record_get(NifasVisit, user=user, pk=pk)


@dataclass
class PregnancyRow:
    target: Target
    summary: PregnancySummary


def _pregnancies(qs):
    return qs.filter(kind=TargetKind.IBU_HAMIL).prefetch_related(
        Prefetch("anc_contacts", queryset=AncContact.objects.order_by("tanggal", "pk"))
    )


def _previous_deliveries(targets: list[Target]) -> dict[int, datetime.date]:
    """The latest earlier delivery of each pregnancy's woman (by family member or NIK), in one
    query."""
    members = {t.member_id for t in targets if t.member_id}
    niks = {t.nik for t in targets if t.nik}
    if not members and not niks:
        return {}
    deliveries = Target.objects.filter(
        Q(member_id__in=members) | Q(nik__in=niks), tanggal_persalinan__isnull=False
    ).values_list("pk", "member_id", "nik", "tanggal_persalinan")
    out: dict[int, datetime.date] = {}
    for t in targets:
        hpht = estimated_hpht(t)
        days = [
            d
            for pk, member, nik, d in deliveries
            if pk != t.pk
            and d < hpht
            and ((member and member == t.member_id) or (nik and nik == t.nik))
        ]
        if days:
            out[t.pk] = max(days)
    return out


def pregnancy_list(*, user, on: datetime.date, area: str = "", team=None) -> list[PregnancyRow]:
    qs = Target.objects.for_user(user).active().select_related("desa", "team")
    qs = qs.defer("desa__boundary")
    if team is not None:
        qs = qs.filter(team=team)
    if area:
        qs = qs.filter(within_q("desa__kode", area))
    targets = list(_pregnancies(qs))
    previous = _previous_deliveries(targets)
    rows = [
        PregnancyRow(t, _summary(t, list(t.anc_contacts.all()), on, previous.get(t.pk)))
        for t in targets
    ]
    return sorted(rows, key=lambda r: (not r.summary.flags, r.target.desa_id, r.target.nama))


@dataclass
class DesaPregnancyCounts:
    desa_kode: str
    desa_nama: str
    pregnant: int = 0
    kek: int = 0
    anaemia: int = 0
    missing_anc: int = 0
    ttd_below_90: int = 0
    flagged: int = 0


def pregnancy_counts_per_desa(*, user, on: datetime.date) -> list[DesaPregnancyCounts]:
    qs = Target.objects.filter(scope_q(user, "desa__kode")).active().select_related("desa")
    targets = list(_pregnancies(qs.defer("desa__boundary")))
    previous = _previous_deliveries(targets)
    out: dict[str, DesaPregnancyCounts] = {}
    for t in targets:
        s = _summary(t, list(t.anc_contacts.all()), on, previous.get(t.pk))
        row = out.setdefault(t.desa_id, DesaPregnancyCounts(t.desa_id, t.desa.nama))
        row.pregnant += 1
        row.kek += s.kek
        row.anaemia += s.anaemia
        row.missing_anc += s.missing_anc
        row.ttd_below_90 += not s.ttd_90
        row.flagged += bool(s.flags)
    return [out[k] for k in sorted(out)]


# --- for the scorecard and analytics --------------------------------------------------------


@dataclass(frozen=True)
class TargetIndicators:
    anc_count: int = 0
    k4: bool = False
    k6: bool = False
    ttd_taken: int = 0
    ttd_90: bool = False
    kelas_count: int = 0
    kek: bool = False
    anaemia: bool = False
    nifas_count: int = 0
    kb_decision: str = ""
    kb_method_chosen: bool = False
    kb_within_42_days: bool = False


def target_indicators(*, target: Target, on: datetime.date) -> TargetIndicators:
    """The pregnancy indicators of an ibu hamil or pasca persalinan target on ``on``."""
    if target.kind == TargetKind.IBU_HAMIL:
        pregnancy, mother = target, getattr(target, "next_stage", None)
    elif target.kind == TargetKind.PASCA_PERSALINAN:
        pregnancy, mother = target.previous, target
    else:
        return TargetIndicators()
    values: dict = {}
    if pregnancy is not None and pregnancy.kind == TargetKind.IBU_HAMIL:
        s = _summary(pregnancy, list(pregnancy.anc_contacts.all()), on, None)
        values |= {
            "anc_count": s.anc.total,
            "k4": s.anc.k4,
            "k6": s.anc.k6,
            "ttd_taken": s.ttd_taken,
            "ttd_90": s.ttd_90,
            "kelas_count": s.kelas_count,
            "kek": s.kek,
            "anaemia": s.anaemia,
        }
    if mother is not None and mother.tanggal_persalinan <= on:
        kb = KbPascaPersalinan.objects.filter(target=mother, tanggal__lte=on).first()
        values |= {
            "nifas_count": mother.nifas_visits.filter(tanggal__lte=on).count(),
            "kb_decision": kb.keputusan if kb else "",
            "kb_method_chosen": bool(kb and kb.is_method),
            "kb_within_42_days": bool(
                kb and kb.is_method and kb_within_42_days(mother.tanggal_persalinan, kb.tanggal)
            ),
        }
    return TargetIndicators(**values)


@dataclass
class DesaPregnancyIndicators:
    desa_kode: str
    pregnant: int = 0
    anc_contacts: int = 0
    k4: int = 0
    k6: int = 0
    ttd_90: int = 0
    kelas: int = 0
    kek: int = 0
    anaemia: int = 0
    deliveries: int = 0
    kb_method_within_42_days: int = 0


def desa_indicators(
    *, user, start: datetime.date, end: datetime.date
) -> list[DesaPregnancyIndicators]:
    """Per desa of the user's area, the pregnancy indicators of the period ``start``..``end``."""
    out: dict[str, DesaPregnancyIndicators] = {}

    def row(kode: str) -> DesaPregnancyIndicators:
        return out.setdefault(kode, DesaPregnancyIndicators(kode))

    scoped = Target.objects.filter(scope_q(user, "desa__kode"))
    running = scoped.filter(tanggal_daftar__lte=end).filter(
        Q(aktif=True) | Q(tanggal_selesai__gte=start)
    )
    for t in _pregnancies(running):
        contacts = list(t.anc_contacts.all())
        s = _summary(t, contacts, end, None)
        r = row(t.desa_id)
        r.pregnant += 1
        r.anc_contacts += sum(start <= c.tanggal <= end for c in contacts)
        r.k4 += s.anc.k4
        r.k6 += s.anc.k6
        r.ttd_90 += s.ttd_90
        r.kelas += s.kelas_count > 0
        r.kek += s.kek
        r.anaemia += s.anaemia
    mothers = scoped.filter(
        kind=TargetKind.PASCA_PERSALINAN, tanggal_persalinan__range=(start, end)
    ).select_related("kb_pasca")
    for m in mothers:
        r = row(m.desa_id)
        r.deliveries += 1
        kb = getattr(m, "kb_pasca", None)
        # A method chosen within her 42 days counts with her delivery's period, also when
        # chosen (or recorded) after that period ended: the quarters then sum to the year.
        r.kb_method_within_42_days += bool(
            kb and kb.is_method and kb_within_42_days(m.tanggal_persalinan, kb.tanggal)
        )
    return [out[k] for k in sorted(out)]


# --- in bulk, for the KPM scorecard ---------------------------------------------------------


@dataclass
class PregnancyFacts:
    contacts: dict[int, list[AncContact]]  # pregnancy target id -> contacts by date
    mother_of: dict[int, int]  # pregnancy target id -> the pasca persalinan target after it
    nifas: dict[int, list[datetime.date]]  # mother target id -> nifas visit dates
    previous: dict[int, datetime.date]  # pregnancy target id -> the woman's previous delivery
    _summaries: dict = field(default_factory=dict)

    def summary(self, target: Target, on: datetime.date) -> PregnancySummary | None:
        """The summary of pregnancy ``target`` on ``on`` (``None`` without an HPHT/HPL)."""
        if estimated_hpht(target) is None:
            return None
        key = (target.pk, on)
        if key not in self._summaries:
            contacts = self.contacts.get(target.pk, [])
            self._summaries[key] = _summary(target, contacts, on, self.previous.get(target.pk))
        return self._summaries[key]


def pregnancy_facts(targets: list[Target], *, end: datetime.date) -> PregnancyFacts:
    """The pregnancy records of ``targets`` up to ``end`` (see the module docstring)."""
    pregnancies = [t for t in targets if t.kind == TargetKind.IBU_HAMIL]
    mothers = [t for t in targets if t.kind == TargetKind.PASCA_PERSALINAN]
    pregnancies += [
        t.previous
        for t in mothers
        if t.previous_id and t.previous and t.previous.kind == TargetKind.IBU_HAMIL
    ]
    preg_ids = {t.pk for t in pregnancies}
    contacts: dict[int, list[AncContact]] = {}
    for c in AncContact.objects.filter(target_id__in=preg_ids, tanggal__lte=end).order_by(
        "target_id", "tanggal", "pk"
    ):
        contacts.setdefault(c.target_id, []).append(c)
    mother_of = {t.previous_id: t.pk for t in mothers if t.previous_id}
    known = set(mother_of)
    mother_of |= dict(
        Target.objects.filter(
            previous_id__in=preg_ids - known, kind=TargetKind.PASCA_PERSALINAN
        ).values_list("previous_id", "pk")
    )
    nifas: dict[int, list[datetime.date]] = {}
    for target_id, day in (
        NifasVisit.objects.filter(target_id__in=set(mother_of.values()), tanggal__lte=end)
        .order_by("target_id", "tanggal")
        .values_list("target_id", "tanggal")
    ):
        nifas.setdefault(target_id, []).append(day)
    unique = [t for t in {t.pk: t for t in pregnancies}.values() if estimated_hpht(t)]
    return PregnancyFacts(contacts, mother_of, nifas, _previous_deliveries(unique))
