"""The public page speaks Indonesian: no English indicator names (issue 12.11)."""

import datetime

from django.urls import reverse

from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA


def test_the_public_page_names_every_indicator_in_indonesian(client, users, data, make_kampung):
    make_kampung(KURNIA_JAYA)
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(LALANG_JAYA, "2025-08-10", n=10, cases=1)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=5)
    summaries_rebuild()
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=datetime.date(2025, 8, 1)
    )
    client.logout()
    html = client.get(reverse("analytics_public:version", args=[publication.pk])).content.decode()
    assert "Gizi kurang/buruk (%)" in html and "BB kurang (%)" in html
    assert "Wasting" not in html and "Underweight" not in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("analytics_public:version", args=[publication.pk])).content.decode()
    assert "Wasting (%)" in html and "Underweight (%)" in html
