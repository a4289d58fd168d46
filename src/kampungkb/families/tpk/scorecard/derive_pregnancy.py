"""The pregnancy indicators of the scorecard, derived from pregnancy monitoring (ANC contacts,
iron tablets, kelas ibu hamil, nifas visits) through ``Facts.pregnancy``
(``pregnancy.selectors.pregnancy_facts``), and the risti/KEK status (``PREGNANCY_RISK``).

The rules, per quarter as OpenSID counts them (DOMAIN.md §5):

- ``ih_anc4``: the ANC contacts in the quarter (up to the day the quarter is read) reach what
  the trimester needs: 1 in trimester 1, 1 in trimester 2, 2 in trimester 3 (K4 = 1-1-2,
  ``rules.K4_MINIMUM``), the trimester being the one on that day.
- ``ih_ttd90``: the iron tablets taken during the pregnancy, counted on that day, reach 90.
  [ASSUMPTION] the tablets are counted over the whole pregnancy, not per quarter: the
  indicator is "at least 90 days", and a quarter cannot hold more than 92.
- ``ih_nifas3``: at least 3 nifas visits (KF1-KF4, within 42 days of the delivery) by that day.
- ``ih_konseling``: TPK counselling visits (KIE) plus kelas ibu hamil attended in the quarter
  reach what the trimester needs (1, 1, 2).

A pregnancy without any ANC contact recorded (a mother without any nifas visit) is not
monitored: the data cannot say T, so the cell stays for the KPM to enter (``None``).
"""

from django.utils.translation import gettext as _

from kampungkb.families.tpk.models import Target, TargetKind, VisitKind
from kampungkb.families.tpk.pregnancy.rules import (
    K4_MINIMUM,
    NIFAS_MINIMUM,
    TTD_TARGET,
    is_risti,
    nifas_number,
)
from kampungkb.families.tpk.pregnancy.selectors import PregnancySummary
from kampungkb.families.tpk.scorecard.cells import (
    KIE_PER_QUARTER,
    Cell,
    Ctx,
    _derived,
    register,
)


def _days(days) -> str:
    return ", ".join(d.strftime("%d/%m/%Y") for d in days) or "–"


def _pregnancy_of(ctx: Ctx) -> Target | None:
    t = ctx.target
    if t.kind == TargetKind.IBU_HAMIL:
        return t
    if t.kind == TargetKind.PASCA_PERSALINAN and t.previous_id:
        previous = t.previous
        return previous if previous.kind == TargetKind.IBU_HAMIL else None
    return None


def pregnancy_summary(ctx: Ctx) -> PregnancySummary | None:
    """The pregnancy of ``ctx`` summed up on ``ctx.on`` (``None`` without one or its HPHT)."""
    pregnancy = _pregnancy_of(ctx)
    if pregnancy is None or ctx.facts.pregnancy is None:
        return None
    return ctx.facts.pregnancy.summary(pregnancy, ctx.on)


def _monitored(ctx: Ctx) -> PregnancySummary | None:
    """The summary when the pregnancy has ANC contacts recorded by ``ctx.on``, else ``None``."""
    summary = pregnancy_summary(ctx)
    return summary if summary is not None and summary.rows else None


def pregnancy_risk(ctx: Ctx) -> bool | None:
    """Risti or KEK (``rules.is_risti`` on the risk flags of the pregnancy on ``ctx.on``);
    ``None`` when unknown: no flag yet and no ANC contact (LiLA, Hb, blood pressure) recorded."""
    summary = pregnancy_summary(ctx)
    if summary is None:
        return None
    if is_risti(summary.flags):
        return True
    return False if summary.rows else None


def _quarter_contacts(ctx: Ctx, summary: PregnancySummary) -> list:
    return [r.contact for r in summary.rows if r.contact.tanggal >= ctx.quarter.start]


@register("ih_anc4")
def derive_anc(ctx: Ctx) -> Cell | None:
    summary = _monitored(ctx)
    if summary is None or summary.anc.current_trimester is None:
        return None
    trimester = summary.anc.current_trimester
    needed = K4_MINIMUM[trimester]
    days = [c.tanggal for c in _quarter_contacts(ctx, summary)]
    note = _("ANC in the quarter: %(days)s (trimester %(t)s needs %(n)s)") % {
        "days": _days(days),
        "t": trimester,
        "n": needed,
    }
    return _derived(len(days) >= needed, note)


@register("ih_ttd90")
def derive_iron_tablets(ctx: Ctx) -> Cell | None:
    summary = _monitored(ctx)
    if summary is None:
        return None
    note = _("TTD: %(taken)s of %(target)s tablets taken") % {
        "taken": summary.ttd_taken,
        "target": TTD_TARGET,
    }
    return _derived(summary.ttd_90, note)


def _mother_id(ctx: Ctx) -> int | None:
    if ctx.target.kind == TargetKind.PASCA_PERSALINAN:
        return ctx.target.pk
    if ctx.facts.pregnancy is None:
        return None
    return ctx.facts.pregnancy.mother_of.get(ctx.target.pk)


@register("ih_nifas3")
def derive_nifas(ctx: Ctx) -> Cell | None:
    delivered = ctx.target.tanggal_persalinan
    mother = _mother_id(ctx)
    if delivered is None or mother is None:
        return None
    days = [
        d
        for d in ctx.facts.pregnancy.nifas.get(mother, [])
        if d <= ctx.on and nifas_number(delivered, d) is not None
    ]
    if not days:
        return None
    note = _("nifas visits (KF): %(days)s") % {"days": _days(days)}
    return _derived(len(days) >= NIFAS_MINIMUM, note)


@register("ih_konseling")
def derive_pregnancy_counselling(ctx: Ctx) -> Cell | None:
    """TPK counselling visits (KIE) and kelas ibu hamil in the quarter against what the
    trimester needs (OpenSID: one, one, two). Without ANC contacts the kelas ibu hamil are
    unknown: enough KIE visits still say Y, fewer leave the cell to the KPM."""
    summary = pregnancy_summary(ctx)
    trimester = summary.anc.current_trimester if summary is not None else None
    needed = KIE_PER_QUARTER[trimester] if trimester else 1
    kie = sum(1 for v in ctx.visits if v["jenis"] == VisitKind.KIE)
    monitored = summary is not None and bool(summary.rows)
    kelas = sum(1 for c in _quarter_contacts(ctx, summary) if c.kelas_ibu_hamil) if monitored else 0
    if kie + kelas < needed and not monitored:
        return None
    note = _("%(kie)s TPK counselling visits, %(kelas)s kelas ibu hamil (%(n)s needed)") % {
        "kie": kie,
        "kelas": kelas,
        "n": needed,
    }
    return _derived(kie + kelas >= needed, note)
