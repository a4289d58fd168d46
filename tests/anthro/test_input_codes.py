"""Codes given as one-character strings (sex, measure, oedema) are read through a table over
code points, made once per table: a kader's save parses a row or two, and making the table
each time cost a quarter of its z-scores' time."""

import numpy as np

from kampungkb.anthro import _inputs


def test_one_character_codes_are_read_as_the_table_says_and_the_table_is_made_once():
    _inputs._CODE_POINT_TABLES.clear()
    codes = np.array(["l", "h", "L", "", "x", "é"])
    first, errors = _inputs._parse_codes(
        codes, _inputs.MEASURE_CODES, 0, _inputs.ERR_MEASURE, np.int8
    )
    assert first.tolist() == [1, 2, 1, 0, 0, 0]
    assert (errors != 0).tolist() == [False, False, False, False, True, True]
    assert len(_inputs._CODE_POINT_TABLES) == 1
    made = next(iter(_inputs._CODE_POINT_TABLES.values()))
    again, _ = _inputs._parse_codes(
        codes[:2], _inputs.MEASURE_CODES, 0, _inputs.ERR_MEASURE, np.int8
    )
    assert again.tolist() == [1, 2]
    assert next(iter(_inputs._CODE_POINT_TABLES.values())) is made
    # Another table (or default) gets its own, and what one returns cannot change the other.
    sexes, sex_errors = _inputs._parse_codes(
        np.array(["m", "f", "2"]), _inputs.SEX_CODES, np.nan, _inputs.ERR_SEX, np.float64
    )
    assert sexes.tolist() == [1.0, 2.0, 2.0] and not sex_errors.any()
    assert len(_inputs._CODE_POINT_TABLES) == 2
    again[0] = 2
    assert _inputs._parse_codes(codes[:1], _inputs.MEASURE_CODES, 0, _inputs.ERR_MEASURE, np.int8)[
        0
    ].tolist() == [1]
