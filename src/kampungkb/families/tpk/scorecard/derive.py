"""The cells of the scorecard: per target, quarter and indicator, Y / T / TS and where the
answer came from.

A cell is decided in this order:

1. the applicability rule of the indicator (``RULES``): TS (*tidak sesuai*) when the indicator
   does not apply to this target in this quarter (age, delivered or not, risk status) - the
   rules are OpenSID's (DOMAIN.md §5);
2. its deriver (``DERIVERS``, one function per indicator key): Y or T read from the data the
   system holds, or ``None`` when the data cannot say;
3. the value the KPM entered (``ScorecardEntry``);
4. otherwise the cell is empty (not yet filled).

**An entered value never overrides a derived one.** When both exist the derived value counts
and the entered one is kept and shown beside it (``Cell.entered``), so the KPM sees the
disagreement and the data can be corrected at its source.

The pregnancy indicators (ANC, TTD, nifas, counselling with kelas ibu hamil) and
``PREGNANCY_RISK`` (risti/KEK) come from pregnancy monitoring: ``derive_pregnancy`` registers
them when this module imports it. ``Cell``, ``Ctx`` and ``register`` live in ``cells``.
"""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from kampungkb.families.tpk.lifecycle import target_state
from kampungkb.families.tpk.models import Target, TargetKind, VisitKind
from kampungkb.families.tpk.scorecard.catalogue import Group
from kampungkb.families.tpk.scorecard.cells import (  # noqa: F401 - the cell's names live here too
    DERIVED,
    DERIVERS,
    ENTERED,
    KIE_PER_QUARTER,
    RULE,
    TS,
    TS_ENTERABLE,
    Cell,
    Ctx,
    T,
    Y,
    _derived,
    _month_names,
    register,
)
from kampungkb.families.tpk.scorecard.derive_pregnancy import pregnancy_risk
from kampungkb.families.tpk.scorecard.facts import Facts

# OpenSID's age rule: immunisation, weighing and counselling do not apply under six months.
YOUNG_MONTHS = 6
WEIGHING_MONTHS = (2, 8)  # bulan penimbangan: February and August


def _stage_end(target: Target, quarter, today: datetime.date) -> datetime.date | None:
    """The last day of ``quarter`` (up to ``today``) the target was in its stage; ``None`` when
    it was not in it at all."""
    last = min(quarter.end, today)
    if target.tanggal_daftar > last:
        return None
    state = target_state(target, last)
    if not state.active and state.ended_on is not None:
        # Closed on the day it was registered (by mistake): never in its stage at all.
        if state.ended_on <= max(quarter.start, target.tanggal_daftar):
            return None
        last = min(last, state.ended_on - datetime.timedelta(days=1))
    return last


def contexts(targets: list[Target], facts: Facts) -> list[Ctx]:
    """The targets of the quarter with their group: pregnancies and mothers after delivery
    (one row a person: a delivery inside the quarter keeps the pregnancy's row), children
    under two (baduta) and children two to five (balita, the PAUD group)."""
    out = []
    ids = {t.pk for t in targets}
    quarter, today = facts.quarter, facts.today
    for t in targets:
        if t.kind == TargetKind.IBU_HAMIL:
            if t.tanggal_persalinan and t.tanggal_persalinan <= min(quarter.end, today):
                if t.tanggal_persalinan <= quarter.start:
                    continue  # delivered before the quarter: the pasca persalinan row
                out.append(Ctx(t, Group.IBU_HAMIL, facts, min(quarter.end, today), True))
                continue
            on = _stage_end(t, quarter, today)
            if on is not None:
                out.append(Ctx(t, Group.IBU_HAMIL, facts, on))
        elif t.kind == TargetKind.PASCA_PERSALINAN:
            delivered_on = t.previous.tanggal_persalinan if t.previous_id else None
            if t.previous_id in ids and delivered_on and delivered_on > quarter.start:
                continue  # the pregnancy's row carries the delivery
            on = _stage_end(t, quarter, today)
            if on is not None:
                out.append(Ctx(t, Group.IBU_HAMIL, facts, on, True))
        elif t.kind in (TargetKind.BADUTA, TargetKind.BALITA):
            on = _stage_end(t, quarter, today)
            if on is not None:
                group = Group.ANAK if t.kind == TargetKind.BADUTA else Group.PAUD
                out.append(Ctx(t, group, facts, on))
    return out


# --- applicability rules: (applies, reason); applies None when the data cannot tell ---------

Rule = Callable[[Ctx], tuple[bool | None, str]]
APPLIES = (True, "")


def _rule_before_delivery(ctx: Ctx):
    return (False, _("delivered")) if ctx.delivered else APPLIES


def _rule_after_delivery(ctx: Ctx):
    return APPLIES if ctx.delivered else (False, _("not delivered yet"))


def _rule_six_months(ctx: Ctx):
    age = ctx.age_months
    if age is not None and age < YOUNG_MONTHS:
        return False, _("under 6 months (%(age)s months)") % {"age": age}
    return APPLIES


# A function of a Ctx saying risti/KEK (True), not (False) or unknown (None): pregnancy
# monitoring's (tests may replace it).
PREGNANCY_RISK: Callable[[Ctx], bool | None] = pregnancy_risk


def _rule_risti(ctx: Ctx):
    if ctx.delivered:
        return False, _("delivered")
    risk = PREGNANCY_RISK(ctx)
    if risk is None:
        return None, ""
    return APPLIES if risk else (False, _("not risti or KEK"))


def _weighing_months(ctx: Ctx) -> list[tuple[int, int]]:
    """The Februaries and Augusts of the twelve months up to ``on`` that began after the
    child's birth."""
    born = ctx.target.child.tanggal_lahir
    # Twelve calendar months, by month number: 365 days back from 31 July 2024 reached 1
    # August 2023 (a leap day between) and left that August out.
    latest = ctx.on.year * 12 + ctx.on.month - 1
    out = []
    for y in (ctx.on.year - 1, ctx.on.year):
        for m in WEIGHING_MONTHS:
            first = datetime.date(y, m, 1)
            if latest - 12 < y * 12 + m - 1 <= latest and born < first:
                out.append((y, m))
    return out


def _rule_measured(ctx: Ctx):
    if not _weighing_months(ctx):
        return False, _("no February or August since birth")
    return APPLIES


def _latest_status(ctx: Ctx) -> dict | None:
    rows = [r for r in ctx.measurements if r["stunted"] is not None or r["wasted"] is not None]
    return rows[-1] if rows else None


def _rule_undernourished(ctx: Ctx):
    latest = _latest_status(ctx)
    if latest is None:
        return None, ""
    if latest["stunted"] or latest["underweight"] or latest["wasted"]:
        return APPLIES
    return False, _("measurement of %(date)s normal") % {
        "date": latest["tanggal"].strftime("%d/%m/%Y")
    }


RULES: dict[str, Rule] = {
    "ih_anc4": _rule_before_delivery,
    "ih_ttd90": _rule_before_delivery,
    "ih_nifas3": _rule_after_delivery,
    "ih_konseling": _rule_before_delivery,
    "ih_kunjungan_risti": _rule_risti,
    "ih_air": _rule_before_delivery,
    "ih_jamban": _rule_before_delivery,
    "ih_jkn": _rule_before_delivery,
    "an_imunisasi": _rule_six_months,
    "an_timbang": _rule_six_months,
    "an_ukur": _rule_measured,
    "an_konseling": _rule_six_months,
    "an_kunjungan_gizi": _rule_undernourished,
}


# --- derivers: Y/T from the data, or None ---------------------------------------------------


def _each_month(ctx: Ctx, months, found, what: str) -> Cell | None:
    if not months:
        return None
    missing = [ym for ym in months if ym not in found]
    if not missing:
        return _derived(
            True, _("%(what)s: %(months)s") % {"what": what, "months": _month_names(months)}
        )
    return _derived(
        False, _("%(what)s missing: %(months)s") % {"what": what, "months": _month_names(missing)}
    )


@register("an_timbang")
def derive_weighed(ctx: Ctx) -> Cell | None:
    born = ctx.target.child.tanggal_lahir
    found = {
        (r["tanggal"].year, r["tanggal"].month) for r in ctx.measurements if r["berat"] is not None
    }
    return _each_month(ctx, ctx.months(since=born), found, _("weighed"))


@register("an_ukur")
def derive_measured(ctx: Ctx) -> Cell | None:
    found = {
        (r["tanggal"].year, r["tanggal"].month) for r in ctx.measurements if r["tinggi"] is not None
    }
    return _each_month(ctx, _weighing_months(ctx), found, _("length measured"))


def _visit_months(ctx: Ctx, kinds=None) -> set[tuple[int, int]]:
    return {
        (v["tanggal"].year, v["tanggal"].month)
        for v in ctx.visits
        if kinds is None or v["jenis"] in kinds
    }


@register("an_konseling")
def derive_child_counselling(ctx: Ctx) -> Cell | None:
    months = ctx.months(since=ctx.target.tanggal_daftar)
    return _each_month(ctx, months, _visit_months(ctx, {VisitKind.KIE}), _("TPK counselling visit"))


@register("an_kunjungan_gizi")
def derive_child_home_visit(ctx: Ctx) -> Cell | None:
    months = ctx.months(since=ctx.target.tanggal_daftar)
    return _each_month(ctx, months, _visit_months(ctx), _("TPK home visit"))


@register("ih_kunjungan_risti")
def derive_pregnancy_home_visit(ctx: Ctx) -> Cell | None:
    """Runs only once ``PREGNANCY_RISK`` says the pregnancy is risti or KEK."""
    months = ctx.months(since=ctx.target.tanggal_daftar)
    return _each_month(ctx, months, _visit_months(ctx), _("TPK home visit"))


def _water(ctx: Ctx) -> Cell | None:
    survey = ctx.facts.survey_of(ctx.target)
    if survey is None or survey.sumber_air is None:
        return None
    note = _("family survey %(year)s: %(value)s") % {
        "year": survey.tahun,
        "value": survey.get_sumber_air_display(),
    }
    return _derived(survey.sumber_air in ctx.facts.proper_water, note)


def _latrine(ctx: Ctx) -> Cell | None:
    survey = ctx.facts.survey_of(ctx.target)
    if survey is None or survey.jamban is None:
        return None
    note = _("family survey %(year)s: %(value)s") % {
        "year": survey.tahun,
        "value": survey.get_jamban_display(),
    }
    return _derived(survey.jamban in ctx.facts.proper_latrine, note)


def _member_flag(member, flag: str) -> Cell | None:
    if member is None or getattr(member, flag) is None:
        return None
    year = member.survey.tahun if hasattr(member, "survey") else ""
    return _derived(getattr(member, flag), _("family survey %(year)s") % {"year": year})


register("ih_air")(_water)
register("an_air")(_water)
register("ih_jamban")(_latrine)
register("an_jamban")(_latrine)


@register("ih_jkn")
def derive_mother_jkn(ctx: Ctx) -> Cell | None:
    return _member_flag(ctx.facts.members.get(ctx.target.member_id), "jkn")


@register("an_jkn")
def derive_child_jkn(ctx: Ctx) -> Cell | None:
    return _member_flag(ctx.facts.child_member.get(ctx.target.child_id), "jkn")


@register("an_akta")
def derive_birth_certificate(ctx: Ctx) -> Cell | None:
    return _member_flag(ctx.facts.child_member.get(ctx.target.child_id), "akta_lahir")


# --- a cell ---------------------------------------------------------------------------------


def cell(ctx: Ctx, key: str, entered: str = "") -> Cell:
    """The cell of indicator ``key`` for ``ctx``, given the KPM's entered value if any."""
    rule = RULES.get(key)
    applies, reason = rule(ctx) if rule else APPLIES
    if applies is False:
        return Cell(TS, RULE, reason, entered)
    deriver = DERIVERS.get(key)
    derived = deriver(ctx) if deriver and applies else None
    if derived is not None:
        return Cell(derived.value, DERIVED, derived.note, entered)
    if entered:
        return Cell(entered, ENTERED, "", entered)
    return Cell("", "", "", "")
