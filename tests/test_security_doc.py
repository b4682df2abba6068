"""SECURITY.md names the tests that prove each promise: every one it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"`(test_\w+\.py)::(test_\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_security_md_names_exists():
    named = NAMED.findall((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
    assert len(named) > 50
    missing = sorted(f"{file}::{test}" for file, test in named
                     if not (ROOT / "tests" / file).is_file() or test not in _tests_in(ROOT / "tests" / file))
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"
