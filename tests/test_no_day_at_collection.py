"""No test module reads the day when it is imported.

The suite runs for a quarter of an hour: a run that starts before midnight in the kabupaten's
time zone and reaches a module after it would compare the day read at collection (yesterday)
with the pages' today. Tests take the ``today`` fixture (tests/conftest.py) or compute the day
inside the test; this test finds any call that reads the clock in code run at import time: a
module's or a class's statements, a decorator (``@pytest.mark.parametrize``), a default argument.
"""

import ast
import pathlib

TESTS = pathlib.Path(__file__).resolve().parent
CLOCK = {"today", "localdate", "now", "localtime"}


def _import_time_nodes(body):
    """The nodes run when the module is imported: function bodies and lambdas are left out."""
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            todo.extend(node.decorator_list)
            todo.extend(node.args.defaults)
            todo.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.ClassDef):
            todo.extend(node.decorator_list)
            todo.extend(node.body)
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def _clock_reads(path: pathlib.Path, root: pathlib.Path = TESTS.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}"
        for node in _import_time_nodes(tree.body)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK
    ]


def test_no_test_module_reads_the_day_at_import():
    found = [hit for path in sorted(TESTS.rglob("*.py")) for hit in _clock_reads(path)]
    assert found == [], "the day is read at collection, not when the test runs:\n" + "\n".join(
        found
    )


def test_the_guard_finds_a_day_read_at_import(tmp_path):
    """The guard itself: a module-level read, one in a decorator, one in a default argument and
    one in a class body are found; reads inside a function, a fixture or a lambda are not."""
    module = tmp_path / "test_probe.py"
    module.write_text(
        "import datetime\n"
        "from django.utils import timezone\n"
        "TODAY = datetime.date.today()\n"
        "@pytest.mark.parametrize('day', [timezone.localdate()])\n"
        "def test_a(day, when=timezone.now()):\n"
        "    return datetime.datetime.now()\n"
        "class TestB:\n"
        "    YEAR = datetime.date.today().year\n"
        "LATER = lambda: timezone.localdate()\n",
        encoding="utf-8",
    )
    lines = sorted(int(hit.split(":")[1]) for hit in _clock_reads(module, root=tmp_path))
    assert lines == [3, 4, 5, 8]
