"""The Dask path gives exactly what the plain single-process path gives."""

import pandas as pd
import pytest

from kampungkb.batch import run, sources
from tests.batch.conftest import read_back

BLOCK = 8 << 10  # small CSV blocks: several parts per file
PREVALENCE_KEY = ["wilayah_kode", "period_start", "indicator"]
ZSCORE_KEY = ["berkas", "baris"]


def _both(exports, tmp_path, client, **options):
    parts = sources.plan([str(exports)], block_size=BLOCK)
    single = run.run_single(parts, str(tmp_path / "single"), **options)
    dask = run.run_dask(parts, str(tmp_path / "dask"), client=client, **options)
    return parts, single, dask


@pytest.mark.parametrize("workers", [1, 2])
def test_zscores_on_dask_equal_the_single_process_path(exports, tmp_path, clients, workers):
    parts, single, dask = _both(exports, tmp_path, clients[workers], task="zscores")
    assert len(parts) > 6  # csv blocks, the xlsx sheet, Parquet row groups
    assert (dask.rows, dask.used, dask.bad, dask.examples) == (
        single.rows, single.used, single.bad, single.examples,
    )  # fmt: skip
    a = read_back(tmp_path / "single", ZSCORE_KEY)
    b = read_back(tmp_path / "dask", ZSCORE_KEY)
    assert len(a) == single.used > 1000
    assert a["zlen"].notna().sum() > 1000 and (a["flen"] == 1).any()
    pd.testing.assert_frame_equal(a, b)
    # partitioned by kabupaten and period
    kabupaten = {p.name for p in (tmp_path / "dask").iterdir() if p.is_dir()}
    assert kabupaten == {"kabupaten=19.01", "kabupaten=19.06"}
    assert (tmp_path / "dask" / "kabupaten=19.06" / "periode=2024-03").is_dir()


@pytest.mark.parametrize(
    ("workers", "level", "period"),
    [(1, "desa", "month"), (2, "desa", "month"), (2, "kecamatan", "quarter"),
     (2, "provinsi", "year")],
)  # fmt: skip
def test_prevalence_on_dask_equals_the_single_process_path(
    exports, tmp_path, clients, workers, level, period
):
    _, single, dask = _both(
        exports, tmp_path, clients[workers], task="prevalence", level=level, period=period
    )
    assert dask.bad == single.bad
    a = read_back(tmp_path / "single", PREVALENCE_KEY)
    b = read_back(tmp_path / "dask", PREVALENCE_KEY)
    assert len(a) >= 12 and a["cases"].sum() > 0 and (a["n"] < a["n_records"]).any()
    pd.testing.assert_frame_equal(a, b)
    assert set(a["level"]) == {level}


def test_the_comparison_sees_a_difference(exports, tmp_path, clients):
    # The equality above must be able to fail: one row less in one input changes a figure.
    _, _, _ = _both(exports, tmp_path, clients[2], task="prevalence", level="desa")
    parts = sources.plan([str(exports / "a.csv")], block_size=BLOCK)
    run.run_single(parts, str(tmp_path / "part"), task="prevalence", level="desa")
    whole = read_back(tmp_path / "dask", PREVALENCE_KEY)
    some = read_back(tmp_path / "part", PREVALENCE_KEY)
    assert not whole.equals(some)
