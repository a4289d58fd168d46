"""``kampungkb batch`` on files from the field that are odd: no rows, very long lines, text
that is not UTF-8 past the first block, old Mac line ends. Each is read or refused with one
Indonesian line, never a traceback, and no row is lost without being counted."""

from kampungkb.batch import cli, run, sources
from tests.batch import samples

GOOD = "1906010000000001,Anak,L,01/02/2023,19.06.01.2001,,01/01/2024,9,70,Telentang,"
HEADER = ",".join(samples.HEADER)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_header_only_file_on_dask_gives_the_empty_result_of_the_single_path(tmp_path, clients):
    path = _write(tmp_path / "kosong.csv", HEADER + "\n")
    parts = sources.plan([path])
    single = run.run_single(parts, str(tmp_path / "single"), task="prevalence")
    dask = run.run_dask(parts, str(tmp_path / "dask"), client=clients[1], task="prevalence")
    assert (dask.rows, dask.used, dask.bad) == (single.rows, single.used, single.bad) == (0, 0, {})
    assert (tmp_path / "dask" / run.SOURCES_FILE).exists()


def test_a_line_longer_than_a_megabyte_is_read_with_the_others(tmp_path):
    long_name = GOOD.replace("Anak", "x" * (3 << 20))
    path = _write(tmp_path / "panjang.csv", "\n".join([HEADER, GOOD, long_name, GOOD, ""]))
    summary = run.run_single(sources.plan([path]), str(tmp_path / "o"), task="zscores")
    assert (summary.rows, summary.used, summary.bad) == (3, 3, {})


def test_latin1_past_the_first_64_kb_and_bytes_cp1252_leaves_undefined_are_read(tmp_path):
    rows = [GOOD] * 2000 + [GOOD.replace("Anak", "Andr\xe9s")]
    late = _write(tmp_path / "latin1.csv", "\n".join([HEADER, *rows, ""]), "latin-1")
    assert len(rows) * len(GOOD) > 1 << 16
    undefined = tmp_path / "cp1252.csv"
    latin1 = f"{HEADER}\n{GOOD}\n".replace("Anak", "Andr\xe9s").encode("latin-1")
    undefined.write_bytes(latin1 + GOOD.replace("Anak", "A\x81").encode("latin-1") + b"\n")
    for path, count in ((late, 2001), (str(undefined), 2)):
        summary = run.run_single(sources.plan([path]), str(tmp_path / f"o{count}"), task="zscores")
        assert (summary.rows, summary.used, summary.bad) == (count, count, {})


def test_a_csv_with_old_mac_line_ends_is_refused_not_read_as_empty(tmp_path, capsys):
    path = _write(tmp_path / "mac.csv", "\r".join([HEADER, GOOD, GOOD, ""]))
    code = cli.main(["prevalence", path, "-o", str(tmp_path / "o"), "--single"])
    err = capsys.readouterr().err
    assert code == 2 and "diakhiri CR saja" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
