"""The analytics pages say when the summaries are behind the records: a change has waited too
long for its refresh, or the refresh failed; a refresh that meets a busy database waits and
tries again."""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from kampungkb.analytics.models import SummaryState
from kampungkb.analytics.selectors import summaries_freshness
from kampungkb.analytics.services import summaries_failure_note, summaries_rebuild
from kampungkb.core.database import retry_when_unavailable
from kampungkb.growth.services import measurement_record
from tests import factories
from tests.conftest import KURNIA_JAYA, MANGGAR

NOTICE = 'data-testid="summaries-stale"'


def _minutes_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=n)


def _pages():
    return [
        reverse("analytics:area", args=["19.06"]),
        reverse("analytics:priority", args=["19.06"]),
        reverse("analytics:publications"),
    ]


def test_a_change_older_than_ten_minutes_without_a_rebuild_is_said_on_every_analytics_page(
    client, users
):
    summaries_rebuild()
    SummaryState.objects.filter(pk=1).update(
        rebuilt_at=_minutes_ago(30), changed_at=_minutes_ago(11)
    )
    client.force_login(users["admin"])
    for url in _pages():
        page = client.get(url).content.decode()
        assert NOTICE in page, url
        assert "belum termasuk" in page  # "newer data is not included yet"


def test_a_recent_change_or_one_the_last_rebuild_covers_is_not_a_notice(client, users):
    summaries_rebuild()
    client.force_login(users["admin"])
    SummaryState.objects.filter(pk=1).update(
        rebuilt_at=_minutes_ago(30), changed_at=_minutes_ago(2)
    )
    assert NOTICE not in client.get(_pages()[0]).content.decode()
    SummaryState.objects.filter(pk=1).update(
        rebuilt_at=_minutes_ago(5), changed_at=_minutes_ago(60)
    )
    assert NOTICE not in client.get(_pages()[0]).content.decode()


PENDING = 'data-testid="summaries-pending"'


def test_a_recent_change_still_waiting_for_its_refresh_is_said_quietly(client, users):
    # The refresh waits a little after a change (KAMPUNGKB_SUMMARY_REFRESH_DELAY) so that a
    # posyandu day's weighings share one rebuild: meanwhile a user who has just entered data
    # is told it is on its way, not left wondering why the figures did not move.
    summaries_rebuild()
    client.force_login(users["admin"])
    changed = _minutes_ago(1)
    SummaryState.objects.filter(pk=1).update(rebuilt_at=_minutes_ago(30), changed_at=changed)
    for url in _pages():
        page = client.get(url).content.decode()
        assert PENDING in page and NOTICE not in page, url
        assert "sedang ditambahkan" in page
        assert timezone.localtime(changed).strftime("%H:%M") in page
    # Covered by a rebuild: nothing to say.
    SummaryState.objects.filter(pk=1).update(rebuilt_at=_minutes_ago(0))
    assert PENDING not in client.get(_pages()[0]).content.decode()
    # Late: the warning takes the place of the quiet line.
    SummaryState.objects.filter(pk=1).update(
        rebuilt_at=_minutes_ago(30), changed_at=_minutes_ago(11)
    )
    page = client.get(_pages()[0]).content.decode()
    assert NOTICE in page and PENDING not in page


def test_a_refresh_that_failed_after_the_last_rebuild_is_said_at_once(client, users):
    summaries_rebuild()
    SummaryState.objects.filter(pk=1).update(changed_at=timezone.now(), failed_at=timezone.now())
    assert summaries_freshness().stale
    client.force_login(users["kecamatan"])
    page = client.get(reverse("analytics:area", args=[MANGGAR])).content.decode()
    assert NOTICE in page and "gagal" in page  # "failed"


def test_a_committed_change_is_noted_and_the_refresh_that_follows_covers_it(
    users, django_capture_on_commit_callbacks, today
):
    summaries_rebuild()
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Uji")
    # Committed before the weighing (its signal sent), as a registration is in real life:
    # within one transaction a signal already due covers the changes after it.
    with django_capture_on_commit_callbacks(execute=True):
        child = factories.child(
            user=users["desa"],
            posyandu=posyandu,
            nama="Anak",
            jenis_kelamin="L",
            tanggal_lahir=today - datetime.timedelta(days=400),
            nama_ibu="Ibu",
        )
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(
            user=users["desa"], child=child, tanggal=today, berat=7, tinggi=68, cara_ukur="PB"
        )
    state = SummaryState.objects.get()
    assert state.changed_at is not None and state.rebuilt_at >= state.changed_at
    assert not summaries_freshness(now=timezone.now() + datetime.timedelta(hours=1)).stale


def test_a_failed_refresh_is_recorded_with_its_reason(beltim):
    summaries_rebuild()
    summaries_failure_note(error=OperationalError("database is locked"))
    state = SummaryState.objects.get()
    assert state.failure == "OperationalError: database is locked"
    assert summaries_freshness().failed_at == state.failed_at
    assert summaries_freshness().stale


def test_a_job_that_meets_a_busy_database_waits_longer_each_time_and_then_succeeds():
    waits, calls = [], []

    @retry_when_unavailable(attempts=4, base=1, cap=3, sleep=waits.append)
    def job():
        calls.append(1)
        if len(calls) < 4:
            raise OperationalError("database is locked")
        return "done"

    assert job() == "done"
    assert waits == [1, 2, 3]


def test_a_job_still_failing_after_its_last_try_raises_and_other_errors_are_not_retried():
    waits = []

    @retry_when_unavailable(attempts=2, base=1, sleep=waits.append)
    def locked():
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        locked()
    assert waits == [1]

    @retry_when_unavailable(attempts=3, sleep=waits.append)
    def wrong():
        raise ValueError("a bug, not the database")

    with pytest.raises(ValueError, match="a bug"):
        wrong()
    assert waits == [1]
