"""A province installation: each kabupaten's admin plans and records for that kabupaten
only. An OPD of the same name plans in each kabupaten on its own; a district action's
priority desa are its own kabupaten's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampungkb.convergence.actions.models import ActionRecord
from kampungkb.convergence.actions.selectors import framework_for_year
from kampungkb.convergence.actions.services import action_record_save
from kampungkb.convergence.innovations.models import Innovation
from kampungkb.convergence.innovations.services import innovation_save
from kampungkb.convergence.models import ActionDefinition, ProgrammeArea
from kampungkb.convergence.plans.models import Plan, PlanActivity
from kampungkb.convergence.plans.selectors import plan_list
from kampungkb.convergence.plans.services import activity_add, plan_create
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

BANGKA_DESA = "19.01.01.2001"


@pytest.fixture
def bangka(beltim):
    kab = Wilayah.objects.create(kode="19.01", nama="Bangka", level="kabupaten", parent_id="19")
    kec = Wilayah.objects.create(kode="19.01.01", nama="Sungailiat", level="kecamatan", parent=kab)
    Wilayah.objects.create(kode=BANGKA_DESA, nama="Desa Bangka", level="desa_kelurahan", parent=kec)
    return {"kab": kab, "admin": factories.admin_kabupaten("19.01", username="admin-bangka")}


def _activity(user, plan, kegiatan="Kegiatan"):
    return activity_add(
        user=user, plan=plan, kegiatan=kegiatan, programme_area=ProgrammeArea.objects.first(),
        opd=None, sasaran="Keluarga", jumlah_sasaran=10, anggaran=1000, sumber_dana="apbd",
        bulan=[3], penanggung_jawab="Sintetis",
    )  # fmt: skip


def test_each_kabupaten_has_its_own_opd_plan_and_writes_to_it_alone(
    client, users, ref, bangka, today
):
    year = today.year
    beltim_plan = plan_create(user=users["admin"], tahun=year, opd=ref["dpupr"])
    bangka_plan = plan_create(user=bangka["admin"], tahun=year, opd=ref["dpupr"])
    assert beltim_plan != bangka_plan
    assert (beltim_plan.kabupaten_id, bangka_plan.kabupaten_id) == ("19.06", "19.01")
    with pytest.raises(PermissionDenied):
        _activity(bangka["admin"], beltim_plan)
    client.force_login(bangka["admin"])
    response = client.post(
        reverse("convergence:activity_add", args=[beltim_plan.pk]),
        {"kegiatan": "Kegiatan Bangka", "programme_area": ProgrammeArea.objects.first().pk,
         "sasaran": "Keluarga", "jumlah_sasaran": "10", "anggaran": "1000",
         "sumber_dana": "apbd", "bulan": ["3"], "penanggung_jawab": "Sintetis"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not PlanActivity.objects.filter(kegiatan="Kegiatan Bangka").exists()
    # Each reads its own kabupaten's OPD plans (an operator of Belitung Timur too).
    assert [p.pk for p in plan_list(user=bangka["admin"], tahun=year)] == [bangka_plan.pk]
    assert [p.pk for p in plan_list(user=users["desa"], tahun=year)] == [beltim_plan.pk]
    assert set(plan_list(user=factories.user("admin_provinsi", "19"), tahun=year)) == {
        beltim_plan,
        bangka_plan,
    }
    assert Plan.objects.count() == 2


def test_a_district_actions_priority_desa_are_its_own_kabupatens(client, users, ref, bangka, today):
    year = today.year
    action = ActionDefinition.objects.filter(framework=framework_for_year(year)).first()
    beltim = Wilayah.objects.get(kode="19.06")
    with pytest.raises(ValidationError):
        action_record_save(
            user=users["admin"], kabupaten=beltim, tahun=year, action=action,
            values={"status": "berjalan"}, lokus_desa=[Wilayah.objects.get(kode=BANGKA_DESA)],
        )  # fmt: skip
    client.force_login(users["admin"])
    response = client.post(
        reverse("convergence:action_edit", args=[year, action.pk]),
        {"status": "berjalan", "lokus_desa": [BANGKA_DESA]},
    )
    assert response.status_code == 400
    assert not ActionRecord.objects.filter(lokus_desa__kode=BANGKA_DESA).exists()


def test_an_innovation_is_replicated_in_desa_of_its_own_kabupaten_only(
    client, users, ref, bangka, today
):
    # The form offers the desa of the user's kabupaten, not every desa of the installation
    # (a province's or the nation's would be thousands), and a tampered post naming another
    # kabupaten's desa is refused, not saved.
    year = today.year
    client.force_login(users["desa"])
    url = reverse("convergence:innovation_create")
    offered = client.get(url).context["form"].fields["direplikasi_di"].queryset
    assert offered.filter(kode=BATU_PENYU).exists()
    assert not offered.filter(kode=BANGKA_DESA).exists()
    data = {"nama": "Inovasi", "desa": KURNIA_JAYA, "tahun": str(year), "deskripsi": "x",
            "bukti": "x"}  # fmt: skip
    response = client.post(url, {**data, "direplikasi_di": [BATU_PENYU, BANGKA_DESA]})
    assert response.status_code == 400
    assert not Innovation.objects.exists()
    # The service refuses it too, whoever asks (a superuser's form offers every kabupaten).
    kurnia_jaya, bangka_desa = (
        Wilayah.objects.get(kode=KURNIA_JAYA),
        Wilayah.objects.get(kode=BANGKA_DESA),
    )
    root = factories.superuser()
    client.force_login(root)
    offered = client.get(url).context["form"].fields["direplikasi_di"].queryset
    assert {BATU_PENYU, BANGKA_DESA} <= set(offered.values_list("kode", flat=True))
    with pytest.raises(ValidationError) as refused:
        innovation_save(
            user=root, desa=kurnia_jaya, nama="Inovasi", tahun=year,
            deskripsi="x", bukti="x", direplikasi_di=[bangka_desa],
        )  # fmt: skip
    assert "direplikasi_di" in refused.value.message_dict
    assert not Innovation.objects.exists()
    client.force_login(users["desa"])
    response = client.post(url, {**data, "direplikasi_di": [BATU_PENYU]})
    assert response.status_code == 302
    saved = Innovation.objects.get()
    assert [d.kode for d in saved.direplikasi_di.all()] == [BATU_PENYU]
