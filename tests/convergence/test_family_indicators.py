"""Kampung KB indicators computed from the family data (tests/families/krs_data.py, by hand):
the sasaran and KRS counts, KRS share, mCPR, JKN and birth-certificate coverage of the
Kampung KB's desa in the review year, shown with their source; a typed mCPR gives way."""

import pytest
from django.urls import reverse

from kampungkb.convergence.models import IndicatorDefinition
from kampungkb.convergence.review.selectors import indicator_values, system_values
from kampungkb.convergence.review.services import indicator_values_save
from tests import factories
from tests.factories import KURNIA_JAYA
from tests.families import krs_data

pytestmark = pytest.mark.django_db
SOURCE = "dari data keluarga, pendataan 2025"


def test_the_family_indicators_are_defined_as_computed(ref):
    codes = ["sys_sasaran", "sys_krs", "sys_krs_persen", "sys_mcpr", "sys_jkn", "sys_akta"]
    assert set(
        IndicatorDefinition.objects.filter(kode__in=codes, computed=True).values_list(
            "kode", flat=True
        )
    ) == set(codes)


def test_the_system_values_of_a_kampung_kb_come_from_its_desa_families(ref):
    krs_data.district()
    kampung = factories.kampung_kb(KURNIA_JAYA)
    values = system_values(kampungs=[kampung], tahun=2025)[kampung.pk]
    assert values["sys_sasaran"] == 4 and values["sys_krs"] == 3
    assert values["sys_krs_persen"] == 75.0 and values["sys_mcpr"] == 50.0
    assert values["sys_jkn"] == 80.0 and values["sys_akta"] == 50.0
    before = system_values(kampungs=[kampung], tahun=2023)[kampung.pk]
    assert before["sys_krs"] is None and before["sys_mcpr"] is None


def test_a_typed_mcpr_gives_way_to_the_computed_one(ref):
    krs_data.district()
    kampung = factories.kampung_kb(KURNIA_JAYA)
    operator = factories.operator_desa(KURNIA_JAYA)
    for year in (2023, 2025):
        indicator_values_save(
            user=operator, kampung=kampung, tahun=year, values={"out_kb_aktif": 30}
        )
    assert indicator_values(kampung=kampung, tahun=2025)["out_kb_aktif"] == 50.0
    assert indicator_values(kampung=kampung, tahun=2023)["out_kb_aktif"] == 30


def test_the_entry_page_shows_the_computed_mcpr_with_its_source_instead_of_a_field(client, ref):
    krs_data.district()
    kampung = factories.kampung_kb(KURNIA_JAYA)
    client.force_login(factories.operator_desa(KURNIA_JAYA))
    url = reverse("convergence:indicator_entry", args=[kampung.pk])
    html = client.get(url, {"tahun": 2025}).content.decode()
    assert 'name="out_kb_aktif"' not in html
    note = html.split('data-testid="form-note">')[1].split("</p>")[0]
    assert SOURCE in note and "50,0" in note
    computed = html.split('data-testid="computed-indicators"')[1].split("</details>")[0]
    assert f"Keluarga berisiko stunting (KRS): 3 keluarga ({SOURCE})" in computed
    assert f"KRS di antara keluarga sasaran: 75,0 % ({SOURCE})" in computed
    # No family survey in 2023: the mCPR is typed as before.
    assert 'name="out_kb_aktif"' in client.get(url, {"tahun": 2023}).content.decode()


def test_the_review_page_lists_the_family_indicators_with_their_source(client, ref):
    krs_data.district()
    kampung = factories.kampung_kb(KURNIA_JAYA)
    operator = factories.operator_desa(KURNIA_JAYA)
    indicator_values_save(user=operator, kampung=kampung, tahun=2025, values={"out_kb_aktif": 30})
    client.force_login(factories.viewer())
    url = reverse("convergence:kampung_kb_review", args=[kampung.pk])
    html = client.get(url, {"tahun": 2025}).content.decode()
    rows = html.split('data-testid="family-indicator"')[1:]
    assert len(rows) == 6 and all(SOURCE in r.split("</tr>")[0] for r in rows)
    assert 'data-kode="sys_krs"' in html
    assert "30.0 %" not in html and "30,0 %" not in html  # the typed mCPR is not shown
