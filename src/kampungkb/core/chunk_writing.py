"""Chunks of a long pass written by other connections while the next chunk is read.

A recompute goes over a table a chunk at a time, each chunk written in its own transaction.
On PostgreSQL, outside a caller's transaction, threads with their own connections write the
chunks while the calling thread reads and computes the next one: the server's work of
writing and the work of reading and computing overlap instead of taking turns (the growth
recompute and the KRS labels use it).
"""

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

#: Connections writing chunks at once on PostgreSQL while the next chunk is computed: the
#: server's rewriting of rows is the slowest part, and two writers use both cores for it.
WRITERS = 2


def writes_can_overlap() -> bool:
    """Whether chunks can be written by other connections while the next one is read.

    On PostgreSQL, outside a caller's transaction (inside one, everything must be written in
    it, by this connection). Not on SQLite: measured there, the reading connection slowed
    down more than the overlap saved (it reads through the writer's fresh WAL pages, and the
    two threads share the interpreter for building rows and binding parameters).
    """
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()  # nor in a transaction opened by hand
    )


def _close_connection(barrier: threading.Barrier) -> None:
    barrier.wait()
    connection.close()


Write = Callable[..., None]


@contextlib.contextmanager
def chunk_writers(writers: int) -> Iterator[Write]:
    """Yield ``write(func, *args, done=None)``, which has ``func(*args)`` (one chunk's write,
    in its own transaction) run and then ``done(its result)`` on the calling thread, in the
    order the chunks were given.

    With ``writers`` > 0, ``func`` runs on one of ``writers`` threads, each with its own
    connection, while the caller goes on with the next chunk; at most ``writers`` writes are
    in flight (memory stays that of ``writers`` + 1 chunks). With 0 (SQLite, or inside the
    caller's transaction: ``writes_can_overlap``), at once on the caller's connection.
    Leaving waits for every write (an error of one is raised when its turn comes) and closes
    the threads' connections. The chunks must not depend on each other's writes.
    """
    if writers <= 0:

        def write_here(func, *args, done=None) -> None:
            result = func(*args)
            if done is not None:
                done(result)

        yield write_here
        return
    pool = ThreadPoolExecutor(max_workers=writers)
    in_flight: deque[tuple[Future, Callable | None]] = deque()

    def wait_for_oldest() -> None:
        future, done = in_flight.popleft()
        result = future.result()
        if done is not None:
            done(result)

    def write(func, *args, done=None) -> None:
        if len(in_flight) == writers:
            wait_for_oldest()
        in_flight.append((pool.submit(func, *args), done))

    try:
        yield write
        while in_flight:
            wait_for_oldest()
    finally:
        # Each thread has its own connection: one close per thread, the barrier making every
        # thread take exactly one (after the writes still queued, whose results are dropped
        # when the caller failed).
        barrier = threading.Barrier(writers)
        closes = [pool.submit(_close_connection, barrier) for _ in range(writers)]
        for close in closes:
            close.result()
        pool.shutdown()
