"""The rounds of an import written in bulk, inside the import's transaction: new families,
changed family addresses, new rounds, the answers of replaced rounds, then every member of
the new and replaced rounds (a replaced round's members are deleted first).

New families and rounds take their ids from their sequences and go in with ``core.bulk``
(COPY) on PostgreSQL, since the rows after them refer to them; elsewhere with ``bulk_create``
(which gives each its id). The members are COPYed on PostgreSQL (nothing refers to them).
"""

import itertools

from django.db import connection
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert, next_ids
from kampungkb.families.importing.planning import MEMBER_FIELDS, Round
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga
from kampungkb.growth.importing.instances import BATCH_SIZE, in_chunks

MEMBER_COLUMNS = ("survey_id", "urutan", *MEMBER_FIELDS)
MEMBER_CHUNK = 10_000  # members made into instances at a time (not PostgreSQL)


def _insert_with_ids(model, values: list[dict]) -> list[int]:
    """Insert one row per dict of ``values`` (field attnames; the other fields take their
    defaults) and return their ids in order: COPY with ids taken from the sequence on
    PostgreSQL (no model instance is made), ``bulk_create`` elsewhere."""
    if not values:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**v) for v in values]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return [o.pk for o in objects]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    for name in ("created_at", "updated_at"):
        if name in defaults:
            defaults[name] = now
    attnames = [f.attname for f in fields]
    ids = next_ids(model, len(values))
    rows = (
        [pk, *(v.get(a, defaults[a]) for a in attnames)] for pk, v in zip(ids, values, strict=True)
    )
    bulk_insert(model, ["id", *attnames], rows)
    return ids


def families_write(rounds: list[Round], families: dict[str, dict]) -> None:
    """Create the families of ``rounds`` not stored yet and update the address of those whose
    latest round in the file gives another (``families``: the stored ones by No KK)."""
    latest: dict[str, Round] = {}
    for rnd in rounds:
        if rnd.no_kk not in latest or rnd.tahun > latest[rnd.no_kk].tahun:
            latest[rnd.no_kk] = rnd
    new: list[dict] = []
    changed: list[Keluarga] = []
    now = timezone.now()
    for no_kk, rnd in latest.items():
        row = rnd.first
        address = {"rt": row.rt, "rw": row.rw, "alamat": row.alamat}
        stored = families.get(no_kk)
        if stored is None:
            new.append({"no_kk": no_kk, "desa_id": row.desa_kode, **address})
        elif any(stored[k] != v for k, v in address.items()):
            changed.append(Keluarga(pk=stored["pk"], updated_at=now, **address))
    ids = dict(zip((v["no_kk"] for v in new), _insert_with_ids(Keluarga, new), strict=True))
    Keluarga.objects.bulk_update(
        changed, ["rt", "rw", "alamat", "updated_at"], batch_size=BATCH_SIZE
    )
    for rnd in rounds:
        if rnd.keluarga_id is None:
            rnd.keluarga_id = ids[rnd.no_kk]


def rounds_write(rounds: list[Round]) -> list[int]:
    """Write the new and changed rounds and their members; return their ids."""
    new = [r for r in rounds if r.state == "new"]
    changed = [r for r in rounds if r.state == "updated"]
    now = timezone.now()
    surveys = [
        {
            "keluarga_id": r.keluarga_id,
            "tahun": r.tahun,
            "tanggal_pendataan": r.tanggal,
            "sumber_air": r.first.sumber_air,
            "jamban": r.first.jamban,
        }
        for r in new
    ]
    for rnd, pk in zip(new, _insert_with_ids(FamilySurvey, surveys), strict=True):
        rnd.survey_id = pk
    FamilySurvey.objects.bulk_update(
        [
            FamilySurvey(
                pk=r.survey_id,
                tanggal_pendataan=r.tanggal,
                sumber_air=r.first.sumber_air,
                jamban=r.first.jamban,
                updated_at=now,
            )
            for r in changed
        ],
        ["tanggal_pendataan", "sumber_air", "jamban", "updated_at"],
        batch_size=BATCH_SIZE,
    )
    for chunk in in_chunks([r.survey_id for r in changed]):
        FamilyMember.objects.filter(survey_id__in=chunk).delete()
    written = new + changed
    if connection.vendor == "postgresql":
        bulk_insert(
            FamilyMember,
            MEMBER_COLUMNS,
            (
                (rnd.survey_id, i, *values)
                for rnd in written
                for i, values in enumerate(rnd.member_values())
            ),
        )
    else:  # bulk_create holds every instance it is given: a chunk at a time
        members = (
            FamilyMember(
                survey_id=rnd.survey_id, urutan=i, **dict(zip(MEMBER_FIELDS, v, strict=True))
            )
            for rnd in written
            for i, v in enumerate(rnd.member_values())
        )
        while chunk := list(itertools.islice(members, MEMBER_CHUNK)):
            FamilyMember.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
    return [r.survey_id for r in written]
