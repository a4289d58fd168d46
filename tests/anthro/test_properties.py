"""Property tests: monotonic in the measurement, continuous at ±3 SD, an invalid input
costs only what reads it."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kampungkb.anthro import zac, zbfa, zhfa, zlen, zss, zts, zwei, zwfa, zwfl

from ._invalid import INVALID, assert_costs_only_what_reads, valid_and_invalid
from ._ref import lms, sd

#: input -> the words every reason about it starts with
FIELD_NAMES = {
    **{f: reason.rsplit(" ", 1)[0] for f, (_, reason) in INVALID.items()},
    "sex": "jenis kelamin",
    "measure": "cara ukur",
    "oedema": "kode edema",
}

sexes = st.sampled_from([1, 2])
ages = st.integers(min_value=91, max_value=1826)
months = st.floats(min_value=60, max_value=120, allow_nan=False)


def increasing(values):
    z = np.asarray(values)
    return bool(np.all(np.diff(z) >= 0))


@settings(max_examples=60, deadline=None)
@given(sex=sexes, age=ages, start=st.floats(0.5, 30), step=st.floats(0.001, 2))
def test_age_based_indicators_non_decreasing_in_the_measurement(sex, age, start, step):
    y = start + step * np.arange(40)
    measure = "l" if age < 731 else "h"
    for z in (
        zwei(sex, age, y, rounded=False),
        zlen(sex, age, y * 4, measure, rounded=False),
        zac(sex, age, y, rounded=False),
        zts(sex, age, y, rounded=False),
        zss(sex, age, y, rounded=False),
    ):
        assert increasing(z)


@settings(max_examples=60, deadline=None)
@given(
    sex=sexes,
    age=st.one_of(st.none(), st.integers(0, 1826)),
    length=st.floats(45, 120),
    w0=st.floats(0, 20),
    step=st.floats(0.001, 1),
)
def test_zwfl_non_decreasing_in_weight(sex, age, length, w0, step):
    z = zwfl(sex, age, w0 + step * np.arange(40), length, rounded=False)
    z = z[~np.isnan(z)]
    assert increasing(z)


@settings(max_examples=40, deadline=None)
@given(sex=sexes, m=months, w0=st.floats(1, 40), step=st.floats(0.001, 2))
def test_2007_indicators_non_decreasing(sex, m, w0, step):
    y = w0 + step * np.arange(40)
    age = m * 30.4375
    assert increasing(zwfa(sex, age, y, rounded=False))
    assert increasing(zbfa(sex, age, y, 130.0, rounded=False))
    assert increasing(zhfa(sex, age, y * 4, rounded=False))


@settings(max_examples=60, deadline=None)
@given(sex=sexes, day=st.integers(0, 1826), sign=st.sampled_from([-1, 1]))
def test_restricted_formula_is_continuous_at_3(sex, day, sign):
    lam, m, s = lms("who2006_wfa_by_day.csv", sex, day)
    at3 = sd(lam, m, s, sign * 3)
    eps = at3 * 1e-9
    z = zwei(sex, day, [at3 - eps, at3, at3 + eps], rounded=False)
    assert abs(z[0] - sign * 3) < 1e-6 and abs(z[2] - sign * 3) < 1e-6
    assert z[0] <= z[1] <= z[2]


valid_rows = st.fixed_dictionaries(
    {
        "sex": sexes,
        "age_days": st.floats(0, 6900),
        "weight": st.floats(1, 60),
        "lenhei": st.floats(40, 180),
        "measure": st.sampled_from(["l", "h", ""]),
        "oedema": st.sampled_from(["n", "y", ""]),
        "headc": st.floats(30, 55),
        "armc": st.floats(8, 25),
        "triskin": st.floats(3, 25),
        "subskin": st.floats(3, 25),
    }
)
negative = st.floats(-500, -1e-9)
not_a_number = st.sampled_from(["abc", "12a", "1..2", "inf"])
unknown_code = st.sampled_from(["x", "3", "?", "ya"])


@settings(max_examples=200, deadline=None)
@given(row=valid_rows, field=st.sampled_from(sorted(INVALID)), data=st.data())
def test_an_invalid_input_costs_only_the_outputs_that_read_it(row, field, data):
    if field in ("sex", "measure", "oedema"):
        bad = data.draw(unknown_code)
    else:
        bad = data.draw(st.one_of(negative, not_a_number))
    out = valid_and_invalid(row, field, bad)
    assert out["error"][0] == ""
    assert FIELD_NAMES[field] in out["error"][1]
    assert_costs_only_what_reads(out, field)
