"""Which measurements need checking before they count: the "perlu dicek" rules.

A value questioned here is not refused (it may be right: the child is then referred by the
puskesmas, not by a formula); the kader is asked to measure again and to confirm, and the
measurement is saved marked ``needs_check``. Until a reviewer confirms it, or it is corrected,
it gives no status, no growth code (N/T/2T) and no referral, and counts in no analytics.

Three rules, each on the measurement being written against the child's last earlier
measurement that does not itself need checking:

1. **WHO plausibility flags** (computed by ``kampungkb.anthro``; shared domain notes §4.2):
   |z PB/U or TB/U| > 6, z BB/U < −6 or > +5, |z| > 5 for the other indices.
2. **Length/height went down** by more than ``HEIGHT_DROP_TOLERANCE_CM``. A child's length
   never decreases, so any drop is measurement error; a drop within the tolerance is the
   ordinary error of two measurements. Lying length (PB) reads about 0.7 cm more than standing
   height (TB) (WHO; shared domain notes §4.2), so both are compared as lying lengths.
3. **A weight change no child makes in the time elapsed**: see ``weight_change_limits``.

The domain notes give no tolerance for rules 2 and 3; the figures (in ``plausibility_rules``,
with the rules on arrays) are our choice, stated with their reasoning, and meant to catch
typing errors and misread scales, not to judge a child's health.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.growth.plausibility_rules import (
    HEIGHT_DROP_TOLERANCE_CM,
    PB_MINUS_TB_CM,
    series_clear,
    series_marks,
    weight_change_limits,
)

__all__ = [
    "HEIGHT_DROP_TOLERANCE_CM",
    "Finding",
    "Reason",
    "check_series",
    "messages_by_field",
    "reason_codes",
    "reasons_text",
    "series_clear",
    "series_marks",
    "weight_change_limits",
]


class Reason(models.TextChoices):
    WHO_WFA = "who_wfa", gettext_lazy("Weight-for-age outside the WHO limits")
    WHO_LHFA = "who_lhfa", gettext_lazy("Length/height-for-age outside the WHO limits")
    WHO_WFLH = "who_wflh", gettext_lazy("Weight-for-length/height outside the WHO limits")
    WHO_BMI = "who_bmi", gettext_lazy("BMI-for-age outside the WHO limits")
    WHO_HC = "who_hc", gettext_lazy("Head circumference outside the WHO limits")
    WHO_AC = "who_ac", gettext_lazy("Arm circumference outside the WHO limits")
    HEIGHT_DROP = "height_drop", gettext_lazy("Length/height lower than before")
    WEIGHT_CHANGE = "weight_change", gettext_lazy("Weight change impossible in the time")


# WHO flag → (reason, the form field it is shown beside, index name, stored z, limits).
_WHO = (
    ("fwei", Reason.WHO_WFA, "berat", "BB/U", "zwei", "−6 … +5"),
    ("flen", Reason.WHO_LHFA, "tinggi", "PB/U, TB/U", "zlen", "−6 … +6"),
    ("fwfl", Reason.WHO_WFLH, "berat", "BB/PB, BB/TB", "zwfl", "−5 … +5"),
    ("fbmi", Reason.WHO_BMI, "berat", "IMT/U", "zbmi", "−5 … +5"),
    ("fhc", Reason.WHO_HC, "lingkar_kepala", "LK/U", "zhc", "−5 … +5"),
    ("fac", Reason.WHO_AC, "lila", "LiLA/U", "zac", "−5 … +5"),
)


@dataclass(frozen=True)
class Finding:
    reason: str  # a Reason value
    field: str  # the form field it concerns
    message: str  # what the kader reads beside the field (a WHO flag: the index and its z)
    who: bool = False


def reasons_text(codes: str) -> list[str]:
    """The labels of the space-separated reason codes stored on a measurement."""
    labels = dict(Reason.choices)
    return [str(labels.get(code, code)) for code in codes.split()]


def _as_length(m) -> float:
    """Length/height in cm as a lying length (standing height + 0.7 cm)."""
    return float(m.tinggi) + (PB_MINUS_TB_CM if m.cara_ukur == "TB" else 0.0)


def _who_findings(m) -> list[Finding]:
    out = []
    for flag, reason, field, index, z_field, limits in _WHO:
        if getattr(m, flag, None):
            z = getattr(m, z_field, None)
            shown = "?" if z is None else number_format(round(z, 1), 1)
            out.append(Finding(reason, field, f"{index} {shown} ({limits})", who=True))
    return out


def _height_finding(m, previous) -> Finding | None:
    drop = _as_length(previous) - _as_length(m)
    if drop <= HEIGHT_DROP_TOLERANCE_CM:
        return None
    return Finding(
        Reason.HEIGHT_DROP,
        "tinggi",
        _(
            "%(drop)s cm shorter than on %(date)s (%(before)s cm %(method)s): a child's length "
            "never goes down."
        )
        % {
            "drop": number_format(round(drop, 1), 1),
            "date": date_format(previous.tanggal, "j M Y"),
            "before": number_format(previous.tinggi, 1),
            "method": previous.cara_ukur,
        },
    )


def _weight_finding(m, previous) -> Finding | None:
    before, now = float(previous.berat), float(m.berat)
    days = (m.tanggal - previous.tanggal).days
    gain_max, loss_max = weight_change_limits(before, days)
    change = now - before
    if -loss_max <= change <= gain_max:
        return None
    return Finding(
        Reason.WEIGHT_CHANGE,
        "berat",
        _(
            "%(change)s kg in %(days)s days since %(date)s (%(before)s kg): no child gains or "
            "loses weight that fast."
        )
        % {
            "change": ("+" if change > 0 else "") + number_format(round(change, 2), 2),
            "days": max(days, 1),
            "date": date_format(previous.tanggal, "j M Y"),
            "before": number_format(previous.berat, 2),
        },
    )


def check_series(series: Sequence, targets: set[int]) -> dict[int, list[Finding]]:
    """Check the measurements at the positions ``targets`` of one child's ``series``.

    ``series`` is in date order; the targets have their WHO flags computed. Each target is
    compared with the last earlier measurement that does not need checking (a stored one with
    ``needs_check`` unset, or an earlier target without findings). Returns the findings of each
    target that has any.
    """
    found: dict[int, list[Finding]] = {}
    last_height = last_weight = None
    for i, m in enumerate(series):
        if i in targets:
            findings = _who_findings(m)
            if m.tinggi is not None and last_height is not None:
                findings.append(_height_finding(m, last_height))
            if m.berat is not None and last_weight is not None:
                findings.append(_weight_finding(m, last_weight))
            findings = [f for f in findings if f is not None]
            if findings:
                found[i] = findings
                continue
        elif m.needs_check:
            continue
        if m.tinggi is not None:
            last_height = m
        if m.berat is not None:
            last_weight = m
    return found


def reason_codes(findings: Sequence[Finding]) -> str:
    """The findings' reasons as stored in ``Measurement.check_reasons``."""
    return " ".join(dict.fromkeys(f.reason for f in findings))


def messages_by_field(findings: Sequence[Finding]) -> dict[str, list[str]]:
    """What to show beside each form field: the findings' messages, grouped by field, the WHO
    flags of a field in one message (a phone shows a few lines, not one per index)."""
    out: dict[str, list[str]] = {}
    for field in dict.fromkeys(f.field for f in findings):
        mine = [f for f in findings if f.field == field]
        flagged = [f.message for f in mine if f.who]
        if flagged:
            out[field] = [
                _("z-score outside the WHO limits: %(indices)s.") % {"indices": "; ".join(flagged)}
            ]
        out.setdefault(field, []).extend(f.message for f in mine if not f.who)
    return out
