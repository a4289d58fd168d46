"""The catin screening (Elsimil-style) as plain functions: the thresholds of a version, the
BMI, the result and its reasons, the plausibility of the inputs and the "three months before
the marriage" rule. No database here; ``services`` stores what these functions say.

The figures (``../shared/domain/DOMAIN.md`` §3.3 and §9.2, checked against the sources named):

- **Anaemia**: haemoglobin below the cut-off. BKKBN uses Hb < 11.5 g/dL for catin (DOMAIN
  §3.3), other sources 12 g/dL; the domain notes ask for a configurable cut-off. The default is
  WHO's for non-pregnant women of reproductive age, 12.0 g/dL, and 13.0 g/dL for men (WHO,
  Haemoglobin concentrations for the diagnosis of anaemia, WHO/NMH/NHD/MNM/11.1, 2011).
- **KEK** (chronic energy deficiency): LiLA < 23.5 cm (DOMAIN §3.3). A criterion for women of
  reproductive age, so it applies to the bride.
- **Thin**: BMI (IMT) < 18.5 kg/m² (DOMAIN §3.3 marks it [INFERRED]: the common practice, the
  WHO adult cut-off). The domain notes give no overweight figure, so none is flagged.
- **Age**: the marriage law's minimum is 19 for both (UU 16/2019); BKKBN recommends 21 for
  women and 25 for men (DOMAIN §3.3 names 21 for women; 25 for men is BKKBN's "usia ideal
  menikah" of its Genre programme). Under 19 is named as under the legal age.
- **Central obesity**: waist circumference above 80 cm for women and 90 cm for men, the
  Asia-Pacific cut-offs (WHO WPRO/IASO/IOTF 2000) the Kemenkes P2PTM uses. DOMAIN §3.3 lists
  the waist as measured but gives no cut-off: [INFERRED], editable.
- **Smoking**: a risk (DOMAIN §3.3 lists smoking behaviour among the measures; §3.1 names
  smokers as a contributing factor).

A screening is "berisiko" with at least one reason, "ideal" with none and every measure
taken, and "belum lengkap" (incomplete) with none but a measure missing (Hb, say, when no
laboratory was at hand): a missing Hb is not a normal one.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BRIDE = "putri"
GROOM = "putra"

RESULT_AT_RISK = "berisiko"
RESULT_IDEAL = "ideal"
RESULT_INCOMPLETE = "belum_lengkap"

#: The default thresholds (the sources are in the module's docstring). Migration
#: ``0008_catin_screening`` keeps its own frozen copy.
DEFAULT_THRESHOLDS = {
    "anemia": {"enabled": True, "hb_under_female": 12.0, "hb_under_male": 13.0},
    "kek": {"enabled": True, "lila_under": 23.5},
    "kurus": {"enabled": True, "bmi_under": 18.5},
    "usia": {"enabled": True, "legal_under": 19, "bride_under": 21, "groom_under": 25},
    "obesitas_sentral": {"enabled": True, "waist_over_female": 80.0, "waist_over_male": 90.0},
    "merokok": {"enabled": True},
}

#: The reasons, in the order they are shown; ``usia_hukum`` and ``usia`` exclude each other.
REASONS = ("usia_hukum", "usia", "anemia", "kek", "kurus", "obesitas_sentral", "merokok")
REASON_LABELS = {
    "usia_hukum": gettext_lazy("Under the legal age to marry"),
    "usia": gettext_lazy("Under the recommended age to marry"),
    "anemia": gettext_lazy("Anaemia (low Hb)"),
    "kek": gettext_lazy("Chronic energy deficiency (KEK, low LiLA)"),
    "kurus": gettext_lazy("Thin (low BMI)"),
    "obesitas_sentral": gettext_lazy("Central obesity (large waist)"),
    "merokok": gettext_lazy("Smoking"),
}

#: (lowest, highest) a value may take at all: outside is a typing error, refused.
HARD_BOUNDS = {
    "umur_tahun": (10, 100),
    "berat_kg": (25, 250),
    "tinggi_cm": (120, 220),
    "lila_cm": (12, 60),
    "hb": (3, 22),
    "lingkar_perut_cm": (40, 200),
}
#: (lowest, highest) an adult's value rarely leaves: outside, the cadre is asked to measure
#: again and confirm (the posyandu's "perlu dicek" rule). Hb under 7 g/dL is severe anaemia
#: (WHO 2011) and over 18 is rare outside polycythaemia; BMI under 15 or over 45 and LiLA
#: under 17 or over 45 cm are seldom met in a catin and often a slipped digit.
SOFT_BOUNDS = {
    "hb": (7, 18),
    "lila_cm": (17, 45),
    "imt": (15, 45),
}
MEASURE_LABELS = {
    "umur_tahun": gettext_lazy("age (years)"),
    "berat_kg": gettext_lazy("weight (kg)"),
    "tinggi_cm": gettext_lazy("height (cm)"),
    "lila_cm": gettext_lazy("LiLA (cm)"),
    "hb": gettext_lazy("Hb (g/dL)"),
    "lingkar_perut_cm": gettext_lazy("waist (cm)"),
    "imt": gettext_lazy("BMI"),
}

#: A catin should be registered and screened this many months before the marriage (BKKBN,
#: DOMAIN §3.2-3.3).
MONTHS_BEFORE_MARRIAGE = 3


class ThresholdError(ValueError):
    """A threshold set that cannot be applied; the message names the key first."""


def check_thresholds(thresholds: dict) -> None:
    """Raise :class:`ThresholdError` unless ``thresholds`` has every key of the default with
    a number in a sensible range (a flag for ``enabled``)."""
    limits = {
        "hb_under_female": (5, 20),
        "hb_under_male": (5, 20),
        "lila_under": (15, 40),
        "bmi_under": (10, 30),
        "legal_under": (10, 30),
        "bride_under": (10, 40),
        "groom_under": (10, 40),
        "waist_over_female": (40, 150),
        "waist_over_male": (40, 150),
    }
    for name, default in DEFAULT_THRESHOLDS.items():
        part = thresholds.get(name)
        if not isinstance(part, dict):
            raise ThresholdError(f"{name}: missing")
        for key in default:
            value = part.get(key)
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ThresholdError(f"{name}.enabled: not a flag")
                continue
            low, high = limits[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThresholdError(f"{name}.{key}: not a number")
            if not low <= value <= high:
                raise ThresholdError(f"{name}.{key}: outside {low}-{high}")
    usia = thresholds["usia"]
    if usia["legal_under"] > min(usia["bride_under"], usia["groom_under"]):
        raise ThresholdError("usia.legal_under: above a recommended age")


def bmi(berat_kg, tinggi_cm) -> Decimal | None:
    """Body mass index in kg/m², to one decimal (``None`` without both measures).

    >>> bmi(Decimal("50"), Decimal("160"))
    Decimal('19.5')
    """
    if berat_kg is None or tinggi_cm is None or not tinggi_cm:
        return None
    metres = Decimal(tinggi_cm) / 100
    return (Decimal(berat_kg) / (metres * metres)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Completed years of age on ``day``.

    >>> age_on(datetime.date(2000, 3, 1), datetime.date(2021, 2, 28))
    20
    """
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day where it is shorter).

    >>> months_before(datetime.date(2026, 5, 31), 3)
    datetime.date(2026, 2, 28)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    if year < datetime.MINYEAR:  # a date typed as year 1: nothing lies before it
        return datetime.date.min
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def early_enough(day: datetime.date | None, marriage: datetime.date | None) -> bool:
    """Whether ``day`` (a registration, a screening) lies at least three months before the
    marriage."""
    if day is None or marriage is None:
        return False
    return day <= months_before(marriage, MONTHS_BEFORE_MARRIAGE)


@dataclass(frozen=True)
class Measures:
    """One screening's inputs. Units: years, kg, cm, g/dL."""

    peran: str  # BRIDE or GROOM
    umur_tahun: int | None
    berat_kg: Decimal | None
    tinggi_cm: Decimal | None
    lila_cm: Decimal | None = None
    hb: Decimal | None = None
    lingkar_perut_cm: Decimal | None = None
    merokok: bool = False


@dataclass(frozen=True)
class Evaluation:
    imt: Decimal | None
    hasil: str
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _female(m: Measures) -> bool:
    return m.peran == BRIDE


def evaluate(m: Measures, thresholds: dict) -> Evaluation:
    """The result of a screening by ``thresholds``: each reason is the code of a threshold
    crossed (``REASONS``), each missing measure one a threshold needed."""
    t = thresholds
    imt = bmi(m.berat_kg, m.tinggi_cm)
    reasons: list[str] = []
    missing: list[str] = []

    def need(name: str, value) -> bool:
        if value is None:
            missing.append(name)
            return False
        return True

    if t["usia"]["enabled"] and need("umur_tahun", m.umur_tahun):
        recommended = t["usia"]["bride_under" if _female(m) else "groom_under"]
        if m.umur_tahun < t["usia"]["legal_under"]:
            reasons.append("usia_hukum")
        elif m.umur_tahun < recommended:
            reasons.append("usia")
    if t["anemia"]["enabled"] and need("hb", m.hb):
        cut = t["anemia"]["hb_under_female" if _female(m) else "hb_under_male"]
        if m.hb < Decimal(str(cut)):
            reasons.append("anemia")
    kek = t["kek"]["enabled"] and _female(m) and need("lila_cm", m.lila_cm)
    if kek and m.lila_cm < Decimal(str(t["kek"]["lila_under"])):
        reasons.append("kek")
    if t["kurus"]["enabled"] and need("imt", imt) and imt < Decimal(str(t["kurus"]["bmi_under"])):
        reasons.append("kurus")
    if t["obesitas_sentral"]["enabled"] and need("lingkar_perut_cm", m.lingkar_perut_cm):
        key = "waist_over_female" if _female(m) else "waist_over_male"
        if m.lingkar_perut_cm > Decimal(str(t["obesitas_sentral"][key])):
            reasons.append("obesitas_sentral")
    if t["merokok"]["enabled"] and m.merokok:
        reasons.append("merokok")
    if reasons:
        hasil = RESULT_AT_RISK
    elif missing:
        hasil = RESULT_INCOMPLETE
    else:
        hasil = RESULT_IDEAL
    return Evaluation(imt=imt, hasil=hasil, reasons=reasons, missing=missing)


def fmt(value, places: int = 1) -> str:
    """A measure or threshold as the language writes it (``11,5`` in Indonesian)."""
    return number_format(Decimal(str(value)), places)


def reason_text(code: str, m: Measures, imt: Decimal | None, thresholds: dict) -> str:
    """One reason as a sentence naming the measure, its value and the threshold."""
    t = thresholds
    female = _female(m)
    if code == "usia_hukum":
        return _("Age %(age)s years: under the legal minimum of %(limit)s (UU 16/2019).") % {
            "age": m.umur_tahun,
            "limit": t["usia"]["legal_under"],
        }
    if code == "usia":
        return _("Age %(age)s years: under the recommended %(limit)s years (BKKBN).") % {
            "age": m.umur_tahun,
            "limit": t["usia"]["bride_under" if female else "groom_under"],
        }
    if code == "anemia":
        cut = t["anemia"]["hb_under_female" if female else "hb_under_male"]
        return _("Anaemia: Hb %(value)s g/dL, below %(limit)s g/dL.") % {
            "value": fmt(m.hb),
            "limit": fmt(cut),
        }
    if code == "kek":
        return _("KEK risk: LiLA %(value)s cm, below %(limit)s cm.") % {
            "value": fmt(m.lila_cm),
            "limit": fmt(t["kek"]["lila_under"]),
        }
    if code == "kurus":
        return _("Thin: BMI %(value)s, below %(limit)s.") % {
            "value": fmt(imt),
            "limit": fmt(t["kurus"]["bmi_under"]),
        }
    if code == "obesitas_sentral":
        cut = t["obesitas_sentral"]["waist_over_female" if female else "waist_over_male"]
        return _("Central obesity: waist %(value)s cm, above %(limit)s cm.") % {
            "value": fmt(m.lingkar_perut_cm),
            "limit": fmt(cut),
        }
    if code == "merokok":
        return _("Smokes.")
    return str(code)


def implausible(values: dict) -> dict[str, str]:
    """The inputs outside ``HARD_BOUNDS``, each with its message (Indonesian in the UI)."""
    errors = {}
    for name, (low, high) in HARD_BOUNDS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            errors[name] = _("%(measure)s must be between %(low)s and %(high)s.") % {
                "measure": capfirst(str(MEASURE_LABELS[name])),
                "low": low,
                "high": high,
            }
    return errors


def unusual(values: dict) -> dict[str, str]:
    """The inputs (and the BMI) outside ``SOFT_BOUNDS``: possible, but to measure again and
    confirm. Keyed by the form field to show the message beside (the BMI beside the weight)."""
    found = {}
    for name, (low, high) in SOFT_BOUNDS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            key = "berat_kg" if name == "imt" else name
            found[key] = _(
                "%(measure)s %(value)s is unusual (usually %(low)s-%(high)s): measure again, "
                'then press "I have checked, save".'
            ) % {
                "measure": capfirst(str(MEASURE_LABELS[name])),
                "value": fmt(value),
                "low": low,
                "high": high,
            }
    return found
