"""The numeric core's boundaries: others use only its public API, it uses no Django."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ANTHRO = SRC / "kampungkb" / "anthro"


def imported_names(source: str, package: str) -> list[str]:
    """Dotted names a module of ``package`` imports, relative imports resolved.

    ``from a.b import c`` gives ``a.b`` and ``a.b.c``; a string such as
    ``"kampungkb.anthro._lms"`` (for ``importlib``) counts as an import too.
    """
    parts = package.split(".")
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module
            names.append(origin)
            names += [f"{origin}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and str(node.value).startswith("kampungkb.anthro."):
            names.append(node.value)
    return names


def _private_anthro(name: str) -> bool:
    parts = name.split(".")
    return parts[:2] == ["kampungkb", "anthro"] and any(p.startswith("_") for p in parts[2:])


def _modules(root: Path):
    """Every module under ``root`` with the package it belongs to."""
    for path in sorted(root.rglob("*.py")):
        yield path, ".".join(path.parent.relative_to(SRC).parts)


def test_no_module_outside_anthro_imports_its_private_parts():
    offenders = [
        f"{path.relative_to(SRC)}: {name}"
        for path, package in _modules(SRC)
        if ANTHRO not in path.parents
        for name in imported_names(path.read_text(encoding="utf-8"), package)
        if _private_anthro(name)
    ]
    assert offenders == [], "use the public kampungkb.anthro API instead"


def test_anthro_imports_no_django_and_no_other_kampungkb_package():
    offenders = [
        f"{path.relative_to(SRC)}: {name}"
        for path, package in _modules(ANTHRO)
        for name in imported_names(path.read_text(encoding="utf-8"), package)
        if name.split(".")[0] == "django"
        or (name.startswith("kampungkb.") and not name.startswith("kampungkb.anthro"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "from kampungkb.anthro._who_tables import get_table",
        "from kampungkb.anthro import _lms",
        "import kampungkb.anthro._inputs",
        "from ..anthro._lms import lms_value",
        "from ..anthro.growth_standards import _zlen",
        "import importlib\nimportlib.import_module('kampungkb.anthro._lms')",
    ],
)
def test_the_check_catches_each_way_of_importing_a_private_part(source):
    names = imported_names(source, "kampungkb.growth")
    assert any(_private_anthro(n) for n in names)


def test_the_check_lets_the_public_api_through():
    source = "from kampungkb.anthro import DAYS_PER_MONTH, value_at_z\nfrom ..anthro import flag"
    names = imported_names(source, "kampungkb.growth")
    assert "kampungkb.anthro.value_at_z" in names and "kampungkb.anthro.flag" in names
    assert not any(_private_anthro(n) for n in names)
