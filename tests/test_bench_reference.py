"""bench/reference.py, the same-run reference of ``make bench``: it loads every row of a table
into a scratch copy and leaves nothing behind (on whichever database the suite runs)."""

import importlib.util
import sys
from pathlib import Path

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
