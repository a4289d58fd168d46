"""The KRS rule on arrays (families.krs) against a plain per-family reading of
../shared/domain/FAMILIES.md, on hand-made families and on random ones."""

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampungkb.families import krs
from kampungkb.families.krs import CHILD, HEAD, OTHER, SPOUSE

SURVEY = datetime.date(2025, 6, 30)
EPOCH = datetime.date(1970, 1, 1)


def _age(born: datetime.date, on: datetime.date = SURVEY) -> tuple[int, int]:
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return months // 12, months


def _arrays(families: list[dict]):
    """families: [{"water", "latrine", "members": [(relation, sex, married, pregnant, born,
    live_births)]}] -> (Members, Families)."""
    rows = [(i, *m) for i, f in enumerate(families) for m in f["members"]]
    ages = [_age(r[5]) for r in rows]
    members = krs.Members(
        family=np.array([r[0] for r in rows], dtype=np.int64),
        relation=np.array([r[1] for r in rows], dtype=np.int64),
        sex=np.array([r[2] for r in rows], dtype="<U1"),
        married=np.array([r[3] for r in rows], dtype=bool),
        pregnant=np.array([r[4] for r in rows], dtype=bool),
        age_years=np.array([a[0] for a in ages], dtype=np.int64),
        age_months=np.array([a[1] for a in ages], dtype=np.int64),
        birth_day=np.array([(r[5] - EPOCH).days for r in rows], dtype=np.int64),
        live_births=np.array([np.nan if r[6] is None else r[6] for r in rows], dtype=float),
    )
    water = np.array([f["water"] for f in families], dtype=np.int64)
    latrine = np.array([f["latrine"] for f in families], dtype=np.int64)
    return members, krs.Families(water=water, latrine=latrine)


def _reference(family: dict, rules: dict) -> dict:
    """FAMILIES.md read one family at a time (surveyed on ``family["on"]``, by default
    SURVEY)."""
    on = family.get("on", SURVEY)
    f = rules["factors"]
    wives = [m for m in family["members"] if m[1] == "P" and m[2] and m[0] in (HEAD, SPOUSE)]
    lo, hi = rules["pus_age"]
    pus = [w for w in wives if lo <= _age(w[4], on)[0] <= hi]
    months = [_age(m[4], on)[1] for m in family["members"]]
    out = {
        "sasaran_pus": bool(pus),
        "sasaran_hamil": any(w[3] for w in wives),
        "sasaran_baduta": any(
            rules["baduta_months"][0] <= a <= rules["baduta_months"][1] for a in months
        ),
        "sasaran_balita": any(
            rules["balita_months"][0] <= a <= rules["balita_months"][1] for a in months
        ),
    }
    out["is_sasaran"] = any(out[k] for k in krs.SASARAN)
    out["air"] = family["water"] > 0 and family["water"] not in f["air"]["proper_codes"]
    out["jamban"] = family["latrine"] > 0 and family["latrine"] not in f["jamban"]["proper_codes"]
    out["muda"] = any(_age(w[4], on)[0] < f["muda"]["under_years"] for w in pus)
    out["tua"] = any(
        f["tua"]["from_years"] <= _age(w[4], on)[0] <= f["tua"]["to_years"] for w in pus
    )
    children = sorted((m[4] for m in family["members"] if m[0] == CHILD), reverse=True)
    # "born less than 24 months apart": months counted as an age is, older to younger.
    out["dekat"] = (
        len(children) >= 2 and _age(children[1], children[0])[1] < f["dekat"]["under_months"]
    )
    births = [w[5] for w in wives if w[5] is not None]
    count = max(births) if births else len(children)
    out["banyak"] = count > f["banyak"]["over_births"]
    for name in krs.FACTORS:
        out[name] = out[name] and f[name]["enabled"]
    out["is_krs"] = out["is_sasaran"] and any(out[n] for n in krs.FACTORS)
    return out


def _evaluate(families, rules=krs.DEFAULT_RULES):
    members, fams = _arrays(families)
    out = krs.evaluate(members, fams, rules)
    return [{k: bool(v[i]) for k, v in out.items()} for i in range(len(families))]


def d(y, m, day=1):
    return datetime.date(y, m, day)


def test_a_young_wife_with_a_baby_and_a_proper_home_is_krs_for_her_age_alone():
    family = {
        "water": 2,
        "latrine": 1,
        "members": [
            (HEAD, "L", True, False, d(2000, 1), None),
            (SPOUSE, "P", True, False, d(2006, 3), 1),  # 19 on the survey date
            (CHILD, "L", False, False, d(2024, 10), None),  # 8 months: baduta
        ],
    }
    [out] = _evaluate([family])
    assert out["is_krs"] and out["muda"] and out["sasaran_baduta"] and out["sasaran_pus"]
    assert not (out["air"] or out["jamban"] or out["tua"] or out["dekat"] or out["banyak"])


def test_each_factor_alone_and_a_family_without_sasaran_is_never_krs():
    base = [
        (HEAD, "L", True, False, d(1990, 1), None),
        (SPOUSE, "P", True, False, d(1995, 1), 2),  # 30: PUS, not too young or old
    ]
    cases = {
        "air": {"water": 5, "latrine": 1, "members": base},
        "jamban": {"water": 1, "latrine": 3, "members": base},
        "tua": {
            "water": 1,
            "latrine": 1,
            "members": [base[0], (SPOUSE, "P", True, False, d(1987, 1), 2)],  # 38
        },
        "dekat": {
            "water": 1,
            "latrine": 1,
            "members": [
                *base,
                (CHILD, "P", False, False, d(2023, 1), None),
                (CHILD, "L", False, False, d(2024, 6), None),  # 17 months apart
            ],
        },
        "banyak": {
            "water": 1,
            "latrine": 1,
            "members": [base[0], (SPOUSE, "P", True, False, d(1995, 1), 4)],
        },
    }
    results = _evaluate(list(cases.values()))
    for (factor, _family), out in zip(cases.items(), results, strict=True):
        assert out["is_krs"], factor
        assert [n for n in krs.FACTORS if out[n]] == [factor]
    # The same unsafe water in a family of two men: no sasaran, so not KRS.
    lone = {"water": 8, "latrine": 4, "members": [(HEAD, "L", False, False, d(1960, 1), None)]}
    [out] = _evaluate([lone])
    assert out["air"] and out["jamban"] and not out["is_sasaran"] and not out["is_krs"]


@pytest.mark.parametrize(
    ("older", "younger", "close"),
    [
        (d(2021, 3, 1), d(2023, 3, 1), False),  # exactly 24 months, 730 days
        (d(2022, 6, 15), d(2024, 6, 15), False),  # exactly 24 months, 731 days (a leap day)
        (d(2021, 3, 1), d(2023, 2, 28), True),  # a day short of 24 months
        (d(2021, 1, 31), d(2023, 1, 30), True),
        (d(2021, 1, 31), d(2023, 1, 31), False),
    ],
)
def test_births_too_close_are_less_than_24_calendar_months_apart(older, younger, close):
    """FAMILIES.md: "the two youngest children in the family were born less than 24 months
    apart"; months as an age counts them, so born exactly two years apart is not too close
    (before, 24 x 30.4375 days made 730 days "too close" and 731 days not)."""
    members = [
        (HEAD, "L", True, False, d(1990, 1), None),
        (SPOUSE, "P", True, False, d(1995, 1), 2),
        (CHILD, "L", False, False, older, None),
        (CHILD, "P", False, False, younger, None),
    ]
    [out] = _evaluate([{"water": 2, "latrine": 1, "members": members}])
    assert out["dekat"] is close and out["is_krs"] is close


def test_too_many_counts_children_when_live_births_are_not_given():
    members = [
        (HEAD, "L", True, False, d(1980, 1), None),
        (SPOUSE, "P", True, False, d(1985, 1), None),
    ]
    members += [(CHILD, "L", False, False, d(2005 + 3 * i, 1), None) for i in range(4)]
    [out] = _evaluate([{"water": 1, "latrine": 1, "members": members}])
    assert out["banyak"]
    # A grandchild (relation: other) is no child of the wife.
    members[-1] = (OTHER, "L", False, False, d(2014, 1), None)
    [out] = _evaluate([{"water": 1, "latrine": 1, "members": members}])
    assert not out["banyak"]


def test_a_switched_off_factor_never_labels():
    rules = krs.default_rules()
    rules["factors"]["air"]["enabled"] = False
    family = {
        "water": 8,
        "latrine": 1,
        "members": [(SPOUSE, "P", True, True, d(1995, 1), 1)],  # pregnant wife
    }
    [out] = _evaluate([family], rules)
    assert out["sasaran_hamil"] and not out["air"] and not out["is_krs"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(pus_age=[49, 15]), "pus_age"),
        (lambda r: r["factors"].pop("air"), "factors"),
        (lambda r: r["factors"]["jamban"].update(proper_codes="1,2"), "proper_codes"),
        (lambda r: r["factors"]["muda"].update(under_years=-1), "under_years"),
        (lambda r: r["factors"]["dekat"].update(enabled="yes"), "enabled"),
    ],
)
def test_a_malformed_rule_set_is_refused_with_its_problem(change, message):
    rules = krs.default_rules()
    change(rules)
    with pytest.raises(krs.KrsRuleError, match=message):
        krs.check_rules(rules)


_dates = st.dates(min_value=d(1950, 1), max_value=SURVEY)
_member = st.tuples(
    st.sampled_from([HEAD, SPOUSE, CHILD, OTHER]),
    st.sampled_from(["L", "P"]),
    st.booleans(),
    st.booleans(),
    _dates,
    st.one_of(st.none(), st.integers(0, 8)),
)
_family = st.fixed_dictionaries(
    {
        "water": st.integers(0, 10),
        "latrine": st.integers(0, 4),
        "members": st.lists(_member, min_size=0, max_size=7),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_family, min_size=1, max_size=12), st.booleans())
def test_the_array_rule_agrees_with_the_plain_reading_on_any_families(families, air_on):
    rules = krs.default_rules()
    rules["factors"]["air"]["enabled"] = air_on
    expected = [_reference(f, rules) for f in families]
    assert _evaluate(families, rules) == expected
