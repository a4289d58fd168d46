"""Rows read column by column: rows of the same width are read as the file's columns at
once, and rows of different widths (a short row, cells missing at its end) one column at a
time; either way every row gets the same values and the same reasons."""

from kampungkb.growth.importing.parse import read_table
from kampungkb.growth.importing.rows import rows_read


def test_even_and_uneven_rows_read_the_same(eppgbm):
    rows = [
        eppgbm.row(),
        eppgbm.row(NIK="123", Nama="Anak Dua", Berat="x"),
        eppgbm.row(Nama="", KIA="Mungkin"),
    ]
    table = read_table(eppgbm.csv(rows))
    records = list(table.rows)
    even = rows_read(table, records)
    short = [(n, cells[:-2]) for n, cells in records[:1]] + records[1:]  # no KIA, no last
    uneven = rows_read(table, short)
    assert [r.errors for r in even] == [r.errors for r in uneven]
    assert even[1:] == uneven[1:]
    assert even[0].nama == uneven[0].nama and even[0].berat == uneven[0].berat
    assert [[e.column for e in r.errors] for r in even] == [[], ["NIK", "Berat"], ["Nama", "KIA"]]
    assert rows_read(table, []) == []
