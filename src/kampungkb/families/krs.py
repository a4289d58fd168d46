"""The KRS rule (keluarga berisiko stunting): pure numpy, no Django.

A rule set is plain data (stored as JSON in ``families.KrsRuleSet``, one of them the
default), as in ``../shared/domain/FAMILIES.md``::

    {
      "pus_age": [15, 49],            # a PUS: a married wife of these ages (years)
      "baduta_months": [0, 23],       # children by age in months on the survey date
      "balita_months": [24, 59],
      "factors": {
        "air":    {"enabled": true, "proper_codes": [1, 2, 3, 4]},
        "jamban": {"enabled": true, "proper_codes": [1, 2]},
        "muda":   {"enabled": true, "under_years": 20},
        "tua":    {"enabled": true, "from_years": 35, "to_years": 40},
        "dekat":  {"enabled": true, "under_months": 24},
        "banyak": {"enabled": true, "over_births": 3}
      }
    }

A family is a target (sasaran) when it has a PUS, a pregnant wife, a baduta or a balita; it is
KRS when it is a target and has at least one enabled risk factor. Every family's factors are
kept, so a label always carries its reasons.

The rule runs on arrays (one entry per member, one per family) and never loops over families
in Python: a whole district's recompute is a handful of numpy passes.

>>> import numpy as np
>>> members = Members(
...     family=np.array([0, 0, 0]), relation=np.array([1, 2, 3]), sex=np.array(["L", "P", "L"]),
...     married=np.array([True, True, False]), pregnant=np.array([False, False, False]),
...     age_years=np.array([30, 19, 1]), age_months=np.array([360, 228, 14]),
...     birth_day=np.array([0, 4000, 10950]), live_births=np.array([np.nan, 1, np.nan]))
>>> out = evaluate(members, Families(water=np.array([2]), latrine=np.array([1])), DEFAULT_RULES)
>>> bool(out["is_krs"][0]), bool(out["muda"][0]), bool(out["sasaran_baduta"][0])
(True, True, True)
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

# Relation to the head of the family (Hubungan dengan KK).
HEAD, SPOUSE, CHILD, OTHER = 1, 2, 3, 4

FACTORS = ("air", "jamban", "muda", "tua", "dekat", "banyak")
SASARAN = ("sasaran_pus", "sasaran_hamil", "sasaran_baduta", "sasaran_balita")

DEFAULT_RULES: dict = {
    "pus_age": [15, 49],
    "baduta_months": [0, 23],
    "balita_months": [24, 59],
    "factors": {
        "air": {"enabled": True, "proper_codes": [1, 2, 3, 4]},
        "jamban": {"enabled": True, "proper_codes": [1, 2]},
        "muda": {"enabled": True, "under_years": 20},
        "tua": {"enabled": True, "from_years": 35, "to_years": 40},
        "dekat": {"enabled": True, "under_months": 24},
        "banyak": {"enabled": True, "over_births": 3},
    },
}

_FACTOR_NUMBERS = {
    "air": (),
    "jamban": (),
    "muda": ("under_years",),
    "tua": ("from_years", "to_years"),
    "dekat": ("under_months",),
    "banyak": ("over_births",),
}


class KrsRuleError(ValueError):
    """The rule set is malformed (the message names the first problem)."""


def default_rules() -> dict:
    return copy.deepcopy(DEFAULT_RULES)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _range(rules: dict, key: str, top: int) -> None:
    pair = rules.get(key)
    if (
        not isinstance(pair, list)
        or len(pair) != 2
        or not all(_number(v) for v in pair)
        or not 0 <= pair[0] <= pair[1] <= top
    ):
        raise KrsRuleError(f"{key}: must be [from, to] with 0 <= from <= to <= {top}")


def check_rules(rules: dict) -> None:
    """Raise :class:`KrsRuleError` naming the first problem in ``rules``.

    >>> check_rules(DEFAULT_RULES)
    >>> bad = default_rules(); bad["factors"]["tua"]["from_years"] = 50
    >>> check_rules(bad)
    Traceback (most recent call last):
    ...
    kampungkb.families.krs.KrsRuleError: factors.tua: from_years must not exceed to_years
    """
    if not isinstance(rules, dict):
        raise KrsRuleError("the rule set must be an object")
    _range(rules, "pus_age", 120)
    _range(rules, "baduta_months", 240)
    _range(rules, "balita_months", 240)
    factors = rules.get("factors")
    if not isinstance(factors, dict) or set(factors) != set(FACTORS):
        raise KrsRuleError(f"factors: must hold exactly {', '.join(FACTORS)}")
    for name in FACTORS:
        spec = factors[name]
        if not isinstance(spec, dict) or not isinstance(spec.get("enabled"), bool):
            raise KrsRuleError(f"factors.{name}: enabled must be true or false")
        if name in ("air", "jamban"):
            codes = spec.get("proper_codes")
            if not isinstance(codes, list) or not all(
                isinstance(c, int) and not isinstance(c, bool) for c in codes
            ):
                raise KrsRuleError(f"factors.{name}: proper_codes must be a list of codes")
        for key in _FACTOR_NUMBERS[name]:
            if not _number(spec.get(key)) or spec[key] < 0:
                raise KrsRuleError(f"factors.{name}: {key} must be a number >= 0")
    tua = factors["tua"]
    if tua["from_years"] > tua["to_years"]:
        raise KrsRuleError("factors.tua: from_years must not exceed to_years")


@dataclass
class Members:
    """One entry per member; ``family`` is the index of the member's family (0..n-1)."""

    family: np.ndarray  # int
    relation: np.ndarray  # int: HEAD, SPOUSE, CHILD, OTHER
    sex: np.ndarray  # "L" / "P"
    married: np.ndarray  # bool: status kawin = kawin
    pregnant: np.ndarray  # bool
    age_years: np.ndarray  # int, on the survey date
    age_months: np.ndarray  # int, on the survey date
    birth_day: np.ndarray  # int: date of birth as days since 1970-01-01
    live_births: np.ndarray  # float, NaN when not given


@dataclass
class Families:
    """One entry per family: drinking-water and latrine codes (0 or negative: unknown)."""

    water: np.ndarray
    latrine: np.ndarray


def _any_by_family(mask: np.ndarray, family: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(family[mask], minlength=n) > 0


def calendar_ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of the month of day numbers (days since 1970-01-01), by integer
    arithmetic on the proleptic Gregorian calendar (H. Hinnant's ``civil_from_days``)."""
    z = days.astype(np.int64) + 719_468  # days since 0000-03-01
    era = z // 146_097
    doe = z - era * 146_097  # day of the 400-year era
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)  # day of the year starting in March
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def whole_months(earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
    """Whole calendar months from day ``earlier`` to day ``later`` (days since 1970-01-01),
    as an age is counted: 2021-03-01 to 2023-03-01 is 24, to 2023-02-28 is 23.

    >>> days = np.array([18687, 19417, 19416])  # 2021-03-01, 2023-03-01, 2023-02-28
    >>> whole_months(days[[0, 0]], days[[1, 2]]).tolist()
    [24, 23]
    """
    return months_between(calendar_ymd(earlier), calendar_ymd(later))


def months_between(earlier: tuple, later: tuple) -> np.ndarray:
    """:func:`whole_months` of dates already split by :func:`calendar_ymd`."""
    (ey, em, ed), (ly, lm, ld) = earlier, later
    return (ly - ey) * 12 + (lm - em) - (ld < ed)


def _youngest_two_spacing(members: Members, n: int) -> np.ndarray:
    """Whole calendar months between the births of the two youngest children (relation
    CHILD) of each family; NaN if fewer than two."""
    out = np.full(n, np.nan)
    children = np.flatnonzero(members.relation == CHILD)
    if children.size < 2:
        return out
    fam, born = members.family[children], members.birth_day[children]
    order = np.lexsort((-born, fam))  # by family, youngest first
    fam, born = fam[order], born[order]
    same = fam[1:] == fam[:-1]
    first = np.ones(fam.size, dtype=bool)
    first[1:] = ~same
    # A pair (youngest, second youngest) starts at each family's first child.
    pair = first[:-1] & same
    out[fam[:-1][pair]] = whole_months(born[1:][pair], born[:-1][pair])
    return out


def evaluate(members: Members, families: Families, rules: dict) -> dict[str, np.ndarray]:
    """Return, per family, a boolean array for each sasaran kind, each factor, ``is_sasaran``
    and ``is_krs``. A factor that is switched off is all False."""
    check_rules(rules)
    n = families.water.size
    fam = members.family
    wife = (members.sex == "P") & members.married & np.isin(members.relation, (HEAD, SPOUSE))
    lo, hi = rules["pus_age"]
    pus = wife & (members.age_years >= lo) & (members.age_years <= hi)
    out = {
        "sasaran_pus": _any_by_family(pus, fam, n),
        "sasaran_hamil": _any_by_family(wife & members.pregnant, fam, n),
    }
    for kind, key in (("sasaran_baduta", "baduta_months"), ("sasaran_balita", "balita_months")):
        lo, hi = rules[key]
        young = (members.age_months >= lo) & (members.age_months <= hi)
        out[kind] = _any_by_family(young, fam, n)
    is_sasaran = np.zeros(n, dtype=bool)
    for kind in SASARAN:
        is_sasaran |= out[kind]

    f = rules["factors"]
    known_water = families.water > 0
    out["air"] = known_water & ~np.isin(families.water, f["air"]["proper_codes"])
    known_latrine = families.latrine > 0
    out["jamban"] = known_latrine & ~np.isin(families.latrine, f["jamban"]["proper_codes"])
    out["muda"] = _any_by_family(pus & (members.age_years < f["muda"]["under_years"]), fam, n)
    tua = pus & (members.age_years >= f["tua"]["from_years"])
    out["tua"] = _any_by_family(tua & (members.age_years <= f["tua"]["to_years"]), fam, n)
    spacing = _youngest_two_spacing(members, n)
    # Less than so many months as the calendar counts them (ages are counted so too):
    # born exactly two years apart is not too close, whatever the leap days between.
    with np.errstate(invalid="ignore"):
        out["dekat"] = spacing < f["dekat"]["under_months"]
    births = np.where(wife, members.live_births, np.nan)
    most_births = np.full(n, -1.0)
    given = ~np.isnan(births)
    np.maximum.at(most_births, fam[given], births[given])
    n_children = np.bincount(fam[members.relation == CHILD], minlength=n)
    over = f["banyak"]["over_births"]
    out["banyak"] = np.where(most_births >= 0, most_births > over, n_children > over)

    any_factor = np.zeros(n, dtype=bool)
    for name in FACTORS:
        if not f[name]["enabled"]:
            out[name] = np.zeros(n, dtype=bool)
        any_factor |= out[name]
    out["is_sasaran"] = is_sasaran
    out["is_krs"] = is_sasaran & any_factor
    return out
