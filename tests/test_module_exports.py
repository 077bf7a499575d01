"""A module that declares `__all__` lists in it every name that other modules import from it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PACKAGES = ("accounts", "config", "contacts", "fundraising", "google_contacts", "imports")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def declared_exports() -> dict[str, set[str]]:
    exports = {}
    for package in PRODUCT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                    exports[module_name(path)] = {element.value for element in node.value.elts}
    return exports


def test_every_name_imported_from_a_module_with_all_is_in_its_all():
    exports = declared_exports()
    assert "imports.pipeline.readers.tnt" in exports  # the walk found the modules
    missing = []
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in exports:
                missing += [
                    f"{node.module}.{alias.name} (imported by {path.relative_to(ROOT)})"
                    for alias in node.names
                    if alias.name not in exports[node.module] and not alias.name.startswith("_")
                ]
    assert missing == []
