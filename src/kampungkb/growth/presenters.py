"""What a measurement means to the kader, ready for a template: labels, advice, colours."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kampungkb import anthro
from kampungkb.growth.models import Measurement
from kampungkb.growth.rules import Advice, referral_advice

# Bootstrap colour per category code (1 = most severe).
_COLOURS = {
    "bbu": {1: "danger", 2: "warning", 3: "success", 4: "warning"},
    "tbu": {1: "danger", 2: "warning", 3: "success", 4: "info"},
    "bbtb": {1: "danger", 2: "warning", 3: "success", 4: "info", 5: "warning", 6: "danger"},
    "imtu": {1: "danger", 2: "warning", 3: "success", 4: "info", 5: "warning", 6: "danger"},
}

# The categories of Permenkes 2/2020 in the user's language: ``anthro.CATEGORY_LABELS`` holds
# the Indonesian names alone (as the e-PPGBM export writes them), which the English page
# showed as they are. The Indonesian catalogue gives those same names.
_STATUS = "nutritional status"
_CATEGORY_LABELS = {
    "bbu": {
        1: pgettext_lazy(_STATUS, "Severely underweight"),
        2: pgettext_lazy(_STATUS, "Underweight"),
        3: pgettext_lazy(_STATUS, "Normal weight"),
        4: pgettext_lazy(_STATUS, "Risk of overweight"),
    },
    "tbu": {
        1: pgettext_lazy(_STATUS, "Severely stunted"),
        2: pgettext_lazy(_STATUS, "Stunted"),
        3: pgettext_lazy(_STATUS, "Normal"),
        4: pgettext_lazy(_STATUS, "Tall"),
    },
    "bbtb": {
        1: pgettext_lazy(_STATUS, "Severely wasted"),
        2: pgettext_lazy(_STATUS, "Wasted"),
        3: pgettext_lazy(_STATUS, "Well nourished"),
        4: pgettext_lazy(_STATUS, "Possible risk of overweight"),
        5: pgettext_lazy(_STATUS, "Overweight"),
        6: pgettext_lazy(_STATUS, "Obese"),
    },
}
_CATEGORY_LABELS["imtu"] = _CATEGORY_LABELS["bbtb"]


def category_label(kind: str, code: int | None) -> str:
    """The name of category ``code`` of index ``kind`` in the active language ("" if none)."""
    return str(_CATEGORY_LABELS[kind].get(code, "")) if code is not None else ""


@dataclass
class IndexResult:
    short: str
    name: str
    z: float | None
    label: str
    colour: str
    flagged: bool


def _index(short: str, name: str, kind: str, z, code, flagged) -> IndexResult:
    if z is None or (isinstance(z, float) and math.isnan(z)):
        return IndexResult(short, name, None, _("not computable"), "secondary", False)
    label = category_label(kind, code)
    if flagged:
        return IndexResult(short, name, z, label, "secondary", True)
    return IndexResult(short, name, z, label, _COLOURS[kind].get(code, "secondary"), False)


def measurement_indices(m: Measurement) -> list[IndexResult]:
    unsure = m.needs_check  # every index is then shown grey, marked "check value"
    under_two = m.umur_hari is not None and m.umur_hari < 731
    if under_two:
        tbu = ("PB/U", _("Length-for-age (PB/U)"))
        bbtb = ("BB/PB", _("Weight-for-length (BB/PB)"))
    else:
        tbu = ("TB/U", _("Height-for-age (TB/U)"))
        bbtb = ("BB/TB", _("Weight-for-height (BB/TB)"))
    return [
        _index("BB/U", _("Weight-for-age (BB/U)"), "bbu", m.zwei, m.cat_bbu, m.fwei or unsure),
        _index(*tbu, "tbu", m.zlen, m.cat_tbu, m.flen or unsure),
        _index(*bbtb, "bbtb", m.zwfl, m.cat_bbtb, m.fwfl or unsure),
        _index("IMT/U", _("BMI-for-age (IMT/U)"), "imtu", m.zbmi, m.cat_imtu, m.fbmi or unsure),
    ]


def measurement_advice(m: Measurement) -> list[Advice]:
    if m.needs_check:
        # Values waiting to be checked refer no one (no stunting, wasting or T from a typing
        # error); oedema is seen, not computed, and still sends the child on.
        advice = [a for a in referral_advice(
            growth_code="", two_t=False, bgm=None, zlen=None, zwfl=None, zwei=None,
            lila_cm=None, age_months=None, oedema=m.oedema, flagged=False,
        ) if a.level == "danger"]  # fmt: skip
        return [
            *advice,
            Advice(
                "warning",
                _(
                    "Saved marked “needs checking”: these values give no growth code, referral "
                    "or report until they are checked. Measure again at the next visit."
                ),
            ),
        ]
    return referral_advice(
        growth_code=m.growth_code,
        two_t=m.two_t,
        bgm=m.bgm,
        zlen=m.zlen if not m.flen else None,
        zwfl=m.zwfl if not m.fwfl else None,
        zwei=m.zwei if not m.fwei else None,
        lila_cm=float(m.lila) if m.lila is not None else None,
        age_months=m.umur_bulan,
        oedema=m.oedema,
        flagged=bool(m.flen or m.fwei or m.fwfl or m.fbmi),
    )


def age_text(days: int | None) -> str:
    """Age as the KIA book writes it: years, months and days."""
    if days is None:
        return "–"
    months = int(days // anthro.DAYS_PER_MONTH)
    rest = days - round(months * anthro.DAYS_PER_MONTH)
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(_("%(n)d yr") % {"n": years})
    if months or years:
        parts.append(_("%(n)d mo") % {"n": months})
    parts.append(_("%(n)d d") % {"n": max(rest, 0)})
    return " ".join(parts)


def age_short(days: int | None) -> str:
    """Age in a list: years and completed months; days only in the first month."""
    if days is None or days < 0:
        return "–"
    months = int(days // anthro.DAYS_PER_MONTH)
    if months == 0:
        return _("%(n)d d") % {"n": days}
    years, months = divmod(months, 12)
    parts = [_("%(n)d yr") % {"n": years}] if years else []
    return " ".join([*parts, _("%(n)d mo") % {"n": months}])
