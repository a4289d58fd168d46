"""The summaries follow edits: each growth write queues a refresh on commit, and a request
already covered by a later rebuild is skipped."""

import datetime

from django.utils import timezone

from kampungkb.analytics.models import PrevalenceSummary, SummaryState
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.analytics.tasks import analytics_refresh, analytics_refresh_enqueue
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


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path__endswith="analytics_refresh"))


def test_a_change_queues_its_refresh_after_the_delay_on_the_workers_queue(beltim, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 60
    before = timezone.now()
    analytics_refresh_enqueue()
    [queued] = _queued()
    assert (
        before + datetime.timedelta(seconds=60)
        <= queued.run_after
        <= timezone.now() + datetime.timedelta(seconds=60)
    )


def test_with_no_delay_the_refresh_is_queued_to_run_at_once(beltim, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 0
    analytics_refresh_enqueue()
    [queued] = _queued()
    # The queue's "no time set" (django-tasks-db stores the largest date for it): due at once.
    from django_tasks_db.models import get_date_max

    assert queued.run_after == get_date_max()


def test_the_changes_of_the_delay_share_one_rebuild(beltim):
    # Requests of changes made before a rebuild started are covered by it: when they come
    # due (the delay after their change) the worker skips them; a change after it is not.
    first = timezone.now()
    second = timezone.now()
    summaries_rebuild()  # the rebuild the first request ran, the delay after it
    assert analytics_refresh.call(requested_at=second.isoformat())["skipped"] is True
    assert analytics_refresh.call(requested_at=first.isoformat())["skipped"] is True
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert "skipped" not in analytics_refresh.call(requested_at=later.isoformat())
