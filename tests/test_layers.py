"""The areas depend one way, as ARCHITECTURE.md draws them: audit <- mail <- accounts
<- item_bank <- exam <- rating <- results <- analysis, competencies. An area
imports only the areas below it; psychometrics imports nothing of ours, and
openapi no area (each area declares its part of the document)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AREAS = ["audit", "mail", "accounts", "item_bank", "exam", "rating", "results", "analysis", "competencies"]
PEERS = {"analysis": {"competencies"}, "competencies": {"analysis"}}  # the top two: neither imports the other
OURS = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name != "tests"} | {
    path.stem for path in ROOT.glob("*.py")}


def imported_packages(package):
    """{(our package or module imported, file:line)} for every import in the package."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in OURS and top != package:
                    found.add((top, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


@pytest.mark.parametrize("area", AREAS)
def test_an_area_imports_only_the_areas_below_it(area):
    above = set(AREAS[AREAS.index(area) + 1:]) | PEERS.get(area, set())

    assert [(imported, where) for imported, where in imported_packages(area) if imported in above] == []


def test_psychometrics_imports_nothing_of_ours():
    assert sorted(imported_packages("psychometrics")) == []


def test_the_openapi_package_imports_no_area():
    assert [(imported, where) for imported, where in imported_packages("openapi") if imported in AREAS] == []
