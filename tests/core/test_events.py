"""``records_changed_on_commit``: one signal per sender and transaction, and none lost to a
savepoint rolled back (each signal is a rebuild of every summary where tasks run at once)."""

import contextlib

import pytest
from django.db import transaction

from kampungkb.core.events import records_changed, records_changed_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    senders = []

    def receiver(sender, **kwargs):
        senders.append(sender)

    records_changed.connect(receiver, dispatch_uid="test-events")
    yield senders
    records_changed.disconnect(dispatch_uid="test-events")


def test_many_writes_of_one_transaction_send_once_per_sender(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(15):  # fifteen Kampung KB registered in one transaction
            records_changed_on_commit(sender="wilayah")
        records_changed_on_commit(sender="growth")
        with transaction.atomic():  # a savepoint that is kept
            records_changed_on_commit(sender="growth")
    assert sorted(heard) == ["growth", "wilayah"]
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        records_changed_on_commit(sender="growth")
    assert heard == ["growth"]  # a later transaction is heard again


def _undone_write(sender: str) -> None:
    """A write of ``sender`` in a savepoint that is rolled back."""
    with contextlib.suppress(RuntimeError), transaction.atomic():
        records_changed_on_commit(sender=sender)
        raise RuntimeError("this write is undone")


def test_a_signal_rolled_back_with_its_savepoint_does_not_silence_a_later_write(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _undone_write("growth")
        records_changed_on_commit(sender="growth")  # this one is committed
    assert heard == ["growth"]


def test_a_write_in_a_savepoint_rolled_back_leaves_the_outer_signal_due(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        records_changed_on_commit(sender="growth")
        _undone_write("growth")
    assert heard == ["growth"]
