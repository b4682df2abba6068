"""No import is placed inside a function to dodge a cycle: the layers make cycles impossible,
so every import of ours sits at the top of its module, where a reader (and the import
contract) sees it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "config", "devtools", "domain", "handlers", "messages", "models", "register", "scheduler",
            "services", "web")
OURS = set(PACKAGES)

# Lazy on purpose, each for a reason other than a cycle.
ALLOWED: dict[str, str] = {
}


def _function_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                    names = [inner.module]
                elif isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                else:
                    continue
                found += [f"{path.relative_to(ROOT)}:{inner.lineno} {name}" for name in names
                          if name.split(".")[0] in OURS]
    return found


def test_no_import_of_ours_inside_a_function():
    found = [hit for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             if "migrations" not in path.parts for hit in _function_imports(path)]
    unexplained = [hit for hit in found if hit.split(" ")[0].split(":")[0] not in ALLOWED]
    assert not unexplained, "imports inside functions:\n" + "\n".join(unexplained)
