"""Thai wording lives in messages/ (and data files): a test scans every other package's
string literals for Thai script.

Reading Thai is another matter: a few modules must know the Thai that people and the
register write (dates, digits, titles, role words, sheet names, the group guard's
patterns). They are named below, each with its reason; anything else with Thai in a
string fails, so a sentence written in a handler, a service or a job is caught.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THAI = re.compile(r"[\u0E00-\u0E7F]")
SCANNED = ("bot", "config", "domain", "handlers", "models", "register", "scheduler", "services", "web")

READS_THAI = {
    "domain/textnorm.py": "Thai digits and the titles people type before a name",
    "domain/identity.py": "Thai month names and B.E. markers in typed dates",
    "domain/group_guard.py": "the Thai patterns of personal data the group guard refuses",
    "domain/visits.py": "amounts typed with บาท",
    "domain/field.py": "the #อัปเดต prefix volunteers type",
    "domain/money.py": "the four debtor classes' official names, the JSON API's `class_name`",
    "register/cells.py": "role words and fund names in the register's exports",
    "register/sources.py": "the Thai sheet and file names of the register's exports",
    "config/settings.py": "defaults that are the Phuket office's own details, set per office in the environment",
}


def _thai_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:50]!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and THAI.search(node.value)]


def test_thai_wording_only_in_messages():
    found = [hit for package in SCANNED for path in sorted((ROOT / package).rglob("*.py"))
             if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in READS_THAI
             for hit in _thai_literals(path)]
    assert not found, "Thai outside messages/ (move the words to messages/):\n" + "\n".join(found)


def test_the_readers_of_thai_still_read_it():
    """An entry that no longer holds Thai is stale: take it off the list."""
    for name in READS_THAI:
        assert _thai_literals(ROOT / name), f"{name} has no Thai left: remove it from READS_THAI"
