"""The rounds of an import written in bulk, inside the import's transaction: new families,
changed family addresses, new rounds, the answers of replaced rounds, then every member of
the new and replaced rounds.

A replaced round's members are written again whole, but each person still in the round keeps
the id of their member row (``_same_people``): a TPK target refers to a member row, and a new
id would leave it without one (``on_delete=SET_NULL``), its scorecard reading nothing. The row
is deleted and inserted again with its id inside the transaction (the foreign keys referring to
it are checked at the commit, deferred, as Django makes them); a person left out of the round is
deleted, and a target of theirs unlinked in the audit trail.

New families and rounds get their ids before they are written, since the rows after them
refer to them: from the table's sequence on PostgreSQL, after the largest id the table ever
gave on SQLite (whose write lock the import's transaction holds). Every row goes in with
``core.bulk`` (a binary COPY on PostgreSQL: every value already has its column's type; INSERTs
of a few hundred rows on SQLite): no model instance and no field conversion per value, which
cost more than the writing itself.

The rounds are written with their KRS labels, computed from the file's rows in memory
(``preview.rounds_labels``: what ``labels.labels_compute`` gives from the stored rows), with
the rule set and the time: each round is written once, not written, read back and rewritten.
Changed families and rounds are rewritten by id with growth's ``rows_update``: Django's
``bulk_update`` costs the square of its batch, and was most of the time of a file changing
thousands of rounds.
"""

from django.db import connection
from django.utils import timezone

from kampungkb.core.audit import audit_records_bulk
from kampungkb.core.bulk import bulk_insert, next_ids
from kampungkb.core.lookups import keys_in
from kampungkb.core.models import AuditAction
from kampungkb.families.importing.planning import MEMBER_FIELDS, Round
from kampungkb.families.importing.preview import rounds_labels
from kampungkb.families.importing.rows import MemberRow
from kampungkb.families.labels_read import LABEL_FIELDS
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga, KrsRuleSet
from kampungkb.families.tpk.models import Target
from kampungkb.growth.importing.update_write import rows_update

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
    rows_update(Keluarga, changed, ["rt", "rw", "alamat", "updated_at"])
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


def _same_people(stored: list[tuple], rows: list[MemberRow]) -> list[int | None]:
    """The id of the stored member each of ``rows`` is (``None``: a person not stored in the
    round), each stored member taken once; ``stored``: (id, NIK, name, date of birth) of the
    round's stored members in their order.

    Two members of a round are one person when their NIKs are equal, or, when one of them has
    no NIK, when their names (whatever the case) and dates of birth are, as ``rounds_group``
    tells members apart; two different NIKs are two people. The NIKs are matched first, so
    that a name never takes the row a NIK claims. The order of the rows says nothing.

    >>> import datetime
    >>> born = datetime.date(2001, 3, 1)
    >>> ibu = MemberRow(number=2, nama="IBU", tanggal_lahir=born)
    >>> _same_people([(7, "", "Ayah", born), (8, "", "Ibu", born)], [ibu])
    [8]
    >>> ibu.nik = "1906014103010009"  # a NIK given now: still her, by name and birth
    >>> _same_people([(7, "", "Ayah", born), (8, "", "Ibu", born)], [ibu])
    [8]
    >>> _same_people([(8, "1906014103010002", "Ibu", born)], [ibu])  # another NIK
    [None]
    """
    by_nik: dict[str, int] = {}
    by_name: dict[tuple, list[tuple[int, str]]] = {}
    for pk, nik, nama, born in stored:
        if nik:
            by_nik.setdefault(nik, pk)
        by_name.setdefault((nama.casefold(), born), []).append((pk, nik))
    ids: list[int | None] = [None] * len(rows)
    taken: set[int] = set()
    for i, row in enumerate(rows):
        pk = by_nik.get(row.nik) if row.nik else None
        if pk is not None and pk not in taken:
            ids[i] = pk
            taken.add(pk)
    for i, row in enumerate(rows):
        if ids[i] is not None:
            continue
        for pk, nik in by_name.get((row.nama.casefold(), row.tanggal_lahir), ()):
            if pk not in taken and not (nik and row.nik):
                ids[i] = pk
                taken.add(pk)
                break
    return ids


def _members_gone(ids: list[int], *, user) -> None:
    """Delete the members ``ids`` (people no longer in their round), unlinking their TPK
    targets with an UPDATE entry each, as a change of the target made by ``user``."""
    now = timezone.now()
    for keys in keys_in(ids, kind="bigint"):
        targets = list(
            Target.objects.filter(member_id__in=keys).only("kind", "nama", "desa_id", "member_id")
        )
        if targets:
            Target.objects.filter(pk__in=[t.pk for t in targets]).update(
                member=None, updated_at=now
            )
            audit_records_bulk(
                actor=user,
                action=AuditAction.UPDATE,
                items=((t, t.desa_id, {"member": [t.member_id, None]}) for t in targets),
            )
        # The ORM's delete: whatever else refers to a member gets its own on_delete.
        FamilyMember.objects.filter(pk__in=keys).delete()


def _replaced_members_write(changed: list[Round], *, user) -> None:
    """Write the members of the replaced rounds ``changed`` in place of the stored ones, each
    person still in a round with their member row's id (``_same_people``)."""
    stored: dict[int, list[tuple]] = {}
    for keys in keys_in([r.survey_id for r in changed], kind="bigint"):
        for survey_id, *member in (
            FamilyMember.objects.filter(survey_id__in=keys)
            .order_by("survey_id", "urutan", "pk")
            .values_list("survey_id", "pk", "nik", "nama", "tanggal_lahir")
        ):
            stored.setdefault(survey_id, []).append(tuple(member))
    ids: list[list[int | None]] = []
    gone: list[int] = []
    for rnd in changed:
        found = stored.get(rnd.survey_id, [])
        same = _same_people(found, rnd.rows)
        kept = set(same)
        gone.extend(pk for pk, *_rest in found if pk not in kept)
        ids.append(same)
    _members_gone(gone, user=user)
    # What stays of the rounds' members is a kept person's row: out, and in again below with
    # its id (no relation's on_delete applies: the id is back before the commit).
    table = connection.ops.quote_name(FamilyMember._meta.db_table)
    column = connection.ops.quote_name(FamilyMember._meta.get_field("survey").column)
    with connection.cursor() as cursor:
        for keys in keys_in([r.survey_id for r in changed], kind="bigint"):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({keys.sql})", keys.params)  # noqa: S608
    fresh = iter(_new_ids(FamilyMember, sum(same.count(None) for same in ids)))
    bulk_insert(
        FamilyMember,
        ["id", *MEMBER_COLUMNS],
        (
            (pk if pk is not None else next(fresh), rnd.survey_id, i, *values)
            for rnd, same in zip(changed, ids, strict=True)
            for i, (pk, values) in enumerate(zip(same, rnd.member_values(), strict=True))
        ),
        binary=True,
    )


def rounds_write(rounds: list[Round], *, rule_set: KrsRuleSet | None, user=None) -> list[int]:
    """Write the new and changed rounds, labelled by ``rule_set``, and their members; return
    their ids. ``user`` (``None``: the system) is who the audit trail names for a TPK target
    unlinked from a member left out of a replaced round."""
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
    rows_update(
        FamilySurvey,
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
    )
    if changed:
        _replaced_members_write(changed, user=user)
    bulk_insert(
        FamilyMember,
        MEMBER_COLUMNS,
        (
            (rnd.survey_id, i, *values)
            for rnd in new
            for i, values in enumerate(rnd.member_values())
        ),
        binary=True,
    )
    return [r.survey_id for r in new + changed]
