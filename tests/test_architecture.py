"""The dependency arrows stay one way (docs/architecture.md), checked by walking imports with
ast."""

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
