"""The rounds of an import written in bulk, inside the import's transaction: new families,
changed family addresses, new rounds, the answers of replaced rounds, then every member of
the new and replaced rounds (a replaced round's members are deleted first).

New families and rounds get their ids before they are written, since the rows after them
refer to them: from the table's sequence on PostgreSQL, after the largest id the table ever
gave on SQLite (whose write lock the import's transaction holds). Every row goes in with
``core.bulk`` (a binary COPY on PostgreSQL: every value already has its column's type; INSERTs
of a few hundred rows on SQLite): no model instance and no field conversion per value, which
cost more than the writing itself.

The rounds are written with their KRS labels, computed from the file's rows in memory
(``preview.rounds_labels``: what ``labels.labels_compute`` gives from the stored rows), with
the rule set and the time: each round is written once, not written, read back and rewritten.
"""

from django.db import connection
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert, next_ids
from kampungkb.families.importing.planning import MEMBER_FIELDS, Round
from kampungkb.families.importing.preview import rounds_labels
from kampungkb.families.labels_read import LABEL_FIELDS
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga, KrsRuleSet
from kampungkb.growth.importing.instances import BATCH_SIZE, in_chunks

MEMBER_COLUMNS = ("survey_id", "urutan", *MEMBER_FIELDS)


def _new_ids(model, count: int) -> list[int]:
    """``count`` ids for new rows of ``model``, ascending, that no row has or had.

    SQLite: after the largest id in the table and in ``sqlite_sequence`` (AUTOINCREMENT never
    gives an id again); the import's transaction holds the write lock, so no other writer
    takes them meanwhile (and if one did, the insert fails and nothing is saved).
    """
    if connection.vendor == "postgresql":
        return next_ids(model, count)
    opts = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({connection.ops.quote_name(opts.pk.column)}) "  # noqa: S608
            f"FROM {connection.ops.quote_name(opts.db_table)}"
        )
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
        found = cursor.fetchone()
    start = max(largest, found[0] if found else 0) + 1
    return list(range(start, start + count))


def _insert_with_ids(model, names: list[str], values: list[tuple]) -> list[int]:
    """Insert one row per tuple of ``values`` (the values of the attnames ``names``; the other
    fields take their defaults, ``created_at`` and ``updated_at`` now) and return their ids
    in order."""
    if not values:
        return []
    now = timezone.now()
    if connection.vendor != "postgresql":
        now = connection.ops.adapt_datetimefield_value(now)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    for name in ("created_at", "updated_at"):
        if name in defaults:
            defaults[name] = now
    rest = [f.attname for f in fields if f.attname not in names]
    tail = tuple(defaults[a] for a in rest)
    ids = _new_ids(model, len(values))
    rows = ((pk, *v, *tail) for pk, v in zip(ids, values, strict=True))
    bulk_insert(model, [model._meta.pk.attname, *names, *rest], rows, binary=True)
    return ids


def families_write(rounds: list[Round], families: dict[str, dict]) -> None:
    """Create the families of ``rounds`` not stored yet and update the address of those whose
    round carrying the address (``Round.carries_address``: the latest in the file, unless a
    later one is stored) gives another (``families``: the stored ones by No KK)."""
    latest: dict[str, Round] = {}
    for rnd in rounds:
        if rnd.no_kk not in latest or rnd.tahun > latest[rnd.no_kk].tahun:
            latest[rnd.no_kk] = rnd
    new: list[tuple] = []
    changed: list[Keluarga] = []
    now = timezone.now()
    for no_kk, rnd in latest.items():
        row = rnd.first
        address = (row.rt, row.rw, row.alamat)
        stored = families.get(no_kk)
        if stored is None:
            new.append((no_kk, row.desa_kode, *address))
        elif rnd.carries_address and (stored["rt"], stored["rw"], stored["alamat"]) != address:
            rt, rw, alamat = address
            changed.append(Keluarga(pk=stored["pk"], updated_at=now, rt=rt, rw=rw, alamat=alamat))
    names = ["no_kk", "desa_id", "rt", "rw", "alamat"]
    ids = dict(zip((v[0] for v in new), _insert_with_ids(Keluarga, names, new), strict=True))
    Keluarga.objects.bulk_update(
        changed, ["rt", "rw", "alamat", "updated_at"], batch_size=BATCH_SIZE
    )
    for rnd in rounds:
        if rnd.keluarga_id is None:
            rnd.keluarga_id = ids[rnd.no_kk]


def _labelled(rounds: list[Round], rule_set: KrsRuleSet | None) -> tuple[list[str], list[tuple]]:
    """The label fields, ``rule_set`` and ``computed_at`` as stored, and per round their
    values (no fields without a rule set: the rounds stay unlabelled, as ``labels_compute``
    leaves them)."""
    if rule_set is None or not rounds:
        return [], [()] * len(rounds)
    labels = rounds_labels(rounds, rule_set.rules)
    bits = [((labels >> i) & 1).astype(bool).tolist() for i in range(len(LABEL_FIELDS))]
    common = (rule_set.pk, timezone.now())
    return [*LABEL_FIELDS, "rule_set_id", "computed_at"], [
        (*values, *common) for values in zip(*bits, strict=True)
    ]


def rounds_write(rounds: list[Round], *, rule_set: KrsRuleSet | None) -> list[int]:
    """Write the new and changed rounds, labelled by ``rule_set``, and their members; return
    their ids."""
    new = [r for r in rounds if r.state == "new"]
    changed = [r for r in rounds if r.state == "updated"]
    now = timezone.now()
    label_fields, labels = _labelled(new + changed, rule_set)
    stored_labels = labels
    if label_fields and connection.vendor != "postgresql":  # computed_at as SQLite takes it
        at = connection.ops.adapt_datetimefield_value(labels[0][-1])
        stored_labels = [(*values[:-1], at) for values in labels]
    names = ["keluarga_id", "tahun", "tanggal_pendataan", "sumber_air", "jamban", *label_fields]
    surveys = [
        (r.keluarga_id, r.tahun, r.tanggal, r.first.sumber_air, r.first.jamban, *labelled)
        for r, labelled in zip(new, stored_labels[: len(new)], strict=True)
    ]
    for rnd, pk in zip(new, _insert_with_ids(FamilySurvey, names, surveys), strict=True):
        rnd.survey_id = pk
    FamilySurvey.objects.bulk_update(
        [
            FamilySurvey(
                pk=r.survey_id,
                tanggal_pendataan=r.tanggal,
                sumber_air=r.first.sumber_air,
                jamban=r.first.jamban,
                updated_at=now,
                **dict(zip(label_fields, labelled, strict=True)),
            )
            for r, labelled in zip(changed, labels[len(new) :], strict=True)
        ],
        ["tanggal_pendataan", "sumber_air", "jamban", "updated_at", *label_fields],
        batch_size=BATCH_SIZE,
    )
    for chunk in in_chunks([r.survey_id for r in changed]):
        FamilyMember.objects.filter(survey_id__in=chunk).delete()
    written = new + changed
    bulk_insert(
        FamilyMember,
        MEMBER_COLUMNS,
        (
            (rnd.survey_id, i, *values)
            for rnd in written
            for i, values in enumerate(rnd.member_values())
        ),
        binary=True,
    )
    return [r.survey_id for r in written]
