"""The dependency arrows stay one way (docs/architecture.md), checked by walking imports with
ast: between the top-level packages, and between the simulator's three parts."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "core": {"webapp", "recommender", "simulator", "flask", "surprise"},
    "recommender": {"webapp", "simulator", "flask"},
    "simulator": {"webapp", "flask"},
    "migrations": {"webapp", "recommender", "simulator", "flask"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package):
    offenders = {}
    for path in (ROOT / package).rglob("*.py"):
        bad = imports_of(path) & FORBIDDEN[package]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_recommender_never_reads_ground_truth():
    for path in (ROOT / "recommender").rglob("*.py"):
        source = path.read_text()
        assert "TitleTruth" not in source and "ProfileTruth" not in source, path
        assert "TasteDay" not in source, path
        assert "truth_" not in source, path


def test_no_global_random_state():
    """Seeded generators only: no np.random.<fn>(), random.<fn>() or Faker.seed()."""
    import re

    pattern = re.compile(r"np\.random\.(rand|randn|randint|choice|seed|normal|uniform|shuffle)\b"
                         r"|\brandom\.(random|randint|choice|shuffle|seed|uniform)\(|Faker\.seed\(")
    for package in ("core", "recommender", "simulator", "webapp"):
        for path in (ROOT / package).rglob("*.py"):
            assert not pattern.search(path.read_text()), path


def _modules_imported(path: Path, package: str) -> set[str]:
    """Full dotted names of `package` modules that `path` imports (TYPE_CHECKING ones too)."""
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(package + "."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:  # from simulator import rng
                found.update(f"{package}.{a.name}" for a in node.names)
            elif node.module.startswith(package + "."):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_no_import_cycles_among_the_artwork_modules():
    """webapp/artwork: spec <- colour, typography, motifs <- compose, with no cycle (the spec
    lives apart, so the colour and type modules no longer import the composition)."""
    folder = ROOT / "webapp" / "artwork"
    graph = {}
    for path in folder.glob("*.py"):
        name = f"webapp.artwork.{path.stem}" if path.stem != "__init__" else "webapp.artwork"
        graph[name] = {m for m in _modules_imported(path, "webapp.artwork")
                       if m in {f"webapp.artwork.{p.stem}" for p in folder.glob("*.py")}}
    graph.pop("webapp.artwork", None)  # the package re-exports; nothing imports it back
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError(f"import cycle: {' -> '.join(stack + [node])}")
        if node in seen:
            return
        stack.append(node)
        for nxt in graph.get(node, ()):
            visit(nxt)
        stack.pop()
        seen.add(node)

    for node in graph:
        visit(node)
    assert "webapp.artwork.spec" in graph


SIMULATOR_PARTS = ("catalog", "viewers", "studies")  # lowest first


def _simulator_part(module: str) -> str | None:
    """The part of simulator a dotted module name lies in, or None (simulator itself, bulk, rng)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in SIMULATOR_PARTS else None


def test_simulator_parts_import_downward_only():
    """simulator's parts stand in order, lowest first: catalog, viewers, studies. A module may
    import its own part and the parts below it, never one above (catalog imports neither viewers
    nor studies; viewers never imports studies); bulk, rng and simulator/__init__.py import none
    of the parts. Every .py file under simulator/ is checked, with absolute imports only (a
    relative import would slip past this walk, so there must be none)."""
    rank = {part: i for i, part in enumerate(SIMULATOR_PARTS)}
    offenders = {}
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        own = _simulator_part(".".join(path.relative_to(ROOT).with_suffix("").parts))
        highest = rank[own] if own else -1
        above = sorted(m for m in _modules_imported(path, "simulator")
                       if (part := _simulator_part(m)) is not None and rank[part] > highest)
        relative = [node.lineno for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.ImportFrom) and node.level > 0]
        if above or relative:
            offenders[name] = above + [f"relative import, line {n}" for n in relative]
    assert offenders == {}
