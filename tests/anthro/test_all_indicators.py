"""anthro_zscores() on tables and zscores_for_child() for forms."""

import numpy as np
import pytest

from kampungkb.anthro import OUTPUT_COLUMNS, anthro_zscores, zscores_for_child

ROWS = {
    "sex": ["L", "P", 2],
    "age_days": [1367, 300, 2500],
    "weight": [16.0, 7.5, 20.0],
    "lenhei": [103.1, 66.0, 115.0],
    "measure": ["l", "l", "h"],
}


def test_output_columns_and_dtypes():
    out = anthro_zscores(ROWS)
    assert tuple(out) == OUTPUT_COLUMNS
    assert all(len(v) == 3 for v in out.values())
    assert out["zwfl"].dtype == np.float64 and out["fwfl"].dtype == np.float64
    assert out["cat_bbu"].dtype == np.int8
    assert out["zwfl"][0] == -0.06


def test_pandas_dataframe_gives_the_same_result():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({**ROWS, "sex": ["L", "P", "2"]})
    frame.loc[1, "weight"] = None
    from_frame = anthro_zscores(frame)
    from_dict = anthro_zscores({**ROWS, "weight": [16.0, np.nan, 20.0]})
    for name in OUTPUT_COLUMNS:
        if from_dict[name].dtype.kind == "f":
            np.testing.assert_array_equal(from_frame[name], from_dict[name])


def test_indicator_subset():
    out = anthro_zscores(ROWS, indicators=("zlen", "zwei"))
    assert "zwfl" not in out and "cat_bbtb" not in out
    assert out["zwei"][0] == anthro_zscores(ROWS)["zwei"][0]
    with pytest.raises(ValueError, match="unknown"):
        anthro_zscores(ROWS, indicators=("zfoo",))


def test_absent_columns_are_missing():
    out = anthro_zscores({"sex": [1, 2], "age_days": [100, 200]})
    assert np.isnan(out["zwei"]).all() and list(out["error"]) == ["", ""]


def test_zscores_for_child_returns_plain_python_values():
    r = zscores_for_child(sex="L", age_days=1367, weight=16.0, lenhei=103.1, measure="l")
    assert r["zwfl"] == -0.06 and type(r["zwfl"]) is float
    assert r["fwfl"] == 0 and type(r["fwfl"]) is int
    assert r["cmeasure"] == "l" and r["c9mo_flag"] == 0
    assert r["zhc"] is None and r["fhc"] is None and r["error"] is None
    assert r["cat_bbtb"] == 3 and r["cat_bbtb_label"] == "Gizi baik"
    assert r["cat_imtu_5_18"] is None and r["cat_imtu_5_18_label"] is None


def test_zscores_for_child_with_oedema_and_bad_code():
    r = zscores_for_child(sex="P", age_days=400, weight=8.0, lenhei=72.0, measure="l", oedema="y")
    assert r["zwei"] is None and r["zlen"] is not None and r["cat_bbu"] is None
    bad = zscores_for_child(sex="Q", age_days=400, weight=8.0)
    assert bad["zwei"] is None and "jenis kelamin" in bad["error"]


def test_form_entry_with_an_invalid_arm_circumference_keeps_its_other_z_scores():
    r = zscores_for_child(
        sex="P", age_days=700, weight=9.5, lenhei=80.0, measure="h", headc=45.0, armc=-14.0
    )
    assert r["error"] == "lingkar lengan atas negatif"
    assert r["zac"] is None and r["fac"] is None
    assert None not in (r["zlen"], r["zwei"], r["zwfl"], r["zbmi"], r["zhc"])
    assert r["cat_bbtb_label"] == "Gizi baik"
