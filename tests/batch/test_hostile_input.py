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


def _row(name, *, weight=9.0, height=62.0, method="Telentang", lila=None, day=None):
    import datetime

    return {
        "NIK": "", "Nama": name, "JK": "L", "Tgl Lahir": datetime.date(2023, 1, 10),
        "Kode Desa": "19.06.01.2001", "Desa/Kel": "",
        "Tanggal Pengukuran": day or datetime.date(2024, 1, 5), "Berat": weight,
        "Tinggi": height, "Cara Ukur": method, "LiLA": lila,
    }  # fmt: skip


REFUSED_BY_THE_WEB = [
    _row("Berat Mustahil", weight=0.3),  # 0.5-60 kg
    _row("Tinggi Mustahil", height=300.0),  # 30-150 cm
    _row("LiLA Mustahil", lila=135.0),  # 5-30 cm
    _row("Tanpa Cara Ukur", method=""),  # a length needs lying or standing
    _row("Tanpa Ukuran", weight=None, height=None),  # nothing measured
    _row("Berat Tak Hingga", weight=float("inf")),
]


def test_rows_the_web_refuses_count_in_no_figure_and_are_counted_as_refused(tmp_path):
    """The web summaries count stored measurements, and the form and the import refuse
    impossible values (growth.services.validate_measurement_values): the batch counts what
    the web would store, and names what it refuses."""
    import datetime

    from kampungkb.growth.models import Child
    from kampungkb.growth.services import validate_measurement_values

    child = Child(tanggal_lahir=datetime.date(2023, 1, 10))
    for row in REFUSED_BY_THE_WEB:
        values = {
            "tanggal": row["Tanggal Pengukuran"], "berat": row["Berat"], "tinggi": row["Tinggi"],
            "lila": row["LiLA"], "cara_ukur": {"Telentang": "PB", "": ""}[row["Cara Ukur"]],
        }  # fmt: skip
        if row["Berat"] != float("inf"):  # the form's number field refuses inf before
            assert validate_measurement_values(child=child, values=values), row["Nama"]
    path = tmp_path / "x.csv"
    samples.write_csv(path, [*REFUSED_BY_THE_WEB, _row("Pendek")])
    out = tmp_path / "out"
    summary = run.run_single(sources.plan([str(path)]), str(out), task="prevalence", level="desa")
    assert (summary.rows, summary.used) == (7, 1)
    assert sum(summary.bad.values()) == 6
    table = pd.read_parquet(out).set_index("indicator")
    assert table.loc["stunting", ["n_records", "n", "cases"]].tolist() == [1, 1, 1]


def test_an_xlsx_whose_hidden_first_sheet_holds_lists_is_read_from_its_visible_sheet(tmp_path):
    """As the web import reads it (``growth.importing.reader_xlsx``): the first sheet the user
    sees, not the hidden drop-down lists put before it."""
    from openpyxl import load_workbook

    path = tmp_path / "daftar.xlsx"
    samples.write_xlsx(path, [_row("Anak Terlihat")])
    book = load_workbook(path)
    lists = book.create_sheet("Daftar", 0)
    lists.append(["Telentang", "Berdiri"])
    lists.sheet_state = "hidden"
    book.active = 1
    book.save(path)
    summary = run.run_single(sources.plan([str(path)]), str(tmp_path / "o"), task="zscores")
    assert (summary.rows, summary.used, summary.bad) == (1, 1, {})


def test_a_year_written_alone_is_no_date_as_the_web_import_reads_it():
    import numpy as np

    text = pd.Series(["2023", "45000", "1998.0", "05/01/2024"], dtype=object)
    numbers = pd.Series([2023.0, 45000.0, 1998.0, np.nan])
    for days in (sources.parse_days(text), sources.parse_days(numbers)):
        assert np.isnan(days[0]) and np.isnan(days[2])
        assert days[1] == (pd.Timestamp("2023-03-15") - pd.Timestamp("1970-01-01")).days
