"""The one rounding rule: half up to one decimal, on the exact fraction."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampungkb.core.rounding import percent, round_half_up


def _half_up_percent(cases: int, n: int) -> Decimal:
    """The rule done by hand on integers: tenths of a percent, half up."""
    whole, rest = divmod(1000 * cases, n)
    return Decimal(whole + (2 * rest >= n)).scaleb(-1)


@pytest.mark.parametrize(
    ("cases", "n", "shown"),
    [
        (400, 2402, "16.7"),  # 16.6528 %: the page cut it to 16,6, the xlsx had 16.7
        (3, 80, "3.8"),  # 3.75 % exactly: the float times 100 is 3.7499999999999996
        (1, 80, "1.3"),  # 1.25 %: round() goes to the even 1.2
        (29, 200, "14.5"),
        (2, 3, "66.7"),
        (0, 7, "0.0"),
        (7, 7, "100.0"),
    ],
)
def test_a_proportion_is_rounded_half_up_on_its_exact_value(cases, n, shown):
    assert percent(cases / n) == Decimal(shown)
    assert percent(Fraction(cases, n)) == Decimal(shown)
    assert str(percent(cases / n)) == shown


def test_every_proportion_of_counts_up_to_600_rounds_as_its_exact_fraction():
    for n in range(1, 601):
        for cases in range(n + 1):
            assert percent(cases / n) == _half_up_percent(cases, n), (cases, n)


@given(st.integers(1, 10_000_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_stored_float_of_counts_up_to_ten_million_rounds_as_its_exact_fraction(pair):
    cases, n = pair
    assert percent(cases / n) == _half_up_percent(cases, n)
    assert percent(np.float64(cases) / np.float64(n)) == _half_up_percent(cases, n)


def test_ties_go_away_from_zero_and_none_stays_none():
    assert round_half_up(0.25) == Decimal("0.3")
    assert round_half_up(-0.25) == Decimal("-0.3")
    assert round_half_up(Decimal("16.65")) == Decimal("16.7")
    assert round_half_up(float("nan")) is None and percent(None) is None


def test_a_rounded_figure_is_stored_in_xlsx_as_a_number_showing_the_same_digits():
    import io

    import openpyxl

    from kampungkb.core.downloads import Sheet, xlsx_bytes

    content = xlsx_bytes(
        [
            Sheet(
                "s",
                header=["a", "b"],
                rows=[[percent(400 / 2402), percent(0.06)]],
                totals=[[round_half_up(2.5, 0), None]],
            )
        ]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    body, total = sheet["A2"], sheet["A3"]
    assert (body.data_type, body.number_format, body.value) == ("n", "0.0", 16.7)
    assert (sheet["B2"].number_format, sheet["B2"].value) == ("0.0", 6)
    assert (total.number_format, total.value, total.font.bold) == ("0", 3, True)
