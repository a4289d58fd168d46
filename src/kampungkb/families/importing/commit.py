"""The import service: store a family-survey file all at once or not at all.

``families_import`` reads every row (``columns``: a column at a time, by ``rows``'s rules),
finds its desa inside the user's area (growth's ``WilayahIndex``: a row of another area is
rejected with a neutral reason), groups the rows into survey rounds and reports the
family-level conflicts and a NIK in two families (``planning``), links the children among the
members to growth (``linking``), writes the new and changed rounds with their labels
(``writing``: computed from the rows in memory as ``families.labels.labels_compute`` computes
them from the stored rows), in one transaction. Reading and checking run before it; a dry run
(the preview) stops there and labels the rounds in memory (``preview``: the same rule, the same
arrays), writing nothing. Importing the same file again changes nothing.
"""

import gc
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.database import BUSY_MESSAGE, database_busy
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.lookups import keys_in
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit
from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import covered_kode
from kampungkb.families import krs
from kampungkb.families.importing.columns import rows_read
from kampungkb.families.importing.linking import children_link
from kampungkb.families.importing.parse import ImportFileError, read_rows
from kampungkb.families.importing.planning import (
    rounds_compare,
    rounds_existing,
    rounds_group,
    rounds_nik_stored_elsewhere,
    rows_beside_rejected,
)
from kampungkb.families.importing.preview import rounds_factors
from kampungkb.families.importing.rows import MemberRow, RowError
from kampungkb.families.importing.writing import families_write, rounds_write
from kampungkb.families.labels import default_rule_set
from kampungkb.families.models import FamilyImportBatch, FamilySurvey
from kampungkb.families.reasons import factor_reasons
from kampungkb.growth.importing.commit import file_sha256
from kampungkb.growth.importing.wilayah import WilayahIndex

__all__ = ["FamilyImportBusyError", "FamilyImportResult", "ImportFileError", "families_import"]

LISTED_KRS = 200  # KRS rounds listed with their reasons in the result; the counts have all
COUNTS = (
    "n_rows", "n_rejected", "n_families", "n_rounds_created", "n_rounds_updated",
    "n_rounds_unchanged", "n_members", "n_krs", "n_linked",
)  # fmt: skip


@dataclass
class FamilyImportResult:
    """What an import did (or, for a dry run, would do)."""

    file_name: str
    sha256: str
    dry_run: bool
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    n_rows: int = 0
    n_rejected: int = 0
    n_families: int = 0
    n_rounds_created: int = 0
    n_rounds_updated: int = 0
    n_rounds_unchanged: int = 0
    n_members: int = 0
    n_krs: int = 0
    n_linked: int = 0
    errors: list[RowError] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    link_conflicts: list[dict] = field(default_factory=list)
    ambiguous: list[dict] = field(default_factory=list)
    krs: list[dict] = field(default_factory=list)
    # Kept rows of the families with a rejected row: written out with the rejected rows.
    beside_rejected: list[int] = field(default_factory=list)
    batch: FamilyImportBatch | None = None

    @property
    def rejected_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    @property
    def changes_anything(self) -> bool:
        return bool(self.n_rounds_created or self.n_rounds_updated)

    def reasons_by_row(self) -> dict[int, list[RowError]]:
        out: dict[int, list[RowError]] = {}
        for error in self.errors:
            out.setdefault(error.row, []).append(error)
        return out

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNTS}

    def report(self) -> dict:
        """The result as JSON-ready data (what FamilyImportBatch.report keeps)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            **self.counts(),
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors],
            "conflicts": self.conflicts,
            "link_conflicts": self.link_conflicts,
            "ambiguous": self.ambiguous,
            "krs": self.krs,
        }


class FamilyImportBusyError(Exception):
    """The database stayed busy (another writer, or families written meanwhile by another
    import): nothing was saved; try again."""


def families_import(
    *, user, path, dry_run: bool = False, file_name: str = ""
) -> FamilyImportResult:
    """Check a family-survey file and, unless ``dry_run``, store its valid rows.

    ``user`` is the acting user (``None``: the system, the whole country); rows outside the
    user's area are rejected. Raises :class:`ImportFileError` when the file cannot be read at
    all, PermissionDenied when the user may not edit records and
    :class:`FamilyImportBusyError` when the write could not get its turn.
    """
    path = Path(path)
    table = read_rows(path)  # an unreadable file is found before the database is touched
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("You may not change records of this area."))
    result = FamilyImportResult(
        file_name=(file_name or path.name)[:255],
        sha256=file_sha256(path),
        dry_run=dry_run,
        headers=table.headers,
        header_row=table.header_row,
    )
    # Hundreds of thousands of small objects live until the end: do not let the cyclic
    # collector scan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Reading, checking and the preview run outside any transaction: on SQLite any
        # transaction takes the write lock, and a preview writes nothing.
        index = WilayahIndex(user=user)
        rows = rows_read(table, index)
        if dry_run:
            rounds, _families = _plan(result, rows, table=table, index=index)
            _krs_preview(result, rounds, index)
            return result
        try:
            with transaction.atomic():
                rounds, families = _plan(result, rows, table=table, index=index)
                _write(result, rounds, families, index=index, user=user)
        except IntegrityError as exc:  # a family another import wrote meanwhile
            raise FamilyImportBusyError(str(BUSY_MESSAGE)) from exc
        except OperationalError as exc:
            if database_busy(exc):
                raise FamilyImportBusyError(str(BUSY_MESSAGE)) from exc
            raise
    finally:
        if collecting:
            gc.enable()
    return result


def _plan(result: FamilyImportResult, rows: list[MemberRow], *, table, index):
    """Group, check against the stored families, link and compare; fill in the counts."""
    rounds, result.conflicts = rounds_group(rows, table=table)
    rounds, families = rounds_existing(rounds, table=table)
    rounds = rounds_nik_stored_elsewhere(rounds, table=table)
    links = children_link(rounds, index=index)
    rounds_compare(rounds, families)
    result.link_conflicts, result.ambiguous = links["conflicts"], links["ambiguous"]
    result.n_linked = len(links["linked"])
    result.n_rows = len(rows)
    result.errors = [e for r in rows if r.errors for e in r.errors]
    result.n_rejected = sum(1 for r in rows if r.errors)
    result.beside_rejected = rows_beside_rejected(rows, rounds)
    result.n_families = len({r.no_kk for r in rounds})
    result.n_members = sum(len(r.rows) for r in rounds)
    states = [r.state for r in rounds]
    result.n_rounds_created = states.count("new")
    result.n_rounds_updated = states.count("updated")
    result.n_rounds_unchanged = states.count("unchanged")
    return rounds, families


def _write(result: FamilyImportResult, rounds, families: dict, *, index, user) -> None:
    if not result.changes_anything:
        _krs_list(result, rounds, index)
        return
    families_write([r for r in rounds if r.state != "unchanged"], families)
    rounds_write(rounds, rule_set=default_rule_set(), user=user)
    _krs_list(result, rounds, index)
    area = "" if user is None else (covered_kode(user) or "")
    batch = FamilyImportBatch.objects.create(
        file_name=result.file_name,
        sha256=result.sha256,
        imported_by=user if getattr(user, "pk", None) else None,
        wilayah_kode=area,
        n_rows=result.n_rows,
        n_rejected=result.n_rejected,
        report=result.report(),
    )
    result.batch = batch
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=batch,
        wilayah_kode=area,
        changes={"file_name": batch.file_name, "sha256": result.sha256, **result.counts()},
    )
    records_changed_on_commit(sender="families")


def _krs_entry(rnd, factors: list[str], index: WilayahIndex, rules: dict | None) -> dict:
    return {
        "no_kk": mask_nik(rnd.no_kk),
        "tahun": rnd.tahun,
        "desa": index.names.get(rnd.first.desa_kode, rnd.first.desa_kode),
        "row": rnd.first.number,
        "factors": factor_reasons(factors, rules),
    }


def _krs_preview(result: FamilyImportResult, rounds, index: WilayahIndex) -> None:
    """Count and list the KRS rounds of a dry run, labelled in memory (``preview``)."""
    labelled = [
        (rnd, f) for rnd, f in zip(rounds, rounds_factors(rounds), strict=True) if f is not None
    ]
    result.n_krs = len(labelled)
    rule_set = default_rule_set()
    rules = rule_set.rules if rule_set else None
    result.krs = [_krs_entry(rnd, factors, index, rules) for rnd, factors in labelled[:LISTED_KRS]]


def _krs_list(result: FamilyImportResult, rounds, index: WilayahIndex) -> None:
    """Count the file's KRS rounds as stored and list the first with their reasons."""
    by_id = {r.survey_id: r for r in rounds if r.survey_id is not None}
    factor_fields = [FamilySurvey.FACTOR_FIELDS[name] for name in krs.FACTORS]
    rule_set = default_rule_set()
    rules = rule_set.rules if rule_set else None
    # The ids as one parameter a chunk (``keys_in``), ascending: the first listed are the
    # first by id, whatever the chunk.
    for keys in keys_in(sorted(by_id), kind="bigint"):
        stored = FamilySurvey.objects.filter(pk__in=keys, is_krs=True).order_by("pk")
        result.n_krs += stored.count()
        listed = LISTED_KRS - len(result.krs)
        for values in stored.values("pk", *factor_fields)[:listed] if listed > 0 else ():
            factors = [n for n, f in zip(krs.FACTORS, factor_fields, strict=True) if values[f]]
            result.krs.append(_krs_entry(by_id[values["pk"]], factors, index, rules))
