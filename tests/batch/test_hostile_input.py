"""``kampungkb batch`` on files from the field that are odd: no rows, very long lines, text
that is not UTF-8 past the first block, old Mac line ends. Each is read or refused with one
Indonesian line, never a traceback, and no row is lost without being counted."""

import pandas as pd

from kampungkb.batch import cli, run, sources
from tests.batch import samples

GOOD = "1906010000000001,Anak,L,01/02/2023,19.06.01.2001,,01/01/2024,9,70,Telentang,"
HEADER = ",".join(samples.HEADER)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_header_only_file_on_dask_gives_the_empty_result_of_the_single_path(
    tmp_path, clients
):
    path = _write(tmp_path / "kosong.csv", HEADER + "\n")
    parts = sources.plan([path])
    single = run.run_single(parts, str(tmp_path / "single"), task="prevalence")
    dask = run.run_dask(parts, str(tmp_path / "dask"), client=clients[1], task="prevalence")
    assert (dask.rows, dask.used, dask.bad) == (single.rows, single.used, single.bad) == (0, 0, {})
    assert (tmp_path / "dask" / run.SOURCES_FILE).exists()
