"""The package's layers import only downward, and nothing imports in a cycle.

Every ``import`` of a govreport module is counted, at the top of a module or inside a
function alike, so a function-level import cannot hide a cycle. Third-party imports
(optional extras loaded lazily) are not this test's business.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "govreport"

#: The layers, bottom first. A module may import modules of its own layer or below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("govreport.version", "govreport.pointer", "govreport.location", "govreport.messages", "govreport.findings", "govreport.reading"),
    ("govreport.contract",),
    ("govreport.sources",),
    ("govreport.extract",),
    ("govreport.validation",),
    ("govreport.api",),
    ("govreport.batch",),
    ("govreport.writers", "govreport.strategies"),
    ("govreport.cli", "govreport.web"),
    ("govreport", "govreport.__main__"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), index))
    if best[1] < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best[1]


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # ``from X import Y`` depends on the module X.Y when there is one, else on X
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            # the longest known module the name denotes (a module or a name inside one)
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("govreport") and name != module:
                out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {m: _imports(m, p, known) for m, p in modules.items()}


def test_every_module_is_in_a_layer() -> None:
    for module in _modules():
        _layer(module)


def test_layers_import_only_downward() -> None:
    upward = []
    for module, deps in _graph().items():
        for dep in deps:
            if dep == "govreport" and module != "govreport":
                upward.append(f"{module} imports the top-level package")
            elif _layer(dep) > _layer(module):
                upward.append(f"{module} (layer {_layer(module)}) imports {dep} (layer {_layer(dep)})")
    assert not upward, "\n".join(sorted(upward))


def test_no_import_cycles() -> None:
    graph = _graph()
    # a package's __init__ importing its own submodules is how a package exposes them,
    # not a cycle of logic: only a submodule importing its package back would be one.
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(" -> ".join(stack[stack.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("name", ["validate", "check", "read", "load", "schema", "relations", "rules"])
def test_no_public_function_shares_a_name_with_a_submodule(name: str) -> None:
    assert not (PACKAGE / f"{name}.py").exists() and not (PACKAGE / name).is_dir()
