"""``rules.growth_codes_arrays`` (numpy, many children at once) gives exactly what the readable
``rules.growth_codes`` gives per child."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampungkb.growth.kbm.reference import KBM_TABLES
from kampungkb.growth.rules import KBMRule, Weighing, growth_codes, growth_codes_arrays

RULES = {
    spec["kode"]: KBMRule(entries=tuple(spec["entries"]), scale_by_gap=spec["scale_by_gap"])
    for spec in KBM_TABLES
}
KIA = RULES["buku-kia-2023"]
SHEET = RULES["lembar-posyandu-600"]


def vectorised(children: list[list[Weighing]], rule) -> list[tuple]:
    rows = [(c, w) for c, series in enumerate(children) for w in series]
    code, gain, kbm, two_t = growth_codes_arrays(
        np.array([c for c, _ in rows], dtype=np.int64),
        np.array([w.year for _, w in rows], dtype=np.int64),
        np.array([w.month for _, w in rows], dtype=np.int64),
        np.array([w.age_days for _, w in rows], dtype=float),
        np.array([w.weight_kg for _, w in rows], dtype=float),
        rule,
    )
    assert len(code) == len(gain) == len(kbm) == len(two_t) == len(rows)
    columns = (code.tolist(), gain.tolist(), kbm.tolist(), two_t.tolist())
    return list(zip(*columns, strict=True))


def reference(children: list[list[Weighing]], rule) -> list[tuple]:
    return [
        (r.code, r.gain_g, r.kbm_g, r.two_t)
        for series in children
        for r in growth_codes(series, rule)
    ]


def assert_same(children, rule):
    got, expected = vectorised(children, rule), reference(children, rule)
    assert got == expected
    # Same types too: str codes, int or None gains and KBMs, plain bools.
    for (c, g, k, t), (ce, ge, ke, te) in zip(got, expected, strict=True):
        assert (type(c), type(g), type(k), type(t)) == (type(ce), type(ge), type(ke), type(te))


# Weights in grams, halves included: (w - w_prev) * 1000 lands on .5 and must round to even
# as Python's round() does; some missing.
weights = st.one_of(
    st.none(),
    st.integers(1500, 30000).map(lambda g: g / 1000),
    st.integers(3000, 60000).map(lambda g: g / 2000),
    st.floats(1.0, 30.0, allow_nan=False),
)


@st.composite
def child_series(draw):
    """One child's weighings in date order: several in one month, skipped months, missing
    weights, ages crossing KBM boundaries (and sometimes unknown)."""
    n = draw(st.integers(0, 12))
    month = draw(st.integers(2020 * 12, 2026 * 12))
    age = draw(st.integers(-40, 2200))
    out = []
    for _ in range(n):
        step = draw(st.sampled_from([0, 1, 1, 1, 2, 3, 7]))
        month += step
        age += step * 30 + draw(st.integers(-3, 3)) if step else draw(st.integers(0, 10))
        known = draw(st.integers(0, 15)) > 0
        out.append(Weighing(month // 12, month % 12 + 1, age if known else None, draw(weights)))
    return out


@st.composite
def kbm_rules(draw):
    """The two tables of growth/reference.py, or a random one: holes, overlaps, any order."""
    choice = draw(st.sampled_from(["kia", "sheet", "kia-scaled", "sheet-o", "random"]))
    if choice == "kia":
        return KIA
    if choice == "sheet":
        return SHEET
    if choice == "kia-scaled":
        return KBMRule(entries=KIA.entries, scale_by_gap=True)
    if choice == "sheet-o":
        return KBMRule(entries=SHEET.entries, scale_by_gap=False)
    entries = draw(
        st.lists(
            st.tuples(st.integers(0, 40), st.integers(0, 15), st.integers(0, 1500)).map(
                lambda t: (t[0], t[0] + t[1], t[2])
            ),
            max_size=6,
        )
    )
    return KBMRule(entries=tuple(entries), scale_by_gap=draw(st.booleans()))


@settings(max_examples=400, deadline=None)
@given(children=st.lists(child_series(), max_size=6), rule=kbm_rules())
def test_vectorised_growth_codes_equal_the_reference(children, rule):
    assert_same(children, rule)


def w(year, month, age_days, kg):
    return Weighing(year, month, age_days, kg)


@pytest.mark.parametrize("rule", [KIA, SHEET], ids=["buku-kia", "sheet"])
@pytest.mark.parametrize(
    "series",
    [
        # B, N, T, 2T, 2T again
        [w(2025, 1, 400, 9.0), w(2025, 2, 430, 9.3), w(2025, 3, 460, 9.4), w(2025, 4, 490, 9.5),
         w(2025, 5, 520, 9.6)],
        # two weighings in one month, both compared with the last one of the month before
        [w(2025, 1, 400, 9.0), w(2025, 1, 410, 9.4), w(2025, 2, 420, 9.5), w(2025, 2, 440, 9.7)],
        # a visit without weight is not a weighing; a skipped month is O (or 2 x KBM)
        [w(2025, 1, 400, 9.0), w(2025, 2, 430, None), w(2025, 3, 460, 9.5), w(2025, 4, 490, 9.6)],
        # month 3: 800 g (Buku KIA) or 600 g (sheet); age below the first entry: no KBM
        [w(2025, 1, 20, 3.5), w(2025, 2, 62, 5.0), w(2025, 3, 92, 5.7)],
        # beyond the last entry (60 months) the last entry's 200 g applies
        [w(2025, 1, 1900, 15.0), w(2025, 2, 1930, 15.2), w(2025, 3, 1960, 15.3)],
        # a gain of exactly half a gram rounds to even; unknown age gives no KBM
        [w(2025, 1, 400, 9.0), w(2025, 2, 430, 9.0005), w(2025, 3, None, 9.5)],
    ],
)  # fmt: skip
def test_hand_cases(series, rule):
    assert_same([series], rule)


def test_children_are_kept_apart_and_no_rule_gives_no_codes():
    a = [w(2025, 1, 400, 9.0), w(2025, 2, 430, 9.1)]
    b = [w(2025, 3, 200, 7.0), w(2025, 4, 230, 7.5)]
    assert [r[0] for r in vectorised([a, b], KIA)] == ["B", "T", "B", "N"]
    assert vectorised([a, b], None) == [("", None, None, False)] * 4
    assert vectorised([], KIA) == []
