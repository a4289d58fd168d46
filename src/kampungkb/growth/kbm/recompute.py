"""Recompute every stored measurement after a change of WHO tables, engine or KBM rules.

The per-child service path (``services.measurements_recompute_child``) builds model objects and
saves them with ``bulk_update``; that is right for one child and far too slow for a district.
Here the children are gone over a chunk at a time (so memory stays bounded): each chunk is read
and computed by ``recompute_rows`` with the same vectorised functions as the service path, and
only the rows whose digest changes are written back by ``recompute_write`` (rows where only the
KBM table changes get just that). Each chunk is one transaction; on PostgreSQL two more
connections write chunks while the next one is read and computed.

The values written are exactly those of the service path (same functions, same conversions);
``tests/growth/test_recompute.py`` checks it."""

import functools
import gc
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.chunk_writing import WRITERS, chunk_writers, writes_can_overlap
from kampungkb.growth.kbm.recompute_rows import changed_rows, chunk_read
from kampungkb.growth.kbm.recompute_write import write_computed
from kampungkb.growth.kbm.selectors import default_kbm
from kampungkb.growth.models import Measurement
from kampungkb.growth.services import analytics_refresh_on_commit


@dataclass(frozen=True)
class RecomputeResult:
    rows: int  # rows read (a row read again by a sweep for stale KBM tables counts again)
    children: int
    seconds: float
    written: int = 0  # rows whose computed values changed, written whole
    relabelled: int = 0  # rows where only the KBM table (and computed_at) was written

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else math.inf


def _child_chunks(child_ids: list[int], size: int):
    for i in range(0, len(child_ids), size):
        chunk = child_ids[i : i + size]
        yield chunk[0], chunk[-1], len(chunk)


def _write_chunk(
    changed: list[tuple], relabel: list[tuple], table_id, now, children
) -> tuple[int, int]:
    """Write one chunk in its own transaction, on the calling thread's connection."""
    with transaction.atomic():
        return write_computed(
            changed, table_id=table_id, now=now, children=children, relabel=relabel
        )


#: Children per chunk (a transaction each): about 15,000-20,000 rows of two years of monthly
#: weighings, small enough for the writing of one chunk to overlap the computing of the next.
DEFAULT_BATCH_CHILDREN = 1000


def measurements_recompute_all(
    *,
    batch_children: int = DEFAULT_BATCH_CHILDREN,
    children=None,
    kbm=None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Recompute the derived columns of every stored measurement (or of ``children`` only).

    ``batch_children`` children are read, computed and written per transaction; ``kbm`` is a
    ``(KBMTable, KBMRule)`` pair and defaults to the default table; ``progress`` is called
    with (rows done, children done) after each chunk is written.

    The digest of the stored computed values is read along with the raw ones, and only rows
    whose computed values differ from it are written (with the new ``computed_at``); rows
    where only the KBM table differs get just that and ``computed_at``; the others are left
    as they are, so ``computed_at`` is when a row's values last changed. ``force`` writes
    every row, for stored values changed behind the application's back (by hand, in SQL),
    which their digests do not show.

    On PostgreSQL outside a transaction, chunks are written by ``WRITERS`` threads (each with
    its own connection, each chunk its own transaction) while this one reads and computes the
    next: the database's work of writing and the work here of computing overlap instead of
    taking turns. Chunks hold disjoint children, and a child's growth codes depend only on
    that child's rows, so the order of the writes does not matter. Inside a caller's
    transaction every chunk is written here, in that transaction.

    Rows left with another KBM table when the pass ends (written meanwhile by an import that
    began before a switch of the default table) are gone over again, up to
    ``STALE_SWEEPS`` times.
    """
    started = time.perf_counter()
    table, rule = kbm if kbm is not None else default_kbm()
    table_id = table.pk if table is not None else None
    measurements = Measurement.objects.all()
    if children is not None:
        measurements = measurements.filter(child__in=children)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    totals = {"rows": 0, "children": 0, "written": 0, "relabelled": 0}

    def done(n_rows: int, n_children: int, counts: tuple[int, int]) -> None:
        totals["rows"] += n_rows
        totals["children"] += n_children
        totals["written"] += counts[0]
        totals["relabelled"] += counts[1]
        if progress is not None:
            progress(totals["rows"], totals["children"])

    # Each chunk makes a few million tuples and values that live until it is written; the
    # cyclic collector would scan them again and again (they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        child_ids = _child_ids(measurements)
        for sweep in range(1 + STALE_SWEEPS):
            _recompute_children(
                measurements, child_ids, batch_children, rule, table_id, now, force, done
            )
            # Rows another write computed with an earlier default table while this ran (an
            # import that started before the switch and committed after its children were
            # read): go over their children again, until there are none.
            if children is not None or table_id is None or sweep == STALE_SWEEPS:
                break
            child_ids = _child_ids(measurements.exclude(kbm_table_id=table_id))  # NULL too
            if not child_ids:
                break
    finally:
        if collecting:
            gc.enable()
    if totals["written"] or totals["relabelled"]:
        analytics_refresh_on_commit()
    return RecomputeResult(
        rows=totals["rows"],
        children=totals["children"],
        seconds=time.perf_counter() - started,
        written=totals["written"],
        relabelled=totals["relabelled"],
    )


#: Passes over the children left with rows of another KBM table after the main pass.
STALE_SWEEPS = 2


def _child_ids(measurements) -> list[int]:
    return list(measurements.order_by("child_id").values_list("child_id", flat=True).distinct())


def _recompute_children(measurements, child_ids, batch_children, rule, table_id, now, force, done):
    """One pass over ``child_ids``: read, compute and write chunk by chunk, calling
    ``done(rows, children, (written, relabelled))`` after each chunk is written (in order)."""
    with chunk_writers(WRITERS if writes_can_overlap() else 0) as write:
        for low, high, n_children in _child_chunks(child_ids, max(1, batch_children)):
            raw = chunk_read(measurements, low, high)
            changed, relabel = changed_rows(raw, rule=rule, table_id=table_id, force=force)
            chunk = (changed, relabel, table_id, now, (low, high))
            write(_write_chunk, *chunk, done=functools.partial(done, len(raw), n_children))
