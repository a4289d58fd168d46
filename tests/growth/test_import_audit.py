"""What the audit trail keeps of an import's changes: old and new values, NIKs masked."""

import datetime

from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.models import Child, Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA


def _import(user, path):
    return measurements_import(user=user, path=path)


def test_an_import_that_changes_a_weight_keeps_the_old_and_the_new_value(eppgbm, users):
    first = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(Berat="13,4")], name="a.xlsx"))
    second = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(Berat="19,9")], name="b.xlsx"))
    m = Measurement.objects.get()
    entry = AuditEntry.objects.get(action="update", object_type="growth.measurement")
    assert entry.object_id == str(m.pk) and entry.wilayah_kode == KURNIA_JAYA
    assert entry.actor == users["kecamatan"]
    assert entry.changes == {
        "berat": ["13.400", "19.900"],  # as stored: three decimals
        "import_batch": [first.batch.pk, second.batch.pk],
    }


def test_an_import_changing_nothing_on_a_measurement_writes_no_update_entry(eppgbm, users):
    _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()], name="a.xlsx"))
    _import(
        users["kecamatan"],
        eppgbm.xlsx(
            [eppgbm.row(), eppgbm.row(**{"Tanggal Pengukuran": "15/10/2025"})], name="b.xlsx"
        ),
    )
    assert not AuditEntry.objects.filter(action="update").exists()


def test_a_nik_an_import_fills_in_is_kept_masked_in_the_trail(eppgbm, users):
    child = factories.child(
        KURNIA_JAYA,
        user=users["kecamatan"],
        nama="Anak Contoh Satu",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date(2024, 3, 10),
        nama_ibu="Ibu Contoh",
    )
    assert child.nik is None
    _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()]))
    assert Child.objects.get(pk=child.pk).nik == "1906010101240001"
    entry = AuditEntry.objects.get(action="update", object_type="growth.child")
    assert entry.object_id == str(child.pk) and entry.wilayah_kode == KURNIA_JAYA
    assert entry.changes["nik"] == [None, "1906********0001"]
    everything = list(AuditEntry.objects.values_list("changes", flat=True))
    assert "1906010101240001" not in str(everything)
