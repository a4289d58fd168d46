"""Kampung KB indicators computed from the TPK summaries (issue 14 item 7): the hand-made
district of tests/analytics/tpk_data.py, whose Kampung KB Kurnia Jaya has three KRS families
of which two were visited in 2025, three pregnancies, one with KEK and anaemia; shown on the
review page with their source, and usable by a rule set."""

import pytest
from django.urls import reverse

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.models import IndicatorDefinition
from kampungkb.convergence.review import scoring
from kampungkb.convergence.review.selectors import indicator_values, system_values
from kampungkb.convergence.review.tpk_values import TPK_INDICATORS
from kampungkb.wilayah.models import KampungKB
from tests.analytics import tpk_data
from tests.factories import KURNIA_JAYA, viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def kampung(ref):
    tpk_data.district()  # makes Kurnia Jaya a Kampung KB
    summaries_rebuild()
    return KampungKB.objects.get(desa_id=KURNIA_JAYA)


def test_the_tpk_indicators_are_defined_as_computed(ref):
    defined = IndicatorDefinition.objects.filter(kode__in=TPK_INDICATORS, computed=True)
    assert set(defined.values_list("kode", flat=True)) == set(TPK_INDICATORS)


def test_the_system_values_of_a_kampung_kb_come_from_its_desa_tpk_summary(kampung):
    values = system_values(kampungs=[kampung], tahun=2025)[kampung.pk]
    assert values["sys_tpk_krs_didampingi"] == 66.7
    assert values["sys_tpk_bumil_kek"] == 33.3 and values["sys_tpk_bumil_anemia"] == 33.3
    assert values["sys_tpk_catin_skrining"] is None  # no catin in Kurnia Jaya
    assert values["sys_tpk_kb_pasca"] is None
    before = system_values(kampungs=[kampung], tahun=2023)[kampung.pk]
    assert all(before[k] is None for k in TPK_INDICATORS)


def test_a_rule_set_can_score_a_tpk_indicator(kampung):
    values = indicator_values(kampung=kampung, tahun=2025)
    rules = {
        "management": {
            "threshold": 50,
            "indicators": {"sys_tpk_krs_didampingi": {"weight": 1, "worst": 0, "best": 100}},
        },
        "contribution": {
            "threshold": 50,
            "indicators": {"sys_tpk_bumil_anemia": {"weight": 1, "worst": 100, "best": 0}},
        },
    }
    result = scoring.evaluate(values, rules)
    assert result.management.score == 66.7 and result.contribution.score == 66.7


def test_the_review_page_lists_the_tpk_indicators_with_their_source(client, kampung):
    client.force_login(viewer())
    url = reverse("convergence:kampung_kb_review", args=[kampung.pk])
    html = client.get(url, {"tahun": 2025}).content.decode()
    rows = html.split('data-testid="tpk-indicator"')[1:]
    assert len(rows) == len(TPK_INDICATORS)
    assert all("dari ringkasan TPK, tahun 2025" in r.split("</tr>")[0] for r in rows)
    krs = next(r for r in rows if 'data-kode="sys_tpk_krs_didampingi"' in r).split("</tr>")[0]
    assert "66.7 %" in krs or "66,7 %" in krs
    assert "Keluarga KRS didampingi TPK" in krs
    link = reverse("analytics:tpk", args=[KURNIA_JAYA]) + "?periode=quarter"
    assert f'href="{link}"' in html
    # No TPK figures in 2023: no section.
    assert 'data-testid="tpk-indicator"' not in client.get(url, {"tahun": 2023}).content.decode()
