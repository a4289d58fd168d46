"""bench/reference.py, the same-run reference of ``make bench``: it loads every row of a table
into a scratch copy and leaves nothing behind (on whichever database the suite runs)."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _reference_module():
    spec = importlib.util.spec_from_file_location("bench_reference", BENCH / "reference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_bare_copy_loads_every_row_and_drops_its_scratch_table(transactional_db):
    reference = _reference_module()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        (n,) = cursor.fetchone()

    ref = reference.bare_copy("django_migrations")

    assert ref.rows == n > 10
    assert ref.seconds > 0
    assert ref.name == ("bare COPY" if connection.vendor == "postgresql" else "bare executemany")
    assert "bench_reference_django_migrations" not in connection.introspection.table_names()
    half = ref.rows_per_second / 2
    assert reference.verdict_line("import", half, ref, 0.25).startswith("PASS: import 0.50x")
    assert reference.verdict_line("import", half, ref, 0.6).startswith("FAIL: import 0.50x")


def test_the_bare_load_of_every_table_sums_their_times_and_counts_rows_of_one(transactional_db):
    reference = _reference_module()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        (n,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM django_content_type")
        (n_types,) = cursor.fetchone()
    assert n_types > 0

    alone = reference.bare_copy("django_migrations")
    both = reference.bare_copy_all(
        ["django_content_type", "django_migrations"], per="django_migrations"
    )

    assert both.rows == n  # the rate is in rows of ``per``, not of every table
    assert both.seconds > 0
    assert both.name.startswith(alone.name)
    assert f"django_content_type {n_types:,} rows" in both.what
    assert f"django_migrations {n:,} rows" in both.what
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith("bench_reference_")]
    with pytest.raises(ValueError, match="django_session"):
        reference.bare_copy_all(["django_migrations"], per="django_session")


def test_the_servers_floor_loads_the_rows_into_constrained_copies_on_postgresql(
    transactional_db,
):
    reference = _reference_module()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM auth_permission")
        (n,) = cursor.fetchone()
    assert n > 10

    floor = reference.server_floor(
        ["django_content_type", "auth_permission"], per="auth_permission"
    )

    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith("bench_floor_")]
    if connection.vendor != "postgresql":
        assert floor is None  # SQLite's import is judged against its bare load alone
        return
    assert floor.rows == n
    assert floor.seconds > 0
    assert "auth_permission" in floor.what and "foreign keys" in floor.what
    with pytest.raises(ValueError, match="django_session"):
        reference.server_floor(["auth_permission"], per="django_session")


def test_the_floor_line_says_what_the_target_leaves_the_client():
    reference = _reference_module()
    bare = reference.Reference(name="bare COPY", what="", rows=100, seconds=1.0)
    floor = reference.Reference(name="server's floor", what="", rows=100, seconds=2.5)

    line = reference.floor_line(5.0, 3.0, bare, floor, 0.25)

    assert line.startswith("information: the server's floor is 2.5x the bare COPY (2.50 s)")
    assert "0.25x allows 4x (4.00 s), leaving 1.5x (1.50 s) for the client's work" in line
    assert line.endswith("this write took 5.0x (5.00 s), its process's CPU 3.0x (3.00 s)")
