"""The priority-desa ranking's KRS criterion: the share of KRS among a desa's target
families, from the KRS summaries (tests/families/krs_data.py, by hand)."""

import pytest

from kampungkb.analytics.priority import priority_ranking
from kampungkb.analytics.selectors import selection_parse
from kampungkb.analytics.services import priority_weights_save, summaries_rebuild
from kampungkb.families.labels import labels_compute
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.factories import KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families import krs_data

pytestmark = pytest.mark.django_db
ONLY_PREVALENCE = {"w_prevalence": 1, "w_cases": 0, "w_trend": 0, "w_coverage": 0, "w_quality": 0}


def _ranking(user):
    area = Wilayah.objects.get(kode=MANGGAR)
    rows, _weights = priority_ranking(user=user, area=area, sel=selection_parse({}, area=area))
    return rows


def test_the_krs_weight_lifts_a_desa_with_more_krs_families_above_one_with_more_stunting():
    krs_data.district()
    # Lalang Jaya: 7 KRS of 9 target families (78 %); Kurnia Jaya: 3 of 4 (75 %), but its
    # measured child is stunted and Lalang Jaya's is not.
    for _ in range(6):
        factories.family_row(LALANG_JAYA, members=[krs_data.wife("2007-01-01")])
    labels_compute()
    summaries_rebuild()
    admin = factories.admin_kabupaten()
    priority_weights_save(user=admin, **ONLY_PREVALENCE, w_krs=0)
    rows = _ranking(admin)
    assert rows[0].wilayah.kode == KURNIA_JAYA
    by_kode = {r.wilayah.kode: r for r in rows}
    assert by_kode[LALANG_JAYA].krs_share == pytest.approx(7 / 9)
    assert by_kode[KURNIA_JAYA].krs_share == pytest.approx(0.75)

    priority_weights_save(user=admin, **ONLY_PREVALENCE, w_krs=5)
    rows = _ranking(admin)
    assert [r.wilayah.kode for r in rows[:2]] == [LALANG_JAYA, KURNIA_JAYA]
    # Scaled 0-1 across the desa: Lalang Jaya 1 on KRS, Kurnia Jaya 1 on prevalence.
    assert rows[0].score == pytest.approx(100 * 5 / 6)
    assert rows[1].score == pytest.approx(100 * 1 / 6)
    assert "77,8" in rows[0].reason and "2025" in rows[0].reason


def test_without_family_data_the_krs_criterion_weighs_nothing():
    child = factories.child_row(KURNIA_JAYA)
    factories.measurement_row(child, "2025-05-01", stunted=True)
    summaries_rebuild()
    admin = factories.admin_kabupaten()
    priority_weights_save(user=admin, **ONLY_PREVALENCE, w_krs=5)
    rows = _ranking(admin)
    assert rows[0].wilayah.kode == KURNIA_JAYA and rows[0].krs_share is None
    assert all(r.scores["krs"] == 0 for r in rows)


def test_the_priority_xlsx_gives_the_krs_share_the_page_ranks_on(client):
    """The page shows each desa's KRS share, a criterion of its score; the xlsx of the same
    ranking had every other criterion but that one."""
    import io

    import openpyxl
    from django.urls import reverse

    krs_data.district()
    labels_compute()
    summaries_rebuild()
    admin = factories.admin_kabupaten()
    client.force_login(admin)
    page = client.get(reverse("analytics:priority", args=[MANGGAR])).content.decode()
    assert 'data-testid="priority-krs">75,0<' in page  # Kurnia Jaya: 3 of 4
    content = client.get(reverse("analytics:priority_xlsx", args=[MANGGAR])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Desa prioritas"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("KRS (%)")
    by_kode = {r[1]: r for r in rows[1:]}
    assert by_kode[KURNIA_JAYA][column] == 75.0
