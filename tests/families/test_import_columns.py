"""The rows read a column at a time (``columns.rows_read``, each distinct cell parsed once)
are exactly the rows ``read_row`` and ``desa_resolve`` give one row at a time: the same
values, the same reasons in the same order, for good rows, every bad value, the checks across
columns, short rows, typed spreadsheet cells and desa outside the user's area."""

import datetime

import pytest

from kampungkb.families.importing.columns import rows_read, rows_read_each
from kampungkb.families.importing.parse import read_rows
from kampungkb.growth.importing.wilayah import WilayahIndex
from tests import factories
from tests.families.import_files import family_rows, write_csv, write_xlsx
from tests.families.test_import_rows import BAD, TEXTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(beltim):
    return factories.operator_kecamatan()


def _both(path, user) -> tuple[list, list]:
    fast = rows_read(read_rows(path), WilayahIndex(user=user))
    each = rows_read_each(read_rows(path), WilayahIndex(user=user))
    return fast, each


def _rows() -> list[dict]:
    rows = []
    for i in range(40):  # good families, a few spelt differently
        family = family_rows(f"19060100000{i:05d}", **{"RT": f"{i % 3:03d}"})
        if i % 4 == 1:
            for row, (header, values) in zip(family, TEXTS.items(), strict=False):
                row[header] = values[0]
        rows += family
    for n, (header, value, _column, _says) in enumerate(BAD):  # every bad value
        family = family_rows(f"19060200000{n:05d}")
        family[n % 3][header] = value
        rows += family
    odd = family_rows("1906030000000001")
    odd[0]["Hamil"] = "Y"  # a pregnant man
    odd[1]["Ber-KB"] = "T"  # a method without KB
    odd[2]["Tgl Lahir"] = "16/06/2025"  # born after the survey
    rows += odd
    other = family_rows("1906030000000002", desa="Lalang", kec="Manggar")
    other[1]["Hubungan"] = "-"  # no relation, no reason: as read_row reads it
    rows += other
    rows += family_rows("1906030000000003", desa="Antah", kec="Berantah")
    rows += family_rows("1906030000000004", desa="Gantung", kec="Gantung")  # another area
    return rows


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_read_a_column_at_a_time_are_the_rows_read_one_at_a_time(tmp_path, operator, kind):
    rows = _rows()
    if kind == "csv":
        path = write_csv(tmp_path / "pk.csv", rows)
        lines = path.read_bytes().decode("utf-8").split("\r\n")
        lines[5] = ";".join(lines[5].split(";")[:12])  # a short row: its last cells missing
        path.write_bytes("\r\n".join(lines).encode("utf-8"))
    else:
        path = write_xlsx(tmp_path / "pk.xlsx", rows)
    fast, each = _both(path, operator)
    assert fast == each
    assert len(fast) == len(rows)
    assert sum(1 for r in fast if r.errors) > len(BAD)  # every bad value, the odd ones, areas
    assert sum(1 for r in fast if not r.errors) > 100


def test_typed_cells_are_told_apart_from_the_text_they_equal(tmp_path, operator):
    """1, 1.0 and True are one key of a dict; a spreadsheet's TRUE is no relation."""
    rows = family_rows("1906040000000001") + family_rows("1906040000000002")
    rows[0]["Hubungan"] = 1
    rows[1]["Hubungan"] = True
    rows[2]["Hubungan"] = 1.0
    rows[3]["No KK"] = 1906040000000002  # a number, typed into the sheet
    rows[4]["Tgl Lahir"] = datetime.date(2001, 3, 1)
    rows[5]["Tgl Lahir"] = 45667  # an Excel serial
    rows[3]["Hamil"] = False
    rows[4]["Usia Kawin Pertama"] = 19.0
    fast, each = _both(write_xlsx(tmp_path / "pk.xlsx", rows), operator)
    assert fast == each
    assert [e.column for e in fast[1].errors] == ["Hubungan"]
    assert (fast[0].hubungan, fast[2].hubungan, fast[3].no_kk) == (1, 1, "1906040000000002")


def test_names_and_niks_are_read_as_they_come_unless_a_cell_is_refused(
    tmp_path, operator, monkeypatch
):
    """Nearly every NIK and name is distinct: no cache of them is kept (it would only grow);
    a frame with a refused name or NIK is read as the other columns are, with its reasons."""
    from kampungkb.families.importing import columns

    cached = []
    values = columns._values

    def spy(cells, cache, read, today):
        cached.append(read)
        return values(cells, cache, read, today)

    monkeypatch.setattr(columns, "_values", spy)
    good = family_rows("1906050000000001") + family_rows("1906050000000002")
    fast, each = _both(write_csv(tmp_path / "a.csv", good), operator)
    assert fast == each and not any(r.errors for r in fast)
    assert columns._nama not in cached and columns._nik not in cached
    bad = family_rows("1906050000000003")
    bad[1]["Nama"] = ""
    bad[2]["NIK"] = "12345"
    cached.clear()
    fast, each = _both(write_csv(tmp_path / "b.csv", good + bad), operator)
    assert fast == each and [bool(r.errors) for r in fast] == [False] * 6 + [False, True, True]
    assert columns._nama in cached and columns._nik in cached
