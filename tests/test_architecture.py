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


def imported_modules(path: Path, module: str) -> set[str]:
    """Absolute names of what `path` (the module named `module`) imports, relative imports
    resolved against its own package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.add(node.module)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = (*parts[:-1], "__init__")  # relative imports count from the package itself
    return ".".join(("rogatory", *parts))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    violations = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in files
        for module in imported_modules(path, module_name(path))
        if any(module == bad or module.startswith(f"{bad}.") for bad in FORBIDDEN[package])
    ]
    assert violations == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from rogatory.flows.process import process_document\nimport prefect\n"
        "from ...nlp.pages import split_pages\nfrom .. import flows\nfrom .tables import Base\n"
    )
    found = imported_modules(bad, "rogatory.review.web.app")
    assert {"rogatory.flows.process", "prefect", "rogatory.nlp.pages", "rogatory.review"} <= found
    assert "rogatory.review.web.tables" in found
