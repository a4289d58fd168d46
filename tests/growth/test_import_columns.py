"""An import plans and writes its new measurements column by column (``new_rows``), reads
the stored ones converting each distinct database value once (``instances.converted_rows``)
and decides the form's rules for all rows at once where they surely find nothing
(``services.measurement_values_clear``): each gives what the per-row path gives."""

import datetime
import itertools
import re
import unicodedata
from copy import copy
from decimal import Decimal

import pytest
from django.utils import timezone

from kampungkb.growth.compute import COMPUTED_FIELDS, compute_child_series
from kampungkb.growth.importing.commit import _rows_read, measurements_import
from kampungkb.growth.importing.instances import converted_rows
from kampungkb.growth.importing.matching import ChildMatcher
from kampungkb.growth.importing.new_rows import ATTNAMES, WRITE_TIME
from kampungkb.growth.importing.parse import read_table
from kampungkb.growth.importing.planning import import_plan
from kampungkb.growth.importing.update_write import as_is, bools_as_ints, converted_column
from kampungkb.growth.kbm.selectors import default_kbm
from kampungkb.growth.models import Child, Measurement
from kampungkb.growth.services import (
    measurement_values_clear,
    normalise_name,
    validate_measurement_values,
)
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(eppgbm):
    """Children measured monthly, with every kind of value a row may have: lengths and
    heights, arm circumferences, PMT, vitamin A, no length, a weight the plausibility rules
    question, a child with no NIK, a posyandu or none."""
    rows = []
    for child in range(6):
        for month, kg in enumerate(("7,1", "7,5", "7,9", "8,3")):
            rows.append(
                eppgbm.row(
                    NIK=f"190601010124{child:04d}" if child != 3 else "",
                    Nama=f"Anak Kolom {child}",
                    JK="LP"[child % 2],
                    **{
                        "Tanggal Pengukuran": f"{10 + child}/{month + 3:02d}/2025",
                        "Berat": "19,5" if (child, month) == (2, 2) else kg,
                        "Tinggi": "" if child == 4 else f"{66 + month},{child}",
                        "Cara Ukur": "Berdiri" if child == 5 else "Telentang",
                        "LiLA": "13,5" if month % 2 else "",
                        "PMT": "0,5" if child == 1 else "",
                        "Jml Vit A": str(month % 2),
                        "Posyandu": "" if child == 0 else "Melati",
                    },
                )
            )
    return rows


def _plan(path, user):
    table = read_table(path)
    rows, index = _rows_read(table, user)
    matched = ChildMatcher(table=table, index=index)
    matched.match(rows)
    return import_plan(matched, table=table, kbm=default_kbm(), user=user)


def _stored_by_key():
    return {
        (m.child.nama, m.tanggal): m
        for m in Measurement.objects.select_related("child", "posyandu", "kbm_table")
    }


def test_column_planned_measurements_are_stored_as_planned_in_every_column(eppgbm, users):
    user = users["kecamatan"]
    path = eppgbm.xlsx(_rows(eppgbm))
    planned = _plan(path, user).to_create
    result = measurements_import(user=user, path=path)
    assert result.n_created == len(planned) == 24 and not result.n_rejected
    stored = _stored_by_key()
    assert any(m.needs_check for m in stored.values())  # the questioned weight
    compared = [a for a in ATTNAMES if a not in {*WRITE_TIME, "computed_at"}]
    for m in planned:
        row = stored[(m.child.nama, m.tanggal)]
        for attname in compared:
            assert getattr(m, attname) == getattr(row, attname), attname
        posyandu = m._state.fields_cache.get("posyandu")
        assert (posyandu.nama if posyandu else None) == (
            row.posyandu.nama if row.posyandu else None
        )
        assert row.import_batch_id == result.batch.pk and row.child.nama == m.child.nama


@pytest.mark.parametrize("stored_first", [None, "earlier", "later"])
def test_stored_measurements_equal_each_childs_series_computed_one_measurement_at_a_time(
    eppgbm, users, stored_first
):
    """What an import stores is what the per-object path (the form's) computes for the
    same series, in every computed column and the digest."""
    user = users["kecamatan"]
    rows = _rows(eppgbm)
    if stored_first == "earlier":  # the first two visits stored; the file changes weights
        first = [row for n, row in enumerate(rows) if n % 4 < 2]  # and adds visits
        measurements_import(user=user, path=eppgbm.xlsx(first, name="awal.xlsx"))
        rows[1]["Berat"] = "7,0"
        rows[9]["Berat"] = "7,7"
    if stored_first == "later":  # the last two stored; the file adds the visits before
        # them and repeats them unchanged: their growth codes now follow the added visits
        # (before, a row the file repeated unchanged kept the code of its old series).
        later = [row for n, row in enumerate(rows) if n % 4 >= 2]
        measurements_import(user=user, path=eppgbm.xlsx(later, name="akhir.xlsx"))
    measurements_import(user=user, path=eppgbm.xlsx(rows))
    kbm = default_kbm()
    children = Child.objects.order_by("pk")
    assert children.count() == 6
    for child in children:
        series = list(child.measurements.order_by("tanggal"))
        again = [copy(m) for m in series]
        compute_child_series(again, kbm=kbm)
        for stored, computed in zip(series, again, strict=True):
            for name in (f for f in COMPUTED_FIELDS if f != "computed_at"):
                assert getattr(stored, name) == getattr(computed, name), (child.nama, name)


def test_stored_rows_read_converted_once_per_distinct_value_equal_the_querysets(beltim):
    child = factories.child_row()
    other = factories.child_row(nama="Anak Lain")
    for n, (who, day, kg) in enumerate(
        [(child, "2025-01-05", "7.25"), (child, "2025-02-05", "7.50"), (other, "2025-01-05", "7.5")]
    ):
        factories.measurement_row(
            who,
            day,
            berat=kg,
            tinggi=None if n else "66.4",
            zlen=None if n else -1.25,
            fwei=n == 1,
            stunted=None if n else False,
            computed_at=timezone.now() if n else None,
        )
    names = [f.attname for f in Measurement._meta.concrete_fields]
    queryset = Measurement.objects.order_by("pk").values_list(*names)
    expected = list(queryset)
    got = list(converted_rows(queryset))
    assert len(got) == 3
    assert [[(type(v), v) for v in row] for row in got] == [
        [(type(v), v) for v in row] for row in expected
    ]
    assert list(converted_rows(Measurement.objects.none().values_list("pk"))) == []


def test_the_rules_called_clear_for_many_rows_at_once_find_nothing_one_row_at_a_time():
    born, today = datetime.date(2023, 1, 10), datetime.date(2025, 6, 1)
    days = [None, born - datetime.timedelta(days=1), born, born + datetime.timedelta(days=1856)]
    days += [born + datetime.timedelta(days=1857), today, today + datetime.timedelta(days=1)]
    days += [datetime.date(2024, 5, 5)]
    kgs = [None, Decimal("0.49"), Decimal("0.5"), Decimal("0.51"), Decimal("9.25")]
    kgs += [Decimal("60"), Decimal("60.01"), Decimal("NaN")]
    cms = [None, Decimal("29.9"), Decimal("30"), Decimal("75.5"), Decimal("150"), Decimal("151")]
    lilas = [None, Decimal("4.9"), Decimal("5"), Decimal("14"), Decimal("30"), Decimal("30.1")]
    methods = ["", "PB", "TB"]
    cases = list(itertools.product(days, kgs, cms, lilas, methods))
    columns = list(zip(*cases, strict=True))
    clear = measurement_values_clear(
        tanggal=columns[0],
        tanggal_lahir=[born] * len(cases),
        berat=columns[1],
        tinggi=columns[2],
        lila=columns[3],
        cara_ukur=columns[4],
        today=today,
    ).tolist()
    child = Child(tanggal_lahir=born, desa_id="19.06.01.2002")
    n_clear = 0
    for (tanggal, berat, tinggi, lila, cara_ukur), fast in zip(cases, clear, strict=True):
        values = {"tanggal": tanggal, "berat": berat, "tinggi": tinggi, "lila": lila}
        values |= {"cara_ukur": cara_ukur, "posyandu": None}
        if fast:
            n_clear += 1
            assert validate_measurement_values(child=child, values=values, today=today) == {}
    assert n_clear >= 50  # the usual rows are decided at once


def test_flags_are_bound_to_sqlite_as_the_ints_it_stores_and_foreign_keys_as_their_ids():
    assert bools_as_ints([True, False, None, 1, 0]) == [1, 0, None, 1, 0]
    assert all(type(v) is int for v in bools_as_ints([True, False]))
    from django.db import connection

    field = Measurement._meta.get_field("child")
    ids = [12, 12345678901, 12]
    assert as_is(field) == frozenset({int})
    assert converted_column(ids, field, connection) == [
        field.get_db_prep_save(v, connection) for v in ids
    ]
    posyandu = Measurement._meta.get_field("posyandu")
    assert converted_column([None, 7], posyandu, connection) == [None, 7]


def test_a_name_is_normalised_alike_with_and_without_characters_outside_ascii():
    def by_decomposition(text):  # what normalise_name did for every name
        text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
        return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())

    names = ["", None, "Siti  Nur'aini", "H. Muh. Rizky", "Ade\tPutri", "José Ñoño", "Ｓｉｔｉ"]
    for name in names:
        assert normalise_name(name) == by_decomposition(name)


def test_a_new_childs_name_for_possible_duplicates_is_the_one_its_match_key_was_made_from():
    from kampungkb.growth.importing.matching import _normalised_name
    from kampungkb.growth.services import child_match_key

    born = datetime.date(2024, 1, 1)
    for nama in ("Putri  Ayu.", "A" * 149 + " b", "A" * 160):
        key = child_match_key(nama=nama, tanggal_lahir=born, nama_ibu="Ibu", desa_kode="19.06")
        child = Child(nama=nama[:150], match_key=key)
        assert _normalised_name(child) == normalise_name(child.nama)


def test_a_re_import_keeps_when_a_measurement_was_made_and_says_when_it_changed(eppgbm, users):
    """The plan reads neither time of a stored measurement (``planning.NOT_READ``): the
    update writes its ``updated_at`` and leaves ``created_at`` as stored."""
    user = users["kecamatan"]
    rows = _rows(eppgbm)
    measurements_import(user=user, path=eppgbm.xlsx(rows, name="awal.xlsx"))
    before = {(m.child.nama, m.tanggal): m for m in Measurement.objects.select_related("child")}
    rows[1]["Berat"] = "7,0"
    measurements_import(user=user, path=eppgbm.xlsx(rows))
    changed = 0
    for (nama, tanggal), old in before.items():
        new = Measurement.objects.get(child__nama=nama, tanggal=tanggal)
        assert new.created_at == old.created_at
        if new.berat != old.berat:
            changed += 1
            assert new.updated_at > old.updated_at
        else:
            assert new.updated_at == old.updated_at
    assert changed == 1


def test_a_re_import_reads_no_stored_childs_time_child_by_child(eppgbm, users):
    """Neither time of a stored child is read (``matching.NOT_READ``): reading one would
    cost a query per child."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = users["kecamatan"]
    rows = _rows(eppgbm)
    measurements_import(user=user, path=eppgbm.xlsx(rows, name="awal.xlsx"))
    rows[1]["Berat"] = "7,0"
    rows[5]["RT"] = "009"  # a field the import fills only where it is empty: not here
    with CaptureQueriesContext(connection) as queries:
        result = measurements_import(user=user, path=eppgbm.xlsx(rows))
    assert result.n_updated == 1
    reads = [q for q in queries.captured_queries if 'FROM "growth_child"' in q["sql"]]
    assert len(reads) <= 5, [q["sql"][:120] for q in reads]  # none a child
