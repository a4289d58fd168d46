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


def records_changed_on_commit(*, sender: str, once_per_transaction: bool = False) -> None:
    """Send :data:`records_changed` when the current transaction commits (at once outside one).

    ``sender`` names what changed (``"growth"``, ``"wilayah"``, ``"families"``) for receivers
    that care. With ``once_per_transaction``, nothing more is queued while a signal of the
    same sender is already due at this transaction's commit: for services that many writes
    of one transaction call (the TPK ones, which a seeded demo calls hundreds of times).
    """
    connection = transaction.get_connection()
    if (
        once_per_transaction
        and connection.in_atomic_block
        and any(
            getattr(func, "records_changed_sender", None) == sender and not func.sent
            for _savepoints, func, _robust in connection.run_on_commit
        )
    ):
        # Already due when this transaction commits: many writes in one transaction (a
        # seeded demo, a batch of TPK targets) send once, not once per write.
        return

    def send():
        send.sent = True
        records_changed.send(sender=sender)

    send.records_changed_sender, send.sent = sender, False
    transaction.on_commit(send)
