"""Two rebuilds of the summaries at once (two workers, or ``kampungkb rebuild_analytics`` run
while the worker rebuilds) leave one set of summaries and fail neither."""

import datetime
import threading

import pytest
from django.db import connection

from kampungkb.analytics import services
from kampungkb.analytics.models import KrsSummary, PrevalenceSummary, QualitySummary, TpkSummary
from kampungkb.analytics.services import summaries_rebuild
from tests.conftest import KURNIA_JAYA, LALANG_JAYA

TABLES = (PrevalenceSummary, QualitySummary, KrsSummary, TpkSummary)


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.mark.django_db(transaction=True)
def test_two_rebuilds_at_once_on_postgresql_leave_one_set_of_summaries(data, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time: the second waits for the first")
    data.many(KURNIA_JAYA, datetime.date(2025, 8, 10), n=5, cases=2)
    data.many(LALANG_JAYA, datetime.date(2025, 8, 10), n=3, cases=1)
    summaries_rebuild()
    once = _counts()
    assert once["PrevalenceSummary"] > 0

    # Both have read the records before either replaces the summaries.
    both_read = threading.Barrier(2, timeout=60)
    build_tpk_rows = services.build_tpk_rows

    def read_then_wait():
        rows = build_tpk_rows()
        both_read.wait()
        return rows

    monkeypatch.setattr(services, "build_tpk_rows", read_then_wait)
    errors = []

    def run():
        try:
            summaries_rebuild()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert _counts() == once


def test_a_rebuild_older_than_the_one_saved_says_it_wrote_nothing(data):
    """The rebuild that read the records first, saved second, drops its summaries: the
    command said "rebuilt from N measurements" all the same, and the worker's task result
    counted rows it had not written."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from kampungkb.analytics.models import SummaryState
    from kampungkb.analytics.tasks import _refresh

    data.many(KURNIA_JAYA, datetime.date(2025, 8, 10), n=5, cases=2)
    summaries_rebuild()
    before = _counts()
    # Saved meanwhile by a rebuild that read the records after this one does.
    SummaryState.objects.filter(pk=1).update(
        rebuilt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    data.many(LALANG_JAYA, datetime.date(2025, 8, 10), n=3, cases=1)

    out = StringIO()
    call_command("rebuild_analytics", stdout=out)
    assert "Tidak ada yang ditulis" in out.getvalue()
    assert "pengukuran" not in out.getvalue()
    assert _refresh.__wrapped__("") == {"skipped": True}
    assert _counts() == before
