"""The summaries follow edits: each growth write queues a refresh on commit, and a request
already covered by a later rebuild is skipped."""

import datetime

from django.utils import timezone

from kampungkb.analytics.models import PrevalenceSummary, SummaryState
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.analytics.tasks import analytics_refresh
from kampungkb.growth.services import measurement_record
from tests import factories
from tests.conftest import KURNIA_JAYA

TODAY = datetime.date.today()


def test_a_recorded_measurement_refreshes_the_summaries_once_committed(
    users, django_capture_on_commit_callbacks
):
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Uji")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        child = factories.child(
            user=users["desa"],
            posyandu=posyandu,
            nama="Anak",
            jenis_kelamin="L",
            tanggal_lahir=TODAY - datetime.timedelta(days=400),
            nama_ibu="Ibu",
        )
        measurement_record(
            user=users["desa"], child=child, tanggal=TODAY, berat=7, tinggi=68, cara_ukur="PB"
        )
    assert callbacks  # the refresh was queued on commit, not run inside the transaction
    assert SummaryState.objects.get().n_measurements == 1
    stunting = PrevalenceSummary.objects.filter(
        wilayah_kode=KURNIA_JAYA, indicator="stunting", cases=1
    )
    assert stunting.exists()


def test_a_refresh_request_older_than_the_last_rebuild_is_skipped(beltim):
    asked = timezone.now()
    summaries_rebuild()
    result = analytics_refresh.call(requested_at=asked.isoformat())
    assert result["skipped"] is True
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert "skipped" not in analytics_refresh.call(requested_at=later.isoformat())
