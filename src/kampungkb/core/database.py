"""What to do when the database is busy: recognise the error, tell the user, try again later.

On SQLite one writer at a time holds the database's write lock and another waits for it up to
the connection's timeout, then fails with ``OperationalError: database is locked``. PostgreSQL
fails a transaction caught in a deadlock or a serialisation conflict, and any database can drop
a connection. None of these is the user's or the task's fault: a page says "try again", a
command exits with its own code, a background task waits and tries again.
"""

import functools
import logging
import time
from collections.abc import Callable, Iterator

from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: What a user is told when the database stayed busy for too long (a page, a command).
BUSY_MESSAGE = _(
    "The database is busy saving other data (an import, perhaps). Nothing was saved; "
    "please try again in a minute."
)

# Message parts of the errors that mean "another transaction held it up" (SQLite) and of
# PostgreSQL's deadlock / serialisation failures (psycopg's SQLSTATE classes 40).
_BUSY_TEXTS = ("database is locked", "database table is locked", "deadlock detected")
_BUSY_SQLSTATES = ("40001", "40P01", "55P03")


def database_busy(exc: BaseException) -> bool:
    """Is ``exc`` the database saying it is busy (a lock held too long, a deadlock)?"""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc).lower()
    return any(part in text for part in _BUSY_TEXTS)


def database_unavailable(exc: BaseException) -> bool:
    """Is ``exc`` a database error worth waiting out: busy, or a lost connection?"""
    return isinstance(exc, (OperationalError, InterfaceError))


def backoff_delays(*, base: float = 1.0, cap: float = 60.0) -> Iterator[float]:
    """Seconds to wait before each next try: ``base``, doubling, never more than ``cap``.

    >>> import itertools
    >>> list(itertools.islice(backoff_delays(base=1, cap=5), 5))
    [1, 2, 4, 5, 5]
    """
    delay = base
    while True:
        yield min(delay, cap)
        delay = min(delay * 2, cap)


def connections_reset() -> None:
    """Close every connection outside a transaction, so the next query opens a fresh one
    (after a dropped connection, or to let go of a SQLite snapshot)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            try:
                conn.close()
            except DatabaseError:
                logger.warning("closing a broken database connection failed", exc_info=True)


def retry_when_unavailable(
    *,
    attempts: int = 6,
    base: float = 1.0,
    cap: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
):
    """Decorate a background job: when the database is busy or its connection lost, wait
    (``base`` seconds, doubling up to ``cap``) and run it again, ``attempts`` times in all;
    the last error is raised. The job must be safe to run again (each of ours is)."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            delays = backoff_delays(base=base, cap=cap)
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except DatabaseError as exc:
                    if not database_unavailable(exc) or attempt == attempts:
                        raise
                    delay = next(delays)
                    logger.warning(
                        "%s: database unavailable (%s); try %d of %d in %.0f s",
                        func.__name__,
                        exc,
                        attempt + 1,
                        attempts,
                        delay,
                    )
                    connections_reset()
                    sleep(delay)
            raise AssertionError("unreachable")  # pragma: no cover

        return run

    return decorate


def once_more_after_a_race(write):
    """Decorate a service whose write runs in its own transaction (``transaction.atomic``,
    applied inside this decorator) after checking that no row already holds its unique values
    (one weighing a child a day, one NIK a child): when the database refuses the write anyway,
    another request stored such a row between the check and the write (PostgreSQL lets both
    check before either writes: a double tap, two phones), so run it once more. Its checks
    then see that row and answer as they would have a moment later (a correction, "this NIK is
    taken"). Inside a caller's transaction, which the refusal has broken, the error is raised.
    """

    @functools.wraps(write)
    def run(*args, **kwargs):
        try:
            return write(*args, **kwargs)
        except IntegrityError:
            if transaction.get_connection().in_atomic_block:
                raise
            return write(*args, **kwargs)

    return run
