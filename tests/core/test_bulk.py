"""The one bulk writer: rows into a model's table or a temporary table, names from _meta."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from kampungkb.core import bulk
from kampungkb.core.bulk import bulk_insert, column_names
from kampungkb.core.models import AuditEntry

FIELDS = (
    "actor", "actor_username", "action", "object_type", "object_id", "object_repr", "at",
    "wilayah_kode", "changes",
)  # fmt: skip


def _at():
    return connection.ops.adapt_datetimefield_value(
        datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    )


def test_rows_go_into_the_models_table_by_field_name_or_attname(db):
    rows = [
        (None, "system", "load", "tests.bulk", str(i), f"row {i}", _at(), "19.06", "{}")
        for i in range(3)
    ]
    bulk_insert(AuditEntry, FIELDS, rows)
    bulk_insert(AuditEntry, ("actor_id", *FIELDS[1:]), iter([rows[0]]))  # a generator will do
    # The session's reference data (loaded once, audited) sits in the same table.
    entries = AuditEntry.objects.filter(object_type="tests.bulk").order_by("id")
    assert [e.object_id for e in entries] == ["0", "1", "2", "0"]
    assert entries[0].at == datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    assert (entries[0].changes, entries[0].actor, entries[0].wilayah_kode) == ({}, None, "19.06")


def test_column_names_come_from_the_model(db):
    assert column_names(AuditEntry, ["actor", "actor_id", "at"]) == ["actor_id", "actor_id", "at"]
    with pytest.raises(ValueError, match="no column"):
        column_names(AuditEntry, ["nothing"])


def test_a_temporary_table_is_made_like_the_fields_and_emptied_before_each_fill(db):
    like = {"other_id": "object_id"}
    before = AuditEntry.objects.count()
    bulk_insert(AuditEntry, ("id", "other_id"), [(1, "a"), (2, "b")], into="_bulk_test", like=like)
    bulk_insert(AuditEntry, ("id", "other_id"), [(3, "c")], into="_bulk_test", like=like)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, other_id FROM _bulk_test")
        assert cursor.fetchall() == [(3, "c")]
    assert AuditEntry.objects.count() == before  # the model's own table is left alone


def test_many_rows_go_in_a_few_statements_in_order(db, monkeypatch):
    monkeypatch.setattr(bulk, "ROWS_PER_INSERT", 7)
    rows = (
        (None, "system", "load", "tests.bulk", str(i), f"row {i}%s'?", _at(), "19.06", "{}")
        for i in range(30)  # a generator; text that looks like a placeholder or a quote
    )
    statements = []
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        connection.connection.set_trace_callback(statements.append)
    try:
        bulk_insert(AuditEntry, FIELDS, rows)
    finally:
        if sqlite:
            connection.connection.set_trace_callback(None)
    entries = AuditEntry.objects.filter(object_type="tests.bulk").order_by("id")
    assert [e.object_id for e in entries] == [str(i) for i in range(30)]
    assert entries[29].object_repr == "row 29%s'?"
    if sqlite:  # 30 rows: 5 INSERTs of at most 7 rows, not one per row
        assert len([s for s in statements if s.startswith("INSERT")]) == 5
    bulk_insert(AuditEntry, FIELDS, [])  # no rows: nothing to do
    assert AuditEntry.objects.filter(object_type="tests.bulk").count() == 30


def test_a_duplicate_key_raises_djangos_integrity_error(db):
    """The driver's error (psycopg's from the COPY, sqlite3's from the INSERTs) is raised as
    Django's, which the imports catch to answer "busy, try again"."""
    bulk_insert(AuditEntry, FIELDS, [(None, "system", "load", "tests.bulk", "0", "row 0",
                                      _at(), "19.06", "{}")])  # fmt: skip
    taken = AuditEntry.objects.get(object_type="tests.bulk").pk
    duplicate = (taken, None, "system", "load", "tests.bulk", "1", "row 1", _at(), "19.06", "{}")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(AuditEntry, ("id", *FIELDS), [duplicate])
    assert AuditEntry.objects.filter(object_type="tests.bulk").count() == 1
