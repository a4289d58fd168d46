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


def test_a_recorded_measurement_refreshes_the_summaries_once_committed(
    users, django_capture_on_commit_callbacks, today
):
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Uji")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        child = factories.child(
            user=users["desa"],
            posyandu=posyandu,
            nama="Anak",
            jenis_kelamin="L",
            tanggal_lahir=today - datetime.timedelta(days=400),
            nama_ibu="Ibu",
        )
        measurement_record(
            user=users["desa"], child=child, tanggal=today, berat=7, tinggi=68, cara_ukur="PB"
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


def test_changes_while_a_refresh_is_queued_queue_no_other(beltim, settings):
    # A posyandu day: a weighing every few seconds. The first change queues the deferred
    # refresh; the next ones, made before it is due, are read by its rebuild: nothing more is
    # queued (no row per weighing, no task run for each by the worker).
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 60
    summaries_rebuild()
    analytics_refresh_enqueue()
    [queued] = _queued()
    state = SummaryState.objects.get()
    assert state.refresh_due == queued.run_after
    first_change = state.changed_at
    assert first_change is not None
    analytics_refresh_enqueue()
    analytics_refresh_enqueue()
    assert len(_queued()) == 1
    # Still waiting since the first of them: the pages say "since" it (and that they are
    # behind once it waited too long), whatever came after.
    assert SummaryState.objects.get().changed_at == first_change


def test_changes_that_keep_coming_do_not_hide_a_refresh_that_never_ran(
    beltim, settings, client, users
):
    # A posyandu day with the worker stopped: a weighing every few seconds must not keep
    # the pages' "behind since" at the latest one, which never grows older than ten minutes.
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 60
    summaries_rebuild()
    analytics_refresh_enqueue()
    first_change = SummaryState.objects.get().changed_at
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    SummaryState.objects.update(
        rebuilt_at=long_ago,
        rebuild_from=long_ago,
        changed_at=first_change - datetime.timedelta(minutes=11),
    )
    for _ in range(3):  # later changes, the queued refresh long overdue
        SummaryState.objects.update(refresh_due=timezone.now() - datetime.timedelta(minutes=9))
        analytics_refresh_enqueue()
    state = SummaryState.objects.get()
    assert state.changed_at == first_change - datetime.timedelta(minutes=11)
    from kampungkb.analytics.selectors import summaries_freshness

    assert summaries_freshness().stale is True


def test_a_change_made_while_a_rebuild_reads_is_waiting_once_it_is_committed(beltim):
    # The rebuild began to read before the change: its summaries do not show it. The change
    # is then the first one waiting, although an earlier one (which it covers) was noted.
    from kampungkb.analytics.selectors import summaries_freshness
    from kampungkb.analytics.services import summaries_changed_note

    summaries_rebuild()
    summaries_changed_note()  # covered by the next rebuild
    started = timezone.now()
    SummaryState.objects.update(rebuild_from=started)  # what summaries_rebuild says first
    summaries_changed_note()  # made while it reads
    during = SummaryState.objects.get().changed_at
    assert during > started
    SummaryState.objects.update(rebuilt_at=started)  # what it commits at its end
    assert summaries_freshness().waiting_since == during


def test_a_rebuild_says_when_it_began_to_read(beltim):
    before = timezone.now()
    summaries_rebuild()
    state = SummaryState.objects.get()
    assert before <= state.rebuild_from == state.rebuilt_at


def test_a_change_near_or_after_the_queued_refresh_queues_its_own(beltim, settings):
    # Close to its time the queued refresh may already have started (the worker's clock
    # may be a little ahead): a change then queues a refresh of its own.
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 60
    summaries_rebuild()
    analytics_refresh_enqueue()
    SummaryState.objects.update(refresh_due=timezone.now() + datetime.timedelta(seconds=5))
    analytics_refresh_enqueue()
    assert len(_queued()) == 2
    SummaryState.objects.update(refresh_due=timezone.now() - datetime.timedelta(seconds=1))
    analytics_refresh_enqueue()
    assert len(_queued()) == 3
    # The newest is the one the next changes wait for.
    newest = max(_queued(), key=lambda q: q.run_after)
    assert SummaryState.objects.get().refresh_due == newest.run_after


def test_with_no_delay_every_change_queues_a_refresh(beltim, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY = 0
    summaries_rebuild()
    analytics_refresh_enqueue()
    analytics_refresh_enqueue()
    assert len(_queued()) == 2
    assert SummaryState.objects.get().refresh_due is None
