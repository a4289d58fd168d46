"""A re-import's updates written by id in bulk (``update_write.rows_update``) store exactly what
Django's ``bulk_update`` stored: every column of every row, the audit trail too."""

import datetime
from decimal import Decimal

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing import writing
from kampungkb.growth.importing.aliases import NEW, PosyanduDecision, posyandu_names_decide
from kampungkb.growth.importing.commit import PosyanduChoices, measurements_import
from kampungkb.growth.importing.instances import BATCH_SIZE
from kampungkb.growth.importing.update_write import rows_update
from kampungkb.growth.models import Child, ImportBatch, Measurement, Posyandu
from tests.conftest import KURNIA_JAYA

FROZEN = datetime.datetime(2026, 11, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)


def _first(eppgbm):
    """Two children: Satu weighed three times, Dua twice without an address."""
    dua = {
        "NIK": "1906010101240002",
        "Nama": "Anak Contoh Dua",
        "JK": "P",
        "Tgl Lahir": "01/01/2024",
        "RT": "",
        "RW": "",
        "Alamat": "",
    }
    return [
        eppgbm.row(**{"Tanggal Pengukuran": "15/07/2025", "Berat": "9,6", "Tinggi": "76,2"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,9", "Tinggi": "77,8"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025", "Berat": "10,2", "Tinggi": "79,5"}),
        eppgbm.row(**dua, **{"Tanggal Pengukuran": "10/08/2025", "Berat": "11,1"}),
        eppgbm.row(**dua, **{"Tanggal Pengukuran": "10/09/2025", "Berat": "11,4"}),
    ], dua


def _corrections(eppgbm, dua):
    """Satu's July weight corrected and an implausible August height (needs checking; his
    September row, not in the file, only recomputed); Dua moved to a new posyandu, with an arm
    circumference, and her address filled in."""
    moved = {**dua, "Posyandu": "Kenanga", "RT": "003", "RW": "004", "Alamat": "Jl. Baru 7"}
    return [
        eppgbm.row(**{"Tanggal Pengukuran": "15/07/2025", "Berat": "9,75", "Tinggi": "76,2"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,9", "Tinggi": "97,8"}),
        eppgbm.row(**moved, **{"Tanggal Pengukuran": "10/08/2025", "Berat": "11,1"}),
        eppgbm.row(
            **moved, **{"Tanggal Pengukuran": "10/09/2025", "Berat": "11,35", "LiLA": "14,5"}
        ),
    ]


def _stored() -> dict:
    """Every column of every row the import writes, as stored (raw SQL, no conversion)."""
    tables = {}
    with connection.cursor() as cursor:
        for model in (Measurement, Child, Posyandu, ImportBatch):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
            tables[model._meta.label] = [tuple(row) for row in cursor.fetchall()]
    entries = AuditEntry.objects.filter(action="update").order_by("object_type", "object_id")
    tables["audit"] = list(entries.values_list("object_type", "object_id", "changes"))
    return tables


def _bulk_update(model, objects, fields) -> None:
    """The writer the import used before: Django's bulk_update."""
    model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)


@pytest.mark.django_db
def test_a_re_import_stores_what_bulk_update_stored(eppgbm, users, monkeypatch):
    user = users["kecamatan"]
    first, dua = _first(eppgbm)
    measurements_import(user=user, path=eppgbm.csv(first, name="a.csv"))
    create = posyandu_names_decide(
        user=user,
        decisions=[PosyanduDecision(desa_kode=KURNIA_JAYA, nama="Kenanga", choice=NEW)],
    )
    path = eppgbm.csv(_corrections(eppgbm, dua), name="b.csv")
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)

    def re_import():
        return measurements_import(user=user, path=path, posyandu=PosyanduChoices(create=create))

    with transaction.atomic():
        with monkeypatch.context() as patched:
            patched.setattr(writing, "rows_update", _bulk_update)
            old = re_import()
        before = _stored()
        transaction.set_rollback(True)
    # PostgreSQL's sequences do not roll back: the second run must get the same new ids.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [ImportBatch, Posyandu]):
            cursor.execute(sql)
    new = re_import()

    assert (old.n_updated, old.n_posyandu_created) == (new.n_updated, new.n_posyandu_created)
    assert new.n_updated == 4 and new.n_posyandu_created == 1
    after = _stored()
    assert after == before
    satu_july, satu_aug, satu_sept, dua_aug, dua_sept = Measurement.objects.order_by("pk")
    assert satu_july.berat == Decimal("9.750") and satu_july.updated_at == FROZEN
    assert satu_aug.needs_check and satu_aug.check_reasons
    assert satu_sept.computed_at == FROZEN and satu_sept.updated_at != FROZEN
    assert dua_sept.lila == Decimal("14.50") and dua_sept.posyandu.nama.endswith("Kenanga")
    assert dua_aug.import_batch_id == dua_sept.import_batch_id == new.batch.pk
    filled = Child.objects.get(nik=dua["NIK"])
    assert (filled.rt, filled.rw, filled.alamat) == ("003", "004", "Jl. Baru 7")


@pytest.mark.django_db
def test_rows_update_writes_only_the_given_fields_of_each_row(users):
    from tests import factories

    child = factories.child(KURNIA_JAYA, user=users["kecamatan"], nama="Anak Tiga")
    kept = child.nama
    child.nama, child.alamat, child.punya_buku_kia = "Tidak Ditulis", "Jl. Ditulis", True
    child.berat_lahir = Decimal("3.05")
    rows_update(Child, [child], ["alamat", "punya_buku_kia", "berat_lahir"])
    stored = Child.objects.get(pk=child.pk)
    assert stored.nama == kept
    assert (stored.alamat, stored.punya_buku_kia, stored.berat_lahir) == (
        "Jl. Ditulis",
        True,
        Decimal("3.05"),
    )
    rows_update(Child, [], ["alamat"])  # nothing to write: no statement


@pytest.mark.django_db
def test_rows_update_refuses_the_key_and_unsaved_rows(users):
    from tests import factories

    child = factories.child(KURNIA_JAYA, user=users["kecamatan"], nama="Anak Empat")
    with pytest.raises(ValueError, match="concrete fields"):
        rows_update(Child, [child], ["id"])
    with pytest.raises(ValueError, match="primary key"):
        rows_update(Child, [Child(nama="Baru")], ["nama"])
