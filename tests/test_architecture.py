"""The direction of imports: models ← nlp ← flows → review, and the store never reaches nlp."""

import ast
from pathlib import Path

import pytest

from conftest import REPO

# What a layer may not reach: the entry points, the orchestrator and the database.
ENTRY_POINTS = {"rogatory.cli", "rogatory.settings"}
ENGINES = {"prefect", "sqlalchemy"}
FORBIDDEN = {
    "models": {"rogatory.nlp", "rogatory.flows", "rogatory.review"} | ENTRY_POINTS | ENGINES,
    "nlp": {"rogatory.flows", "rogatory.review"} | ENTRY_POINTS | ENGINES,
    "review": {"rogatory.nlp", "rogatory.flows", "prefect"} | ENTRY_POINTS,
    "flows": {"rogatory.cli"},
}


def imported_modules(path: Path, package: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports stay inside the package
                found.add(f"rogatory.{package}")
            elif node.module:
                found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    violations = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in files
        for module in imported_modules(path, package)
        if any(module == bad or module.startswith(f"{bad}.") for bad in FORBIDDEN[package])
    ]
    assert violations == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from rogatory.flows.process import process_document\nimport prefect\n")
    assert {"rogatory.flows.process", "prefect"} <= imported_modules(bad, "nlp")
