"""The import service: store an e-PPGBM file all at once or not at all.

A file is read and checked as a whole (``dry_run`` stops there: the preview), then written
with bulk statements in one transaction. Reading, matching and planning run outside any
transaction, so a preview or a long file never holds SQLite's write lock; the write
transaction is short and plans again inside itself only when the records the plan read have
changed meanwhile (``guard``). The steps, each in its own module: ``rows`` reads
each row into typed values and ``wilayah`` finds its desa; ``matching`` finds each row's child
(by NIK, else by ``child_match_key``) and checks the row against it; ``planning`` decides what
to create, update and recompute, and computes it; ``writing`` writes it in bulk.
"""

import gc
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.database import BUSY_MESSAGE, database_busy
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit
from kampungkb.growth.importing.guard import imports_serialise, records_mark
from kampungkb.growth.importing.matching import ChildMatcher, duplicates_find
from kampungkb.growth.importing.parse import ImportFileError, Table, read_table
from kampungkb.growth.importing.places import PosyanduChoices
from kampungkb.growth.importing.planning import ImportPlan, import_plan
from kampungkb.growth.importing.rows import Row, RowError, rows_read
from kampungkb.growth.importing.wilayah import WilayahIndex
from kampungkb.growth.importing.writing import PreparedRows, import_write, rows_prepare
from kampungkb.growth.kbm.selectors import default_kbm
from kampungkb.growth.models import ImportBatch
from kampungkb.growth.services import analytics_refresh_on_commit

__all__ = [
    "ImportBusyError",
    "ImportFileError",
    "ImportResult",
    "PosyanduChoices",
    "file_sha256",
    "measurements_import",
]


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    file_name: str
    sha256: str
    dry_run: bool
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    n_rows: int = 0
    n_created: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    n_rejected: int = 0
    n_children_created: int = 0
    n_children_updated: int = 0
    n_posyandu_created: int = 0
    n_puskesmas_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    rejected_cells: Mapping[int, list] = field(default_factory=dict)  # read when asked for
    # Posyandu names matching none of their desa and waiting for a decision (nothing is saved
    # while there are any), the posyandu the import makes, and decisions naming no posyandu of
    # the desa: see ``places``.
    posyandu_unknown: list[dict] = field(default_factory=list)
    posyandu_new: list[dict] = field(default_factory=list)
    posyandu_bad_choices: list[dict] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def changes_anything(self) -> bool:
        return bool(self.n_created or self.n_updated or self.n_children_created)

    @property
    def waits_for_posyandu(self) -> bool:
        """Whether unknown posyandu names keep the import from being saved."""
        return bool(self.posyandu_unknown)

    def reasons_by_row(self) -> dict[int, list[RowError]]:
        out: dict[int, list[RowError]] = {}
        for error in self.errors:
            out.setdefault(error.row, []).append(error)
        return out

    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in (
                "n_rows", "n_created", "n_updated", "n_unchanged", "n_rejected",
                "n_children_created", "n_children_updated", "n_posyandu_created",
                "n_puskesmas_created",
            )
        }  # fmt: skip

    def report(self) -> dict:
        """The result as JSON-ready data (what ImportBatch.report keeps)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            **self.counts(),
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors],
            "warnings": self.warnings,
            "duplicates": self.duplicates,
            "posyandu_unknown": self.posyandu_unknown,
            "posyandu_new": self.posyandu_new,
        }


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows_read(table: Table, user) -> tuple[list[Row], WilayahIndex]:
    """Read every row of ``table`` and find its desa inside the user's area (or reject it)."""
    rows = rows_read(table)
    places = WilayahIndex(user=user)
    for row in rows:
        resolved = places.resolve(row.kec, row.desa)
        if resolved.kode is None:
            row.reject(table, resolved.column, resolved.reason)
        else:
            row.desa_kode = resolved.kode
    return rows, places


def _no_progress(stage: str) -> None:
    return None


class ImportBusyError(Exception):
    """The database stayed busy (other writers, or data that kept changing under the import):
    nothing was saved; trying again later is the answer."""


def measurements_import(
    *,
    user,
    path,
    dry_run: bool = False,
    file_name: str = "",
    progress: Callable[[str], None] | None = None,
    posyandu: PosyanduChoices | None = None,
) -> ImportResult:
    """Check an e-PPGBM file and, unless ``dry_run``, store its valid rows.

    ``user`` is the acting user (``None``: the system, whole country). Rows outside the
    user's area are rejected. Raises :class:`ImportFileError` when the file cannot be read
    at all, PermissionDenied when the user may not edit records, and
    :class:`ImportBusyError` when the write could not get its turn. ``progress`` is called
    with ``"planned"`` once the rows are checked and planned, then with a stage name after
    each write step (a seam for progress output and tests).
    ``posyandu`` holds the importer's decisions for posyandu names that match none of their
    desa; while one such name has none, nothing is saved (``result.waits_for_posyandu``).
    """
    path = Path(path)
    # Read the file before touching the database: an unreadable file is the caller's error,
    # found without opening a connection or holding a write lock.
    table = read_table(path)
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("You may not change records of this area."))
    progress = progress or _no_progress
    source = _Source(
        user=user,
        path=path,
        table=table,
        file_name=file_name,
        sha256=file_sha256(path),
        posyandu=posyandu,
    )
    # A large file makes hundreds of thousands of small objects that all live until the end;
    # the cyclic collector would scan them again and again (a third of the time at 100k rows).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if dry_run:
            # No transaction: on SQLite any transaction takes the write lock.
            return _planned(source, dry_run=True).result
        return _commit(source, progress)
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Source:
    user: object
    path: Path
    table: Table
    file_name: str
    sha256: str
    posyandu: PosyanduChoices | None = None


@dataclass
class _Planned:
    result: ImportResult
    plan: ImportPlan
    matched: ChildMatcher
    prepared: PreparedRows | None = None


#: Times an import plans outside the write lock; when the records changed again under the
#: last of these plans, it plans once more inside the write transaction (slow for the other
#: writers, but the import ends).
PLANS_OUTSIDE = 3


class _RecordsChanged(Exception):
    """The records a plan read changed before its write: plan again, outside the lock."""


def _commit(source: _Source, progress) -> ImportResult:
    """Plan outside any transaction, then write in a short one; when what the plan read has
    changed meanwhile (another import of the same file, an edit), let go of the lock and plan
    again (``PLANS_OUTSIDE`` times, then inside the transaction)."""
    for attempt in range(1, PLANS_OUTSIDE + 1):
        last = attempt == PLANS_OUTSIDE
        mark = records_mark()
        planned = _planned(source, dry_run=False)
        if not planned.result.changes_anything or planned.result.waits_for_posyandu:
            progress("planned")
            return planned.result
        planned.prepared = rows_prepare(planned.plan, planned.matched)
        progress("planned")
        try:
            with transaction.atomic():
                imports_serialise()
                if records_mark() != mark:
                    if not last:
                        raise _RecordsChanged
                    planned = _planned(source, dry_run=False)
                    planned.prepared = rows_prepare(planned.plan, planned.matched)
                if planned.result.changes_anything and not planned.result.waits_for_posyandu:
                    _write(planned, source, progress)
            return planned.result
        except _RecordsChanged:
            continue
        except IntegrityError:
            # Another writer stored a row of this file between our check and our write
            # (PostgreSQL lets writers other than imports run meanwhile): plan again.
            if last:
                raise ImportBusyError(
                    _(
                        "The records changed while the file was being saved, so nothing was "
                        "saved. Please save it again."
                    )
                ) from None
        except OperationalError as exc:
            if database_busy(exc):
                raise ImportBusyError(str(BUSY_MESSAGE)) from exc
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _planned(source: _Source, *, dry_run: bool) -> _Planned:
    """Read, match and plan the file; the result counts what the plan would write."""
    user, table = source.user, source.table
    result = ImportResult(
        file_name=source.file_name or source.path.name,
        sha256=source.sha256,
        dry_run=dry_run,
        headers=table.headers,
        header_row=table.header_row,
    )
    rows, index = _rows_read(table, user)
    matched = ChildMatcher(table=table, index=index, posyandu=source.posyandu)
    matched.match(rows)
    plan = import_plan(matched, table=table, kbm=default_kbm(), user=user, keep=not dry_run)
    result.n_created = plan.n_created
    result.n_updated = plan.n_updated
    result.n_unchanged = plan.n_unchanged
    result.n_children_created = sum(1 for s in matched.slots if s.is_new)
    result.n_children_updated = len(plan.children_to_update)
    result.n_posyandu_created = len(matched.places.new_posyandu)
    result.n_puskesmas_created = len(matched.places.new_puskesmas)
    result.posyandu_unknown = matched.places.unknown_list(index.names)
    result.posyandu_new = matched.places.new_list(index.names)
    result.posyandu_bad_choices = [
        {"desa_kode": desa, "key": key, "pk": pk} for desa, key, pk in matched.places.bad_mapped
    ]
    result.warnings.extend(plan.warnings)
    result.duplicates.extend(duplicates_find(matched.slots, names=index.names))
    rejected = [r for r in rows if r.errors]
    result.n_rows = len(rows)
    result.n_rejected = len(rejected)
    result.errors = [e for r in rejected for e in r.errors]
    result.rejected_cells = table.cells_of(r.number for r in rejected)
    result.duplicates.sort(key=lambda d: d["row"])
    result.warnings.sort(key=lambda w: w["row"])
    return _Planned(result=result, plan=plan, matched=matched)


def _write(planned: _Planned, source: _Source, progress) -> None:
    """Write the plan inside the caller's transaction; record the batch and its audit."""
    result, user = planned.result, source.user
    batch = import_write(
        planned.plan,
        planned.matched,
        user=user,
        counts=result.counts(),
        file_name=result.file_name,
        sha256=result.sha256,
        progress=progress,
        prepared=planned.prepared,
    )
    result.batch = batch
    batch.report = result.report()
    batch.save(update_fields=["report"])
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=batch,
        wilayah_kode=batch.wilayah_kode,
        changes={"file_name": batch.file_name, "sha256": result.sha256, **result.counts()},
    )
    analytics_refresh_on_commit()
