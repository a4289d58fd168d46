"""The digest of computed values that lets a recompute skip the rows that do not change."""

import datetime
import subprocess
import sys

import numpy as np
import pytest

from kampungkb.growth.compute import DIGEST_FIELDS, computed_digests
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Measurement
from tests.growth.conftest import weighed_child

STRINGS = {"compute_error", "growth_code"}


def _row(**values) -> dict[str, list]:
    base = {f: ["" if f in STRINGS else None] for f in DIGEST_FIELDS}
    base |= {"umur_hari": [400], "zlen": [-2.31], "stunted": [True], "growth_code": ["N"]}
    return base | {k: [v] for k, v in values.items()}


def _digest(**values) -> int:
    return int(computed_digests(_row(**values))[0])


@pytest.mark.parametrize("field", DIGEST_FIELDS)
def test_a_change_in_any_single_column_changes_the_digest(field):
    other = "x" if field in STRINGS else 12345.5
    assert _digest(**{field: other}) != _digest()


def test_missing_is_not_zero_and_not_false():
    assert _digest(zwei=None) != _digest(zwei=0.0)
    assert _digest(fwei=None) != _digest(fwei=False)
    assert _digest(kenaikan_gram=None) != _digest(kenaikan_gram=0)


def test_values_that_store_the_same_give_the_same_digest():
    # None, NaN and ±inf are all stored as NULL; -0.0 and 0.0 compare equal; SQLite's 0/1
    # is the same flag as False/True; numpy arrays are the same as lists.
    assert _digest(zwei=None) == _digest(zwei=float("nan")) == _digest(zwei=float("inf"))
    assert _digest(zwei=-0.0) == _digest(zwei=0.0)
    assert _digest(stunted=1, two_t=0) == _digest(stunted=True, two_t=False)
    as_arrays = {f: np.asarray(v, dtype=object) for f, v in _row().items()}
    assert int(computed_digests(as_arrays)[0]) == _digest()


def test_the_digest_is_the_same_in_every_process():
    """No Python hash seed in it: a digest stored by one process is compared by another."""
    code = (
        "from kampungkb.growth.compute import DIGEST_FIELDS, computed_digests\n"
        "cols = {f: [''] if f in ('compute_error', 'growth_code') else [None] "
        "for f in DIGEST_FIELDS}\n"
        "cols |= {'umur_hari': [400], 'zlen': [-2.31], 'stunted': [True], 'growth_code': ['N']}\n"
        "print(int(computed_digests(cols)[0]))\n"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert printed == {str(_digest())}


def test_each_row_gets_its_own_digest():
    columns = {f: ["", ""] if f in STRINGS else [None, None] for f in DIGEST_FIELDS}
    columns["zlen"] = [-1.0, -1.0]
    same = computed_digests(columns)
    columns["zlen"] = [-1.0, -1.5]
    differ = computed_digests(columns)
    assert same[0] == same[1] == differ[0] != differ[1]
    assert same.dtype == np.int64


def test_every_write_path_stores_the_digest_a_recompute_computes(beltim):
    """Rows written by the service (and, in test_import_service, by an import) carry the
    digest the recompute computes, so a recompute right after them writes nothing."""
    weighed_child(
        "Citra",
        datetime.date(2025, 1, 2),
        [(datetime.date(2025, month, 4), kg) for month, kg in [(2, "3.9"), (3, "4.8"), (5, "5.9")]],
    )
    assert not Measurement.objects.filter(computed_digest__isnull=True).exists()

    result = measurements_recompute_all()

    assert (result.rows, result.written, result.relabelled) == (3, 0, 0)


@pytest.mark.django_db
def test_a_measurement_read_with_deferred_fields_gets_the_digest_of_a_whole_one(beltim):
    """``apply_digests`` reads the computed values from the instance dict, and a value not
    there (deferred) through its attribute: the same digest either way."""
    from kampungkb.growth.compute import apply_digests
    from tests import factories

    stored = factories.measurement_row(factories.child_row(), "2024-06-01", zlen=-1.5)
    whole = Measurement.objects.get(pk=stored.pk)
    deferred = Measurement.objects.defer("zlen", "growth_code").get(pk=stored.pk)
    assert "zlen" not in deferred.__dict__
    apply_digests([whole, deferred])
    assert whole.computed_digest == deferred.computed_digest
    assert whole.computed_digest == int(
        computed_digests({f: [getattr(whole, f)] for f in DIGEST_FIELDS})[0]
    )
