"""The priority ranking's reasons: what the page says of each desa."""

import pytest

from kampungkb.analytics.priority import priority_ranking
from kampungkb.analytics.selectors import selection_parse
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.factories import KURNIA_JAYA, LALANG_JAYA, MANGGAR

pytestmark = pytest.mark.django_db


def test_a_desa_without_measurements_is_said_to_have_no_figures_not_to_do_well():
    """A desa nobody was measured in is scaled as the most favourable on prevalence, cases
    and trend (it has no figure); its reason read "at or below the middle of the desa on
    every criterion", as if it were doing well."""
    for i in range(4):
        child = factories.child_row(KURNIA_JAYA)
        factories.measurement_row(child, "2025-05-01", stunted=i < 2)
    child = factories.child_row(LALANG_JAYA)
    factories.measurement_row(child, "2025-05-03", stunted=False)
    summaries_rebuild()
    area = Wilayah.objects.get(kode=MANGGAR)
    admin = factories.admin_kabupaten()
    rows, _weights = priority_ranking(user=admin, area=area, sel=selection_parse({}, area=area))
    by_kode = {r.wilayah.kode: r for r in rows}
    lalang = by_kode[LALANG_JAYA]
    assert lalang.prevalence == 0 and lalang.reason == (
        "di tengah atau di bawah rata-rata desa pada semua kriteria"
    )
    empty = [r for r in rows if r.n == 0]
    assert empty and all(r.prevalence is None for r in empty)
    for r in empty:
        assert (
            r.reason
            == "tidak ada anak yang diukur pada periode ini: tidak ada angka untuk menilainya"
        )


def test_a_ranking_of_a_period_not_over_yet_says_it_is_provisional(client):
    """The ranking defaults to the newest period, also while it runs: the lokus proposed on
    a month's first week would change with its other weeks, and nothing said so."""
    import datetime
    import io

    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    today = timezone.localdate()
    for day in (today, datetime.date(2025, 5, 1)):
        child = factories.child_row(KURNIA_JAYA)
        factories.measurement_row(child, day.isoformat(), stunted=True)
    summaries_rebuild()
    client.force_login(factories.admin_kabupaten())
    now = f"?periode=month&mulai={today.replace(day=1).isoformat()}"
    page = client.get(reverse("analytics:priority", args=[MANGGAR]) + now).content.decode()
    assert 'data-testid="period-open"' in page and "belum berakhir" in page
    sheet = client.get(reverse("analytics:priority_xlsx", args=[MANGGAR]) + now)
    first = load_workbook(io.BytesIO(sheet.content)).worksheets[0]
    assert "belum berakhir" in first.cell(1, 1).value
    may = "?periode=month&mulai=2025-05-01"
    page = client.get(reverse("analytics:priority", args=[MANGGAR]) + may).content.decode()
    assert 'data-testid="period-open"' not in page
    sheet = client.get(reverse("analytics:priority_xlsx", args=[MANGGAR]) + may)
    assert load_workbook(io.BytesIO(sheet.content)).worksheets[0].cell(1, 1).value == "Peringkat"
