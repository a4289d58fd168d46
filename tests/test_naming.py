"""One spelling for Kampung KB in identifiers: ``kampung_kb`` (CONTRIBUTING.md, Style).

``kampungkb`` is the package's own name and ``kkb`` an abbreviation nobody can grep for; a
model field that points to a ``KampungKB`` keeps its database name ``kampung``.
"""

import ast
import re
from pathlib import Path

import kampungkb

SRC = Path(kampungkb.__file__).resolve().parent
WRONG = re.compile(r"(^|_)kkb(_|$)|kampungkb_|_kampungkb")


def _identifiers(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name, node.lineno
        elif isinstance(node, ast.Name):
            yield node.id, node.lineno
        elif isinstance(node, ast.arg):
            yield node.arg, node.lineno
        elif isinstance(node, ast.Attribute):
            yield node.attr, node.lineno
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg, node.lineno
            # URL names, template context keys and the like are identifiers too.
            value = node.value
            if (
                node.arg == "name"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                yield value.value, node.lineno


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for name, line in _identifiers(tree):
        if WRONG.search(name):  # KAMPUNGKB_* settings are the package's prefix
            found.append(f"{path.relative_to(SRC)}:{line} {name}")
    return found


def test_kampung_kb_has_one_spelling_in_identifiers():
    offences = [
        offence
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for offence in _offences(path)
        # A database constraint's name is part of the schema: renaming it needs a migration.
        if "kampungkb_sk_date_needs_number" not in offence
    ]
    assert offences == []


def test_the_spelling_check_finds_an_offence(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def kkb_rows(kampungkb_list):\n    return kampungkb_list\n")
    tree = ast.parse(sample.read_text())
    names = {name for name, _ in _identifiers(tree) if WRONG.search(name)}
    assert names == {"kkb_rows", "kampungkb_list"}
