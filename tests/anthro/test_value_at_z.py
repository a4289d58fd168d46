"""value_at_z: the measurement at a z-score, the inverse of every z-score function."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampungkb.anthro import (
    DAYS_PER_MONTH,
    value_at_z,
    zac,
    zbfa,
    zbmi,
    zhc,
    zhfa,
    zlen,
    zss,
    zts,
    zwei,
    zwfa,
    zwfl,
)
from kampungkb.anthro._lms import lms_value, lms_z

from ._ref import lms, sd

# table -> (key argument, key range that has z-scores, z-score of value y at key)
# BMI-for-age is scored at 100 cm, where BMI is the weight itself.
TABLES = {
    "wfa": ("age_days", (0, 1826.2), lambda s, k, y: zwei(s, k, y, rounded=False)),
    "lhfa": ("age_days", (0, 1826.2), lambda s, k, y: zlen(s, k, y, rounded=False)),
    "bmifa": ("age_days", (0, 1826.2), lambda s, k, y: zbmi(s, k, y, 100.0, rounded=False)),
    "hcfa": ("age_days", (0, 1826.2), lambda s, k, y: zhc(s, k, y, rounded=False)),
    "acfa": ("age_days", (90.5, 1826.2), lambda s, k, y: zac(s, k, y, rounded=False)),
    "tsfa": ("age_days", (90.5, 1826.2), lambda s, k, y: zts(s, k, y, rounded=False)),
    "ssfa": ("age_days", (90.5, 1826.2), lambda s, k, y: zss(s, k, y, rounded=False)),
    "wfl": ("lenhei", (45, 110), lambda s, k, y: zwfl(s, None, y, k, "l", rounded=False)),
    "wfh": ("lenhei", (65, 120), lambda s, k, y: zwfl(s, None, y, k, "h", rounded=False)),
    "hfa2007": (
        "age_days",
        (60 * DAYS_PER_MONTH, 228 * DAYS_PER_MONTH),
        lambda s, k, y: zhfa(s, k, y, rounded=False),
    ),
    "wfa2007": (
        "age_days",
        (60 * DAYS_PER_MONTH, 120 * DAYS_PER_MONTH),
        lambda s, k, y: zwfa(s, k, y, rounded=False),
    ),
    "bfa2007": (
        "age_days",
        (60 * DAYS_PER_MONTH, 228 * DAYS_PER_MONTH),
        lambda s, k, y: zbfa(s, k, y, 100.0, rounded=False),
    ),
}
PLAIN_TABLES = {"lhfa", "hcfa", "hfa2007"}


@pytest.mark.parametrize("table", sorted(TABLES))
@settings(max_examples=40, deadline=None)
@given(
    sex=st.sampled_from([1, 2]),
    where=st.floats(0, 1),
    z=st.lists(st.floats(-6, 6), min_size=1, max_size=20),
)
def test_the_zscore_of_the_value_at_z_is_z_also_beyond_3_sd(table, sex, where, z):
    key_field, (low, high), zscore = TABLES[table]
    key = low + where * (high - low)
    y = value_at_z(table, sex=sex, z=z, **{key_field: key})
    assert np.all(np.isfinite(y)) and np.all(y > 0)
    assert zscore(sex, key, y) == pytest.approx(z, abs=1e-8)


@pytest.mark.parametrize("table", sorted(TABLES.keys() - PLAIN_TABLES))
@settings(max_examples=20, deadline=None)
@given(sex=st.sampled_from([1, 2]), where=st.floats(0, 1), z=st.floats(-3, 3))
def test_restricted_and_plain_are_the_same_within_3_sd(table, sex, where, z):
    key_field, (low, high), _ = TABLES[table]
    key = {key_field: low + where * (high - low)}
    restricted = value_at_z(table, sex=sex, z=z, **key)
    plain = value_at_z(table, sex=sex, z=z, restricted=False, **key)
    assert restricted.tobytes() == plain.tobytes()


@pytest.mark.parametrize(
    ("table", "file_name", "sex", "key", "key_field", "csv_key"),
    [
        ("wfa", "who2006_wfa_by_day.csv", 1, 0, "age_days", 0),
        ("lhfa", "who2006_lhfa_by_day.csv", 2, 731, "age_days", 731),
        ("acfa", "who2006_acfa_by_day.csv", 1, 90.5, "age_days", 91),  # rounded half up
        ("wfl", "who2006_wfl_by_length.csv", 2, 102.3, "lenhei", "102.3"),
        ("wfh", "who2006_wfh_by_height.csv", 1, 120.0, "lenhei", "120"),
        ("bfa2007", "who2007_bfa_by_month.csv", 2, 228 * DAYS_PER_MONTH, "age_days", 228),
    ],
)
def test_the_values_are_the_who_lms_values(table, file_name, sex, key, key_field, csv_key):
    lam, m, s = lms(file_name, sex, csv_key)
    zs = [-4, -3, -2, 0, 2, 3, 4]
    y = value_at_z(table, sex=sex, z=zs, restricted=False, **{key_field: key})
    assert y == pytest.approx([sd(lam, m, s, k) for k in zs], rel=1e-12)
    assert value_at_z(table, sex=sex, z=0, **{key_field: key})[0] == m


def test_beyond_3_sd_the_restricted_value_steps_by_the_2_to_3_sd_distance():
    lam, m, s = lms("who2006_wfa_by_day.csv", 2, 365)
    y = value_at_z("wfa", sex="P", age_days=365, z=[-5, -4, 4, 5])
    sd2n, sd3n, sd2, sd3 = (sd(lam, m, s, k) for k in (-2, -3, 2, 3))
    expected = [
        sd3n - 2 * (sd2n - sd3n),
        sd3n - (sd2n - sd3n),
        sd3 + sd3 - sd2,
        sd3 + 2 * (sd3 - sd2),
    ]
    assert y == pytest.approx(expected, rel=1e-12)


def test_tables_scored_plainly_use_the_plain_curve_beyond_3_sd():
    lam, m, s = lms("who2006_hcfa_by_day.csv", 1, 100)
    assert value_at_z("hcfa", sex=1, age_days=100, z=5)[0] == pytest.approx(sd(lam, m, s, 5))


def test_rows_with_l_near_zero_in_the_tables_give_z_back():
    # Weight-for-age, boys: L = 0.0001 at day 654 and -0.0001 at day 655.
    for day in (654, 655):
        lam, _, _ = lms("who2006_wfa_by_day.csv", 1, day)
        assert abs(lam) == 1e-4
        z = np.linspace(-6, 6, 25)
        y = value_at_z("wfa", sex=1, age_days=day, z=z)
        assert zwei(1, day, y, rounded=False) == pytest.approx(z, abs=1e-8)


@pytest.mark.parametrize("lam", [1e-5, 1e-7, 1e-9, 1e-12, 1e-300, 0.0, -1e-12, -1e-7, -1e-5])
def test_as_l_goes_to_zero_the_value_tends_to_m_exp_sz(lam):
    z = np.array([-4.0, -1.0, 0.0, 2.5, 4.0])
    m, s = 10.0, 0.12
    y = lms_value(z, np.full(5, lam), np.full(5, m), np.full(5, s))
    limit = m * np.exp(s * z)
    # (1 + L*S*z)^(1/L) = exp(S*z - L*(S*z)^2/2 + ...): off the limit by ~|L| relative.
    assert y == pytest.approx(limit, rel=max(abs(lam), 1e-15))
    if lam == 0.0:
        assert y.tobytes() == limit.tobytes()
    if abs(lam) >= 1e-7:  # the plain z-score itself cancels badly for smaller |L|
        assert lms_z(y, np.full(5, lam), np.full(5, m), np.full(5, s)) == pytest.approx(z, abs=1e-6)


def test_a_value_that_is_not_positive_is_nan_never_clamped():
    # Restricted line below 0 far under -3 SD; plain curve where 1 + L*S*z <= 0 (L < 0).
    assert np.isnan(value_at_z("tsfa", sex=1, age_days=400, z=-20)[0])
    assert np.isnan(value_at_z("wfl", sex=1, lenhei=60.0, z=40, restricted=False)[0])
    assert np.isfinite(value_at_z("wfl", sex=1, lenhei=60.0, z=40)[0])


def test_keys_outside_the_tables_give_nan():
    y = value_at_z("wfa", sex=1, age_days=[-1, 0, 1826, 1826.25, np.nan], z=0)
    assert np.isnan(y).tolist() == [True, False, False, True, True]
    y = value_at_z("acfa", sex=2, age_days=[90, 91], z=0)
    assert np.isnan(y).tolist() == [True, False]
    y = value_at_z("wfl", sex=1, lenhei=[44.9, 45, 110, 110.1], z=0)
    assert np.isnan(y).tolist() == [True, False, False, True]
    y = value_at_z("wfh", sex=1, lenhei=[64.9, 65, 120, 120.1], z=0)
    assert np.isnan(y).tolist() == [True, False, False, True]
    months = np.array([59.9, 60, 120, 120.1, 228, 228.1])
    for table, ok in (
        ("hfa2007", [False, True, True, True, True, False]),
        ("wfa2007", [False, True, True, False, False, False]),
    ):
        y = value_at_z(table, sex=1, age_days=months * DAYS_PER_MONTH, z=0)
        assert np.isfinite(y).tolist() == ok


def test_bad_values_give_nan_rows_and_do_not_raise():
    y = value_at_z(
        "wfa",
        sex=["L", "x", None, 2, 1, 1],
        age_days=[0, 0, 0, "abc", 0, 0],
        z=[0, 0, 0, 0, "?", None],
    )
    assert np.isnan(y).tolist() == [False, True, True, True, True, True]
    assert (
        value_at_z("wfa", sex=1, age_days="12,5", z="0,0")[0]
        == value_at_z("wfa", sex=1, age_days=13, z=0)[0]
    )


def test_one_child_and_many_z_scores_broadcast():
    y = value_at_z("lhfa", sex="P", age_days=365, z=[-3, -2, 0, 2, 3])
    assert y.shape == (5,)
    assert np.all(np.diff(y) > 0)
    many = value_at_z("lhfa", sex=[2] * 5, age_days=[365] * 5, z=[-3, -2, 0, 2, 3])
    assert y.tobytes() == many.tobytes()
    assert value_at_z("lhfa", sex=[1, 2], age_days=365, z=0).shape == (2,)


def test_programming_errors_raise():
    with pytest.raises(ValueError, match="unknown table 'zwei'"):
        value_at_z("zwei", sex=1, age_days=0, z=0)
    with pytest.raises(TypeError, match="takes lenhei, not age_days"):
        value_at_z("wfl", sex=1, age_days=0, z=0)
    with pytest.raises(TypeError, match="takes age_days, not lenhei"):
        value_at_z("wfa", sex=1, lenhei=50.0, z=0)
    with pytest.raises(TypeError, match="takes age_days"):
        value_at_z("wfa", sex=1, z=0)
    with pytest.raises(ValueError, match="different lengths"):
        value_at_z("wfa", sex=[1, 2], age_days=[0, 1], z=[0, 1, 2])
    with pytest.raises(ValueError, match="different lengths"):
        value_at_z("wfa", sex=1, age_days=[0, 1], z=[0, 1, 2])
    with pytest.raises(ValueError, match="one-dimensional"):
        value_at_z("wfa", sex=1, age_days=0, z=[[0, 1]])
