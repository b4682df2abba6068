"""The dependency audit of `make lint` (devtools/audit.py; issue 16, "Also").

What it audits (the project's dependencies as installed, not the venv's own tools) and
how it judges pip-audit's report: a vulnerability always fails; a dependency that could
not be checked warns, and fails only where AUDIT_STRICT=1 asks for a complete audit.
"""

from __future__ import annotations

from importlib import metadata

from devtools.audit import PROJECT, installed_closure, judge

VULNERABLE = {"dependencies": [
    {"name": "flask", "version": "3.1.0", "vulns": [
        {"id": "GHSA-4grg-w6v8-c28g", "fix_versions": ["3.1.1"], "aliases": ["CVE-2025-47278"], "description": "…"}]},
    {"name": "jinja2", "version": "3.1.6", "vulns": []},
], "fixes": []}
CLEAN = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []},
                          {"name": "jinja2", "version": "3.1.6", "vulns": []}], "fixes": []}
UNCHECKED = {"dependencies": [
    {"name": "flask", "version": "3.1.3", "vulns": []},
    {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (3.1.6)"},
], "fixes": []}


def test_it_audits_the_projects_dependencies_as_installed():
    pinned, missing = installed_closure()
    assert missing == []
    for name in ("flask", "werkzeug", "jinja2", "line-bot-sdk", "sqlalchemy", "pip-audit", "pytest"):
        assert pinned[name] == metadata.version(name), name
    assert "psycopg-binary" in pinned  # through psycopg[binary]: extras are followed
    assert PROJECT not in pinned and "setuptools" not in pinned  # not the project, not the venv's seed


def test_a_known_vulnerability_fails_everywhere():
    for strict in (True, False):
        verdict = judge(VULNERABLE, strict=strict)
        assert verdict.failed
        assert "  flask 3.1.0: GHSA-4grg-w6v8-c28g (fixed in 3.1.1)" in verdict.lines


def test_no_known_vulnerability_passes():
    verdict = judge(CLEAN, strict=True)
    assert not verdict.failed and verdict.lines == ["no known vulnerabilities in 2 dependencies"]


def test_a_dependency_not_checked_fails_strictly_and_warns_elsewhere():
    strictly, here = judge(UNCHECKED, strict=True), judge(UNCHECKED, strict=False)
    assert strictly.failed and not here.failed
    for verdict in (strictly, here):
        assert verdict.lines[0] == "1 of 2 dependencies could not be audited:"
        assert verdict.lines[1].startswith("  jinja2: Dependency not found on PyPI")
    assert "WARNING" in here.lines[-1]


def test_a_dependency_not_installed_counts_as_not_checked():
    verdict = judge(CLEAN, strict=True, missing=["psycopg-binary"])
    assert verdict.failed and "  psycopg-binary: required but not installed" in verdict.lines


def test_no_network_fails_strictly_and_warns_elsewhere():
    problem = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443)"
    strictly, here = judge(None, strict=True, problem=problem), judge(None, strict=False, problem=problem)
    assert strictly.failed and not here.failed
    assert strictly.lines[0] == f"pip-audit did not run: {problem}"


def test_many_unchecked_are_summarised():
    many = {"dependencies": [{"name": f"p{n}", "skip_reason": "not found"} for n in range(20)]}
    verdict = judge(many, strict=False)
    assert verdict.lines[0] == "20 of 20 dependencies could not be audited:"
    assert "  … and 12 more" in verdict.lines
