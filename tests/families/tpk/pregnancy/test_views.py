"""The pregnancy pages: the panel on a pregnant woman's page with its htmx ANC form (a refused
value answers 400 beside its field, a saved one shows the flags with their reasons), the KB and
nifas forms of a mother, the list of pregnant women and the counts for the read-only roles."""

import datetime

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan, NifasVisit
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desa_client(client, users):
    client.force_login(users["desa"])
    return client


def _anc_data(*, today, **kw):
    data = {"anc-tanggal": today.isoformat(), "anc-tempat": "Pustu", "anc-pemeriksa": "bidan"}
    return data | {f"anc-{k}": v for k, v in kw.items()}


def test_a_pregnant_womans_page_shows_the_panel_and_its_form(desa_client):
    hamil = tpk.pregnant(weeks=20)
    page = desa_client.get(reverse("families:tpk_target", args=[hamil.pk])).content.decode()
    assert 'data-testid="pregnancy-panel"' in page
    assert 'data-testid="anc-form"' in page
    assert "Tidak ada kontak ANC di trimester 1." in page  # 20 weeks, none recorded


def test_an_implausible_hb_answers_400_beside_its_field(desa_client, today):
    hamil = tpk.pregnant(weeks=20)
    url = reverse("families:tpk_anc_create", args=[hamil.pk])
    response = desa_client.post(url, _anc_data(hb="25", lila="22.1", today=today), **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_anc-hb"' in page and "is-invalid" in page
    assert "Isi nilai antara 3 dan 20 g/dL." in page
    assert 'value="22.1"' in page  # the other values stay as typed
    assert not AncContact.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1e9", "-5", "99999999"])
def test_nonsense_in_a_number_field_is_a_400_never_a_500(desa_client, value, today):
    hamil = tpk.pregnant(weeks=20)
    url = reverse("families:tpk_anc_create", args=[hamil.pk])
    for name in ("berat", "lila", "hb", "sistolik", "ttd_diminum"):
        response = desa_client.post(url, _anc_data(**{name: value}, today=today), **HTMX)
        assert response.status_code == 400, (name, value)
    assert not AncContact.objects.exists()


def test_a_saved_contact_shows_its_k_number_and_the_flags_with_reasons(desa_client, today):
    hamil = tpk.pregnant(weeks=20)
    url = reverse("families:tpk_anc_create", args=[hamil.pk])
    response = desa_client.post(url, _anc_data(lila="22.0", ttd_diminum="30", today=today), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="anc-saved"' in page
    assert "<strong>K1</strong> · trimester 2" in page
    assert "KEK: LiLA 22,0 cm, di bawah 23,5 cm." in page
    assert "30 dari 90" in page


def test_a_mother_records_her_kb_decision_and_a_nifas_visit(desa_client, today):
    ibu = tpk.mother(days_since=5)
    kb = desa_client.post(
        reverse("families:tpk_kb_create", args=[ibu.pk]),
        {"kb-keputusan": "iud", "kb-tanggal": today.isoformat()},
        **HTMX,
    )
    assert kb.status_code == 200
    assert "dalam 42 hari" in kb.content.decode()
    nifas = desa_client.post(
        reverse("families:tpk_nifas_create", args=[ibu.pk]),
        {"nifas-tanggal": today.isoformat(), "nifas-tempat": "Rumah", "nifas-pemeriksa": "bidan"},
        **HTMX,
    )
    assert nifas.status_code == 200
    assert "KF2" in nifas.content.decode()
    assert KbPascaPersalinan.objects.get().keputusan == "iud"
    assert NifasVisit.objects.count() == 1


def test_an_anc_form_posted_to_a_mother_is_not_found(desa_client, today):
    ibu = tpk.mother()
    response = desa_client.post(
        reverse("families:tpk_anc_create", args=[ibu.pk]), _anc_data(today=today)
    )
    assert response.status_code == 404


def test_the_list_names_the_area_s_pregnant_women_and_is_audited(desa_client, users):
    tpk.pregnant(nama="Ibu Sini Sintetis")
    tpk.pregnant(factories.BATU_PENYU, nama="Ibu Sana Sintetis")
    page = desa_client.get(reverse("families:tpk_pregnant_list")).content.decode()
    assert "Ibu Sini Sintetis" in page and "Ibu Sana Sintetis" not in page
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=users["desa"]).latest("pk")
    assert entry.changes == {"tpk_targets": 1}


def test_a_viewer_gets_counts_per_desa_and_no_name(client, users):
    tpk.pregnant(nama="Ibu Sini Sintetis")
    client.force_login(users["viewer"])
    page = client.get(reverse("families:tpk_pregnant_list")).content.decode()
    assert "Ibu Sini Sintetis" not in page
    assert 'data-testid="desa-count-row"' in page


def test_the_list_of_a_team_and_a_team_out_of_reach(desa_client):
    mine = tpk.team()
    tpk.pregnant(nama="Ibu Tim Sintetis")
    theirs = tpk.team(factories.BATU_PENYU)
    url = reverse("families:tpk_pregnant_list")
    page = desa_client.get(url, {"tim": mine.pk}).content.decode()
    assert "Ibu Tim Sintetis" in page and mine.nama in page
    assert desa_client.get(url, {"tim": theirs.pk}).status_code == 404
    assert desa_client.get(url, {"tim": "abc"}).status_code == 404
    assert desa_client.get(url, {"wilayah": "19.06.02"}).status_code == 404
