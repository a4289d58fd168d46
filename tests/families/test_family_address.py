"""A family's address corrected by hand: the only way to move a family imported into the wrong
desa (an import refuses the rows of a family registered in another desa), within the desa the
user may edit, with a reason in both desa's audit trails, its rounds and KRS figures moving
with it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import Keluarga, Relation
from kampungkb.families.services import family_address_correct
from kampungkb.families.stats import krs_counts
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.factories import BATU_PENYU, KURNIA_JAYA, PADANG

pytestmark = pytest.mark.django_db

HEAD = {"hubungan": Relation.HEAD, "jenis_kelamin": "L", "status_kawin": 2,
        "tanggal_lahir": "1990-02-01", "nama": "Budi Kepala Sintetis"}  # fmt: skip
WIFE = {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": "1995-01-01",
        "nama": "Siti Istri Sintetis", "nik": "1906014101950001"}  # fmt: skip


@pytest.fixture
def family(users):
    """A KRS family (unsafe water) imported into Kurnia Jaya that lives in Padang."""
    survey = factories.family_row(
        KURNIA_JAYA, sumber_air=8, rt="003", rw="001", members=[HEAD, WIFE],
        no_kk="1906010000000777",
    )  # fmt: skip
    labels_compute()
    return survey.keluarga


def _url(keluarga):
    return reverse("families:address", args=[keluarga.pk])


def _post(**extra):
    return {"desa": PADANG, "rw": "002", "rt": "005", "alamat": "Jl. Sintetis 5",
            "alasan": "Diimpor ke desa yang salah", **extra}  # fmt: skip


def _krs_by_desa():
    return {desa: counts["krs"] for (desa, _year), counts in krs_counts().items()}


def test_the_kecamatan_official_moves_a_family_to_the_desa_it_lives_in(client, users, family):
    assert _krs_by_desa() == {KURNIA_JAYA: 1}
    client.force_login(users["kecamatan"])

    page = client.get(_url(family))
    assert page.status_code == 200
    assert "Perbaiki alamat keluarga" in page.content.decode()
    done = client.post(_url(family), _post())

    assert done.status_code == 302 and done.url == reverse("families:detail", args=[family.pk])
    family.refresh_from_db()
    assert (family.desa_id, family.rw, family.rt, family.alamat) == (
        PADANG, "002", "005", "Jl. Sintetis 5"
    )  # fmt: skip
    assert _krs_by_desa() == {PADANG: 1}  # its round, and its KRS label, moved with it
    entries = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(family.pk))
    assert sorted(e.wilayah_kode for e in entries) == sorted([KURNIA_JAYA, PADANG])
    for entry in entries:
        assert entry.changes["desa"] == [KURNIA_JAYA, PADANG]
        assert entry.changes["rt"] == ["003", "005"]
        assert entry.changes["alasan"] == "Diimpor ke desa yang salah"
    detail = client.get(done.url).content.decode()
    assert "Alamat keluarga diperbaiki." in detail and "Padang" in detail


def test_a_desa_operator_corrects_the_rt_but_cannot_move_the_family_out(client, users, family):
    client.force_login(users["desa"])  # Kurnia Jaya's operator
    page = client.get(_url(family))
    choices = {str(c[0].value) for c in page.context["form"].fields["desa"].choices if c[0]}
    assert choices == {KURNIA_JAYA}

    refused = client.post(_url(family), _post())
    assert refused.status_code == 400
    assert "desa" in refused.context["form"].errors
    family.refresh_from_db()
    assert family.desa_id == KURNIA_JAYA

    done = client.post(_url(family), _post(desa=KURNIA_JAYA))
    assert done.status_code == 302
    family.refresh_from_db()
    assert (family.desa_id, family.rt) == (KURNIA_JAYA, "005")


def test_a_reason_is_required_and_nothing_changed_writes_nothing(client, users, family):
    client.force_login(users["admin"])
    refused = client.post(_url(family), _post(alasan="   "))
    assert refused.status_code == 400
    assert "alasan" in refused.context["form"].errors
    assert Keluarga.objects.get(pk=family.pk).desa_id == KURNIA_JAYA

    same = {"desa": KURNIA_JAYA, "rw": "001", "rt": "003", "alamat": family.alamat}
    done = client.post(_url(family), _post(**same))
    assert done.status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(family.pk))
    assert "Tidak ada yang berubah." in client.get(done.url).content.decode()


def test_other_areas_and_read_only_roles_are_refused(client, users, family, make_user):
    other = make_user("operator_desa", BATU_PENYU, username="op_batu_penyu_alamat")
    client.force_login(other)
    assert client.get(_url(family)).status_code == 404
    assert client.post(_url(family), _post()).status_code == 404
    for role in ("mitra", "viewer"):
        client.force_login(users[role])
        assert client.post(_url(family), _post()).status_code in (403, 404)
    assert Keluarga.objects.get(pk=family.pk).desa_id == KURNIA_JAYA


def test_the_service_refuses_a_desa_the_user_may_not_edit(users, family):
    with pytest.raises(PermissionDenied):
        family_address_correct(
            user=users["desa"], keluarga=family, desa=Wilayah.objects.get(kode=PADANG),
            rt="", rw="", alamat="", alasan="coba",
        )  # fmt: skip
    assert Keluarga.objects.get(pk=family.pk).desa_id == KURNIA_JAYA


def test_the_family_page_offers_the_correction_to_its_editors_only(client, users, family):
    detail = reverse("families:detail", args=[family.pk])
    client.force_login(users["desa"])
    assert 'data-testid="family-address-edit"' in client.get(detail).content.decode()
