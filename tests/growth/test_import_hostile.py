"""Hostile files: each is read within bounded memory and time, in a child process, and refused
with a message naming the limit it broke; the server (this test process) keeps answering.
"""

import logging

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kampungkb.growth.importing import sandbox
from kampungkb.growth.importing.commit import ImportFileError, measurements_import
from kampungkb.growth.importing.limits import ParseLimits
from kampungkb.growth.importing.parse import read_table
from kampungkb.growth.models import Measurement
from tests.growth import hostile_files as hostile

SMALL = {"KAMPUNGKB_IMPORT_MAX_ROWS": 20, "KAMPUNGKB_IMPORT_MAX_COLUMNS": 40}

# name, bytes, settings, what the message says (in Indonesian)
REFUSED = [
    pytest.param(
        "dimensi.xlsx",
        hostile.far_cell("XFD1048576", claimed=True),
        {},
        "Lembar kerja ini mencapai sel XFD1048576; paling banyak 250.000 baris dan 200 kolom",
        id="dimension-claims-XFD1048576",
    ),
    pytest.param(
        "sel-jauh.xlsx",
        hostile.far_cell("XFD1048576", claimed=False),
        {},
        "Lembar kerja ini mencapai sel XFD1048576; paling banyak 250.000 baris dan 200 kolom",
        id="a-cell-at-XFD1048576",
    ),
    pytest.param(
        "sel-z.xlsx",
        hostile.far_cell("Z1048576", claimed=True),
        {},
        "mencapai sel Z1048576",
        id="dimension-claims-Z1048576",
    ),
    pytest.param(
        "bom.xlsx",
        hostile.zip_bomb(),
        {},
        "xl/worksheets/sheet1.xml dari berkas xlsx ini membesar lebih dari 200 kali",
        id="zip-bomb",
    ),
    pytest.param(
        "besar.xlsx",
        hostile.big_sheet(3000),
        {"KAMPUNGKB_IMPORT_MAX_UNCOMPRESSED_MB": 1},
        "batasnya 1 MB",
        id="too-big-unpacked",
    ),
    pytest.param(
        "tawa.xlsx",
        hostile.billion_laughs(),
        {},
        "memuat DTD (entitas)",
        id="billion-laughs",
    ),
    pytest.param("gambar.xlsx", hostile.PNG, {}, "bukan buku kerja xlsx", id="a-png"),
    pytest.param(
        "acak.xlsx", hostile.random_bytes(), {}, "bukan buku kerja xlsx", id="random-bytes"
    ),
    pytest.param(
        "utf16.csv",
        hostile.utf16_without_mark(hostile.csv_text([{"Nama": "Anak"}])),
        {},
        "karakter NUL",
        id="utf16-without-mark",
    ),
    pytest.param(
        "satu-baris.csv",
        hostile.long_line(2 * 2**20),
        {},
        "baris teks yang lebih panjang dari 1.048.576 karakter",
        id="a-2-MB-line",
    ),
    pytest.param(
        "sel-panjang.csv",
        hostile.long_cell(40_000),
        {},
        "Baris 2 memuat sel yang lebih panjang dari 32.767 karakter",
        id="a-40000-character-cell",
    ),
    pytest.param(
        "banyak.csv",
        hostile.many_rows_csv(30),
        SMALL,
        "lebih dari 20 baris",
        id="more-rows-than-the-limit-csv",
    ),
    pytest.param(
        "banyak.xlsx",
        hostile.big_sheet(30),
        SMALL,
        "mencapai sel AH31; paling banyak 20 baris dan 40 kolom",
        id="more-rows-than-the-limit-xlsx",
    ),
    pytest.param(
        "teks.xlsx",
        hostile.many_strings(801),
        SMALL,
        "lebih dari 800 teks yang berbeda",
        id="more-shared-strings-than-cells",
    ),
    pytest.param(
        "lebar.csv", hostile.wide_csv(50), SMALL, "Baris 2 memuat lebih dari 40 kolom", id="wide"
    ),
]


@pytest.fixture
def operator(client, users, media_root):
    client.force_login(users["kecamatan"])
    return client


def _preview(client, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("growth:import_upload"), {"file": upload})
    assert response.status_code == 302
    return client.get(response["Location"])


@pytest.mark.parametrize(("name", "content", "limits", "message"), REFUSED)
def test_a_hostile_file_gets_its_message_in_the_preview_and_the_next_file_is_read(
    operator, settings, eppgbm, name, content, limits, message
):
    for key, value in limits.items():
        setattr(settings, key, value)
    response = _preview(operator, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    good = eppgbm.xlsx([eppgbm.row()]).read_bytes()
    after = _preview(operator, "baik.xlsx", good)
    assert after.status_code == 200 and 'data-count="created">1<' in after.content.decode()


@pytest.mark.parametrize(("name", "content", "limits", "message"), REFUSED)
def test_the_command_exits_2_with_the_message_for_a_hostile_file(
    tmp_path, beltim, settings, capsys, name, content, limits, message
):
    for key, value in limits.items():
        setattr(settings, key, value)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_measurements", str(path), "--dry-run")
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_native_abort_of_the_reader_ends_only_the_reader(
    operator, caplog, eppgbm, tmp_path, monkeypatch
):
    """A parser that aborts (SIGABRT, which Python cannot catch; python-calamine did for a cell
    at XFD1048576) ends the reader only: the server answers this request and the next."""
    aborting = tmp_path / "aborting_reader.py"
    aborting.write_text(
        "import os, sys\n"
        "print('memory allocation failed', file=sys.stderr, flush=True)\n"
        "os.abort()\n"
    )
    monkeypatch.setattr(sandbox, "READER", aborting)
    with caplog.at_level(logging.WARNING, logger="kampungkb.growth.importing.sandbox"):
        response = _preview(operator, "xfd.xlsx", eppgbm.xlsx([eppgbm.row()]).read_bytes())
    assert response.status_code == 400
    assert "membutuhkan lebih dari" in response.content.decode()
    assert "killed by signal 6" in caplog.text  # the child aborted; this process did not
    assert "memory allocation failed" in caplog.text
    monkeypatch.undo()
    good = eppgbm.xlsx([eppgbm.row()]).read_bytes()
    assert _preview(operator, "baik.xlsx", good).status_code == 200


def test_the_memory_limit_is_the_setting(tmp_path, settings):
    # 30 MB of different texts in the shared strings, which the reader holds whole (70 MB).
    settings.KAMPUNGKB_IMPORT_PARSE_MEMORY_MB = 50
    path = tmp_path / "teks.xlsx"
    path.write_bytes(hostile.many_strings(300_000, chars=100))
    with pytest.raises(ImportFileError, match="lebih dari 50 MB memori"):
        read_table(path)


def test_a_reader_past_its_cpu_time_is_stopped_with_a_message_naming_the_limit(tmp_path):
    # Allowed to read 2 million rows in one second, it runs out of time first. The cells hold
    # character references, read by expat (the fast path reads plain rows of this shape
    # within the second).
    limits = ParseLimits(
        max_rows=2_000_000,
        max_columns=200,
        max_uncompressed_mb=1024,
        memory_mb=2048,
        seconds=1,
    )
    path = tmp_path / "lama.xlsx"
    path.write_bytes(hostile.big_sheet(60_000, entities=True))
    with pytest.raises(ImportFileError, match="lebih lama dari 1 detik"):
        read_table(path, limits=limits)


def test_deeply_nested_xml_is_read_without_trouble(tmp_path, users):
    path = tmp_path / "dalam.xlsx"
    path.write_bytes(hostile.deep_xml())
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert result.n_rows == 0


def test_a_utf16_csv_with_its_mark_and_a_windows_1252_csv_are_read(tmp_path, users, eppgbm):
    row = eppgbm.row(Nama="Anak Désa", **{"Nama Ortu": "Ibu Ženja"})
    for name, data in [
        ("utf16.csv", hostile.utf16_with_mark(hostile.csv_text([row]))),
        ("cp1252.csv", hostile.csv_text([eppgbm.row(Nama="Anak Désa")]).encode("cp1252")),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
        assert (result.n_rows, result.n_created, result.n_rejected) == (1, 1, 0), name
        assert read_table(path).rows.__next__()[1][1] == "Anak Désa"


def test_formula_cells_are_read_as_their_stored_values_never_evaluated(
    tmp_path, users, eppgbm, operator
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = list(eppgbm.row())
    sheet.append(headers)
    sheet.append([eppgbm.row()[h] for h in headers])
    formulas = eppgbm.row(Nama='=HYPERLINK("http://contoh.test","klik")', Berat="=1/0")
    sheet.append([formulas[h] for h in headers])
    path = tmp_path / "rumus.xlsx"
    workbook.save(path)
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert (result.n_rows, result.n_created, result.n_rejected) == (2, 1, 1)
    assert {e.column for e in result.errors} >= {"Nama"}
    assert _preview(operator, "rumus.xlsx", path.read_bytes()).status_code == 200


def test_cells_of_the_wrong_type_are_rejected_with_reasons(tmp_path, users, eppgbm):
    import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = list(eppgbm.row())
    sheet.append(headers)
    odd = eppgbm.row(
        NIK=datetime.date(2024, 1, 1),
        JK=3.5,
        Nama="#DIV/0!",  # an error cell: read as empty
        **{"Tgl Lahir": True, "Tanggal Pengukuran": datetime.time(10, 30)},
    )
    sheet.append([odd[h] for h in headers])
    path = tmp_path / "tipe.xlsx"
    workbook.save(path)
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert (result.n_rows, result.n_rejected) == (1, 1)
    assert {"NIK", "Nama", "JK", "Tgl Lahir", "Tanggal Pengukuran"} <= {
        e.column for e in result.errors
    }
    assert not Measurement.objects.exists()


def test_the_rejected_rows_of_a_file_are_read_again_from_the_reader_output(tmp_path, users, eppgbm):
    rows = [eppgbm.row(NIK=f"19060101012400{i:02d}", Nama=f"Anak {i}") for i in range(30)]
    rows[7]["NIK"] = "12"
    rows[21]["Tanggal Pengukuran"] = "bukan tanggal"
    path = eppgbm.xlsx(rows)
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert list(result.rejected_cells) == [9, 23]
    assert result.rejected_cells[9][:2] == ["12", "Anak 7"]
    assert result.rejected_cells[23][1] == "Anak 21"
