import hashlib
import json

import numpy as np
import pytest

from kampungkb.anthro._who_tables import get_table

from ._ref import DATA, lms

MANIFEST = json.loads((DATA / "MANIFEST.json").read_text())


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_table_file_matches_manifest(entry):
    raw = (DATA / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    assert raw.count(b"\n") - 1 == entry["rows"]


def test_source_and_spec_are_shipped():
    assert (DATA / "SOURCE.md").exists()
    assert (DATA / "ALGORITHM.md").exists()
    assert (DATA / "README.md").exists()


@pytest.mark.parametrize(
    ("name", "file_name", "sex", "key", "index"),
    [
        ("wfa", "who2006_wfa_by_day.csv", 1, 0, 1827),
        ("wfa", "who2006_wfa_by_day.csv", 2, 1826, 2 * 1827 + 1826),
        ("acfa", "who2006_acfa_by_day.csv", 1, 91, 1827 + 91),
        ("wfl", "who2006_wfl_by_length.csv", 1, "45", 1202 + 450),
        ("wfl", "who2006_wfl_by_length.csv", 2, "102.3", 2 * 1202 + 1023),
        ("wfh", "who2006_wfh_by_height.csv", 2, "120", 2 * 1202 + 1200),
        ("bfa2007", "who2007_bfa_by_month.csv", 2, 229, 2 * 230 + 229),
    ],
)
def test_dense_arrays_hold_the_csv_values(name, file_name, sex, key, index):
    t = get_table(name)
    assert (t.l[index], t.m[index], t.s[index]) == lms(file_name, sex, key)


def test_keys_without_rows_and_the_sentinel_are_nan():
    acfa = get_table("acfa")
    assert np.isnan(acfa.m[1827 + 90])
    assert np.isnan(acfa.m[acfa.sentinel])
    assert np.isnan(get_table("wfl").m[1202 + 449])


def test_l_is_one_only_for_length_head_and_height_tables():
    assert get_table("lhfa").l_is_one and get_table("hcfa").l_is_one
    assert get_table("hfa2007").l_is_one
    assert not get_table("wfa").l_is_one and not get_table("bfa2007").l_is_one
