"""The catin screening pages: the panel on a catin target's page (htmx: a refused value
answers 400 beside its field, an unusual one asks for the confirmation, the result with its
reasons after saving), the catin list (names for operators, counts for the read-only roles,
audited) and the thresholds pages."""

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.families.tpk.screening.models import CatinScreening, CatinThresholdSet
from tests import factories
from tests.families.tpk import factories as tpk

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form(*, today, **kw):
    values = {"tanggal": today.isoformat(), "peran": "putri", "umur_tahun": "20"}
    values |= {"berat_kg": "44", "tinggi_cm": "155", "lila_cm": "22.5", "hb": "11.0"}
    values |= {"lingkar_perut_cm": "70"} | kw
    return {f"skrining-{k}": v for k, v in values.items()}


@pytest.fixture
def catin(beltim):
    return tpk.catin(nama="Dewi Sintetis", days_to_marriage=150)


def test_the_result_and_its_reasons_show_after_saving(client, users, catin, today):
    client.force_login(users["desa"])
    url = reverse("families:catin_screening_create", args=[catin.pk])
    response = client.post(url, _form(today=today), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="screening-saved"' in html
    for text in (
        "Berisiko",
        "Usia 20 tahun: di bawah usia yang dianjurkan 21 tahun (BKKBN).",
        "Anemia: Hb 11,0 g/dL, di bawah 12,0 g/dL.",
        "Risiko KEK: LiLA 22,5 cm, di bawah 23,5 cm.",
        "Kurus: IMT 18,3, di bawah 18,5.",
    ):
        assert text in html
    assert CatinScreening.objects.get().alasan == ["usia", "anemia", "kek", "kurus"]


def test_a_refused_value_answers_400_beside_its_field(client, users, catin, today):
    client.force_login(users["desa"])
    url = reverse("families:catin_screening_create", args=[catin.pk])
    response = client.post(url, _form(hb="45", today=today), **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hb (g/dL) harus antara 3 dan 22." in html
    assert 'value="44"' in html  # the other values stay as typed
    assert not CatinScreening.objects.exists()


def test_an_unusual_value_is_saved_only_when_confirmed(client, users, catin, today):
    client.force_login(users["desa"])
    url = reverse("families:catin_screening_create", args=[catin.pk])
    response = client.post(url, _form(hb="6.2", today=today), **HTMX)
    assert response.status_code == 400
    assert 'data-testid="confirm-check"' in response.content.decode()
    response = client.post(url, _form(hb="6.2", today=today) | {"confirm": "1"}, **HTMX)
    assert response.status_code == 200
    assert CatinScreening.objects.get().perlu_dicek


def test_the_target_page_shows_the_panel_and_the_three_months_rule(client, users, catin):
    client.force_login(users["desa"])
    html = client.get(reverse("families:tpk_target", args=[catin.pk])).content.decode()
    assert "Skrining catin (Elsimil)" in html
    assert 'id="id_skrining-tanggal"' in html and 'id="id_tanggal"' in html
    assert "Terdaftar paling lambat 3 bulan sebelum menikah" in html


def test_the_catin_list_names_for_operators_counts_for_readers(client, users, catin, today):
    client.force_login(users["desa"])
    client.post(
        reverse("families:catin_screening_create", args=[catin.pk]), _form(today=today), **HTMX
    )
    before = AuditEntry.objects.filter(action="view").count()
    html = client.get(reverse("families:catin_list")).content.decode()
    assert "Dewi Sintetis" in html and 'data-testid="catin-count-row"' in html
    assert AuditEntry.objects.filter(action="view").count() == before + 1
    client.force_login(users["viewer"])
    html = client.get(reverse("families:catin_list")).content.decode()
    assert "Dewi Sintetis" not in html and 'data-testid="catin-count-row"' in html


def test_a_bad_date_filter_is_ignored_not_a_500(client, users, catin):
    client.force_login(users["admin"])
    response = client.get(reverse("families:catin_list"), {"dari": "kemarin", "sampai": "x"})
    assert response.status_code == 200


def test_the_manager_saves_a_new_threshold_version(client, users, catin, today):
    client.force_login(users["admin"])
    base = CatinThresholdSet.objects.get()
    url = reverse("families:catin_threshold_edit", args=[base.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if not isinstance(v, bool)}
    data |= {k: "on" for k, v in form.initial.items() if v is True}
    data |= {"berlaku_mulai": today.isoformat(), "legal_under": "22"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Tidak boleh di atas usia yang dianjurkan." in response.content.decode()
    data |= {"legal_under": "19", "hb_under_female": "11.5"}
    assert client.post(url, data).status_code == 302
    html = client.get(reverse("families:catin_thresholds")).content.decode()
    assert "Hb di bawah 11,5 g/dL (perempuan), 13,0 g/dL (laki-laki)" in html


def test_the_catin_list_of_one_desa_inside_the_area_only(client, users, catin):
    tpk.catin(factories.BATU_PENYU, nama="Catin Gantung Sintetis")
    client.force_login(users["admin"])
    html = client.get(reverse("families:catin_list"), {"wilayah": factories.KURNIA_JAYA})
    assert "Dewi Sintetis" in html.content.decode()
    assert "Catin Gantung Sintetis" not in html.content.decode()
    client.force_login(users["desa"])
    other = client.get(reverse("families:catin_list"), {"wilayah": factories.BATU_PENYU})
    assert other.status_code == 404
