"""Derive the sasaran, risk factors and KRS label of family survey rounds, in bulk.

The rounds and their members are read as packed integer columns (``families.labels_read``),
given to ``families.krs.evaluate`` as arrays, and only the rounds whose labels changed (or that
were never labelled) are written back, with the rule set and the time: a round's ``rule_set``
and ``computed_at`` say which rule set last gave it its labels, and when. A recompute after a
rule change that leaves most labels as they were therefore writes few rows (each written row
costs far more than reading and evaluating it; on PostgreSQL the columns written are in no
index and under no constraint, so a round is rewritten on its page: see the model and
``docs/scale.md``). Both the import (for the rounds it wrote) and a
rule change (for every round) call :func:`labels_compute`.
It asks for an analytics refresh once the labels are committed
(``core.events.records_changed_on_commit``), so callers need not.
"""

import functools
from collections.abc import Callable, Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.bulk import column_names
from kampungkb.core.chunk_writing import WRITERS, chunk_writers, writes_can_overlap
from kampungkb.core.events import records_changed_on_commit
from kampungkb.families import krs, pgcopy
from kampungkb.families.labels_read import (
    LABEL_FIELDS,
    member_arrays,
    packed,
    pus_kb_modern,
    survey_arrays,
    survey_arrays_after,
    survey_count,
)
from kampungkb.families.models import FamilySurvey, KrsRuleSet

CHUNK = 20_000  # rounds per pass


def default_rule_set() -> KrsRuleSet | None:
    return KrsRuleSet.objects.filter(is_default=True).first()


def chunk_labels(surveys: dict[str, np.ndarray], rules: dict, *, contiguous: bool = False):
    """The labels of the rounds ``surveys`` (``labels_read.survey_arrays``), packed as bits
    of ``LABEL_FIELDS``."""
    members, families, modern = member_arrays(surveys, contiguous=contiguous)
    return labels_of(members, families, modern, rules)


def labels_of(
    members: krs.Members, families: krs.Families, modern: np.ndarray, rules: dict
) -> np.ndarray:
    """The labels of the rounds ``families`` with their ``members`` (and per member whether
    the member uses a modern method), packed as bits of ``LABEL_FIELDS``: what the recompute
    gives from the stored rows and the import from a file's rows before it writes them."""
    n = families.water.size
    out = krs.evaluate(members, families, rules)
    out["pus_kb_modern"] = (
        pus_kb_modern(members, modern, out, rules, n)
        if members.family.size
        else np.zeros(n, dtype=bool)
    )
    return packed(out)


def labels_compute(
    surveys: Iterable[int] | None = None,
    *,
    rule_set: KrsRuleSet | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store the labels of the rounds ``surveys`` (ids; ``None``: every round)
    with ``rule_set`` (default: the default rule set). Returns how many rounds were labelled.
    ``progress(done, total)`` is called after each chunk is written."""
    rule_set = rule_set or default_rule_set()
    if rule_set is None:
        return 0
    contiguous = surveys is None
    if contiguous:
        total, chunks = survey_count(), _every_round()
    else:
        ids = sorted({int(i) for i in surveys})
        total = len(ids)
        chunks = (
            survey_arrays(ids[start : start + CHUNK], contiguous=False)
            for start in range(0, total, CHUNK)
        )
    done = written_so_far = 0

    def chunk_done(_result, n: int) -> None:
        nonlocal written_so_far
        written_so_far += n
        if progress is not None:
            progress(written_so_far, max(total, written_so_far))

    # On PostgreSQL outside a transaction (a rule change's recompute), other connections
    # write each chunk while the next is read and evaluated (``core.chunk_writing``; the
    # chunks hold disjoint rounds). Inside the caller's transaction (an import), here.
    with chunk_writers(WRITERS if writes_can_overlap() else 0) as write:
        for rounds in chunks:
            n = int(rounds["id"].size)
            done += n
            changed_ids = changed_labels = rounds["id"][:0]
            if n:
                labels = chunk_labels(rounds, rule_set.rules, contiguous=contiguous)
                written = (labels != rounds["labels"]) | (rounds["fresh"] > 0)
                changed_ids, changed_labels = rounds["id"][written], labels[written]
            chunk = (changed_ids, changed_labels, rule_set)
            write(_write_chunk, *chunk, done=functools.partial(chunk_done, n=n))
    if done:
        # The KRS summaries (analytics) are built from these labels.
        records_changed_on_commit(sender="families")
    return done


def _every_round():
    """Every round in chunks of CHUNK consecutive ids (each chunk read after the previous one
    is written, so no list of every id is held)."""
    after = 0  # ids start at 1
    while (rounds := survey_arrays_after(after, CHUNK))["id"].size:
        yield rounds
        after = int(rounds["id"][-1])


def _write_chunk(ids: np.ndarray, labels: np.ndarray, rule_set: KrsRuleSet) -> None:
    """Write one chunk's changed labels in its own transaction, on the calling thread's
    connection."""
    if ids.size:
        with transaction.atomic():
            _write(ids, labels, rule_set=rule_set)


LABEL_ROWS = "_krs_label_rows"  # the temporary table of a write on PostgreSQL


def _write(ids: np.ndarray, labels: np.ndarray, *, rule_set: KrsRuleSet) -> None:
    """Write the derived columns of the rounds ``ids`` from their packed ``labels``, with the
    rule set and the time: on PostgreSQL a binary COPY of (id, packed labels) into a temporary
    table and one UPDATE joined on id that unpacks the bits; elsewhere one prepared UPDATE per
    row."""
    if not ids.size:
        return
    table = connection.ops.quote_name(FamilySurvey._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    names = column_names(FamilySurvey, LABEL_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            bits = [((labels >> i) & 1).tolist() for i in range(len(LABEL_FIELDS))]
            assignments = ", ".join(f"{c} = %s" for c in names)
            # SQLite binds ints faster than bools (bools go through the adapter lookup).
            rows = list(zip(*bits, ids.tolist(), strict=True))
            cursor.executemany(
                f"UPDATE {table} SET {assignments}, rule_set_id = {int(rule_set.pk)}, "  # noqa: S608
                f"computed_at = '{now}' WHERE id = %s",
                rows,
            )
            return
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {LABEL_ROWS} (id bigint NOT NULL, labels bigint "
            "NOT NULL)"
        )
        cursor.execute(f"TRUNCATE {LABEL_ROWS}")
        pgcopy.write_int64(cursor, LABEL_ROWS, ["id", "labels"], [ids, labels])
        cursor.execute(f"ANALYZE {LABEL_ROWS}")  # a temporary table has no statistics of its own
        assignments = ", ".join(f"{c} = (r.labels & {1 << i}) <> 0" for i, c in enumerate(names))
        cursor.execute(
            f"UPDATE {table} AS s SET {assignments}, rule_set_id = %s, "  # noqa: S608
            f"computed_at = %s FROM {LABEL_ROWS} AS r WHERE s.id = r.id",
            [rule_set.pk, now],
        )
