"""Signals through which a lower layer tells the layers above that something happened, without
importing them.

Growth and wilayah write the records the analytics summaries are built from; the analytics app
listens (``AnalyticsConfig.ready``) and queues a rebuild. This is the one named entry point for
"a write must refresh the analytics" (docs/architecture.md, deliberate exceptions).
"""

from django.db import transaction
from django.dispatch import Signal

#: Sent once a transaction that changed measurements, children or the Kampung KB registry has
#: committed. Receivers must be cheap (queue work, do not do it).
records_changed = Signal()


def records_changed_on_commit(*, sender: str) -> None:
    """Send :data:`records_changed` when the current transaction commits (at once outside one).

    ``sender`` names what changed (``"growth"``, ``"wilayah"``, ``"families"``) for receivers
    that care. Once per sender and transaction: nothing more is queued while a signal of the
    same sender is already due at this transaction's commit, however many writes of the
    transaction call this (a seeded demo: hundreds of TPK writes, fifteen Kampung KB; each
    signal meant a rebuild of every summary where tasks run at once). A signal queued inside
    a savepoint that is rolled back is dropped with it, before any later write can rely on
    it; one that stays due was queued in a savepoint still open around the later write, or
    in one already released, so it is committed or rolled back with that write. (A test run
    in one transaction must let its setup's signals run, ``django_capture_on_commit_callbacks
    (execute=True)``, before it expects a later write of the same sender to queue one.)
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "records_changed_sender", None) == sender and not func.sent
        for _savepoints, func, _robust in connection.run_on_commit
    ):
        return

    def send():
        send.sent = True
        records_changed.send(sender=sender)

    send.records_changed_sender, send.sent = sender, False
    transaction.on_commit(send)
