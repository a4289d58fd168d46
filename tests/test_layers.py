"""The import graph of ``src/kampungkb`` keeps its layers (docs/architecture.md).

Every import counts, those inside functions too: a lazy import is still a dependency.
"""

import ast
import itertools
from pathlib import Path

import kampungkb

SRC = Path(kampungkb.__file__).resolve().parent

# Lowest first. An app may import apps below it, never above; apps on one line may not import
# each other. ``anthro`` is the numeric core and imports no other app (and no Django).
LAYERS = [
    ["anthro"],
    ["core"],
    ["wilayah"],
    ["accounts"],
    ["growth"],
    ["families"],
    ["analytics", "batch"],
    ["convergence"],
    ["site"],
    ["config", "cli"],
]

# Deliberate upward dependencies, each through one named entry point (none is an import):
# - core.permissions._installation_kabupaten reads the wilayah registry via the app registry;
# - core.events.records_changed is sent by growth and wilayah and received by analytics.
ALLOWED_UPWARD: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = ("kampungkb", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and "__pycache__" not in p.parts
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Return the kampungkb modules ``name`` imports (submodules named in ``from`` too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # "import kampungkb.growth.models" names the module; climb to the nearest known one.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("kampungkb.") and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = itertools.count()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = next(counter)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_another_that_imports_it_back():
    assert _cycles(_graph()) == []


def test_no_app_imports_an_app_of_a_higher_layer():
    rank = {app: i for i, apps in enumerate(LAYERS) for app in apps}
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in _graph().items()
        for target in targets
        if _app(source) != _app(target)
        and (_app(source), _app(target)) not in ALLOWED_UPWARD
        and rank.get(_app(target), 99) >= rank.get(_app(source), -1)
    )
    assert wrong == []


def test_every_app_has_a_layer():
    apps = {_app(m) for m in _modules()} - {""}
    assert apps <= {app for layer in LAYERS for app in layer}


def test_the_numeric_core_imports_no_django():
    for name, path in _modules().items():
        if _app(name) != "anthro":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                assert not any((m or "").split(".")[0] == "django" for m in modules), name


def test_the_layer_check_sees_a_circle_and_an_upward_import():
    # The check itself must be able to fail.
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    graph = _graph()
    assert "kampungkb.core.scoping" in graph["kampungkb.core.permissions"]
