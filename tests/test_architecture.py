"""The package layout of ``kit/`` (docs/architecture.md): imports point one way, no cycles.

Every ``import`` in every module counts, also those inside functions (the lazy imports that
keep ``testlab --help`` fast): a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"

# Higher layers may import lower ones, never the reverse; packages on one layer are siblings and
# do not import each other.
LAYERS: dict[str, int] = {
    "base": 0,
    "data": 1,
    "process": 2,
    "plans": 2,
    "survey": 2,
    "journal": 2,
    "samples": 3,
    "labs": 4,
    "present": 5,
    "cli": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(KIT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``kit`` module that ``path`` imports (absolute imports; the kit uses no relative)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kit"}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            mod = node.module or ""
            if mod.split(".")[0] != "kit":
                continue
            for alias in node.names:  # `from kit.data import privacy` imports a module
                sub = f"{mod}.{alias.name}"
                found.add(sub if _exists(sub) else mod)
    return found


def _exists(module: str) -> bool:
    base = KIT.parent.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    return {
        _module_name(p): _imports(p) for p in sorted(KIT.rglob("*.py")) if p.name != "__main__.py"
    }


BASE = ("config", "errors", "labels")  # the top-level modules form one layer together


def _package(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return ""
    return "base" if parts[1] in BASE else parts[1]


def test_every_package_has_a_layer_and_a_docstring():
    for path in sorted(KIT.iterdir()):
        name = path.stem
        if path.name.startswith("_") or path.suffix not in (".py", ""):
            continue
        if path.is_dir() and not (path / "__init__.py").exists():
            continue
        assert _package(f"kit.{name}") in LAYERS, (
            f"kit/{path.name} has no layer in tests/test_architecture.py"
        )
        if path.is_dir():
            doc = ast.get_docstring(ast.parse((path / "__init__.py").read_text(encoding="utf-8")))
            assert doc and "May import" in doc or name == "cli", f"kit/{name}/__init__.py"


def violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for importer, targets in graph.items():
        src = _package(importer)
        if not src:  # kit/__init__.py: the public surface, imports lazily by name
            continue
        for target in targets:
            dst = _package(target)
            if dst == src or not dst:
                continue
            if LAYERS[dst] >= LAYERS[src]:
                out.append(f"{importer} -> {target}")
    return sorted(out)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between modules (Tarjan's strongly connected components of size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_imports_point_one_way():
    assert violations(_graph()) == []


def test_no_import_cycles():
    # a package importing its own submodules from __init__ is not a cycle we care about
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in _graph().items()}
    assert cycles(graph) == []


def test_checks_catch_what_they_should():
    """The checks themselves, on a made-up graph: an upward import and a hidden cycle."""
    graph = {
        "kit.data.loaders": {"kit.process.leadtime"},
        "kit.process.leadtime": {"kit.process.mining"},
        "kit.process.mining": {"kit.process.leadtime"},
        "kit.present.maps": {"kit.data.loaders", "kit.labels"},
    }
    assert violations(graph) == ["kit.data.loaders -> kit.process.leadtime"]
    assert cycles(graph) == [["kit.process.leadtime", "kit.process.mining"]]


@pytest.mark.parametrize("module", sorted(_graph()))
def test_every_module_imports(module):
    __import__(module)
