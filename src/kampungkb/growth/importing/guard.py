"""How an import's short write transaction knows its plan still holds, and waits its turn.

An import reads, matches and plans with no transaction open (on SQLite every transaction
takes the write lock, so planning inside one would keep every other writer waiting for the
whole run). :func:`records_mark` notes, before the plan reads anything, the state of what a
plan depends on; the write transaction reads it again and plans again (then inside the
transaction) when it differs. :func:`imports_serialise` makes two imports' write transactions
take turns on PostgreSQL, as SQLite's write lock does by itself.
"""

from django.db import connection
from django.db.models import Count, Max

from kampungkb.growth.models import Child, KBMTable, Measurement, Posyandu, Puskesmas

# Any number fixed for the life of the schema: the key of the advisory lock imports share.
_IMPORT_LOCK_KEY = 0x6B6B62_494D50  # "kkb" "IMP"


def records_mark() -> tuple:
    """The state of what an import's plan depends on: the children, their measurements, the
    posyandu and puskesmas (count, highest id, last change) and the default KBM table.

    A record added, deleted or saved changes it (a save through the services, the admin or an
    import sets ``updated_at``); a posyandu renamed without one is caught by the database's
    unique names. Whole tables, not the file's desa: the NIK of a row is looked up everywhere,
    and each of these is one pass over an index or a table (tens of milliseconds at a
    district's million measurements), cheaper than naming the file's children again.
    """
    mark = []
    for model in (Child, Measurement):
        stats = model.objects.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at"))
        mark.append((stats["n"], stats["top"], stats["changed"]))
    for model in (Posyandu, Puskesmas):
        stats = model.objects.aggregate(n=Count("pk"), top=Max("pk"))
        mark.append((stats["n"], stats["top"]))
    mark.append(tuple(KBMTable.objects.filter(is_default=True).values_list("pk", flat=True)))
    return tuple(mark)


def imports_serialise() -> None:
    """Inside a transaction, wait until no other import is writing (PostgreSQL, an advisory
    lock released at commit). On SQLite the transaction already holds the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])
