"""`python -m devtools.audit`: known vulnerabilities in the project's dependencies (pip-audit).

`make lint` runs it. It audits exactly what pyproject.toml asks for, runtime and dev, at
the versions installed here: the requirements of ``wdf-line-bot[dev]`` and theirs, all
the way down, pinned to what this environment holds and handed to pip-audit with
``--no-deps --disable-pip`` (nothing is resolved or installed). The venv's own tools
(pip, and whatever setuptools ``python -m venv`` seeded) are not the product's and are
left out.

pip-audit asks PyPI's JSON API about each pinned version. The verdict:

- a known vulnerability: fail, everywhere;
- a dependency that could not be checked (no network, PyPI down, a mirror that lacks
  per-version data) or pip-audit not running at all: a loud warning, and a failure where
  ``AUDIT_STRICT=1`` says the advisory data must be reachable. Not failing on ``CI``
  alone is deliberate: this project's CI machines reach a package index that serves no
  per-version advisory data, so a strict audit there could never pass, and a build that
  is always red hides the day it fails for a real vulnerability.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "wdf-line-bot"
SHOWN = 8  # dependencies named when many could not be audited (usually all, for one reason)


def installed_closure(project: str = PROJECT, extras: Iterable[str] = ("dev",)) -> tuple[dict[str, str], list[str]]:
    """Every distribution `project[extras]` needs, as installed: ({name: version}, [names not installed])."""
    found: dict[str, str] = {}
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[str, frozenset[str]]] = [(project, frozenset(extras))]
    while queue:
        name, wanted = queue.pop()
        if (canonicalize_name(name), wanted) in seen:
            continue
        seen.add((canonicalize_name(name), wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(canonicalize_name(name))
            continue
        if canonicalize_name(name) != canonicalize_name(project):
            found[canonicalize_name(name)] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in ("", *wanted)):
                queue.append((requirement.name, frozenset(requirement.extras)))
    return found, sorted(set(missing))


@dataclass
class Verdict:
    """What the audit found and whether `make lint` should fail."""

    failed: bool
    lines: list[str] = field(default_factory=list)


def judge(report: dict[str, Any] | None, *, strict: bool, problem: str = "", missing: Collection[str] = ()) -> Verdict:
    """Decide from pip-audit's JSON report (None when it did not run or said nothing usable)."""
    if report is None:
        return _unchecked([f"pip-audit did not run: {problem or 'no report'}"], strict)
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        lines = ["known vulnerabilities in the dependencies:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                lines.append(f"  {dependency['name']} {dependency.get('version', '?')}: {vuln.get('id')} "
                             f"(fixed in {fixed})")
        return Verdict(True, lines)
    unchecked = [f"  {d['name']}: {d['skip_reason']}" for d in skipped] + \
        [f"  {name}: required but not installed" for name in missing]
    if unchecked:
        shown = unchecked[:SHOWN] + ([f"  … and {len(unchecked) - SHOWN} more"] if len(unchecked) > SHOWN else [])
        return _unchecked([f"{len(unchecked)} of {len(dependencies) + len(missing)} dependencies could not be "
                           "audited:", *shown], strict)
    return Verdict(False, [f"no known vulnerabilities in {len(dependencies)} dependencies"])


def _unchecked(lines: list[str], strict: bool) -> Verdict:
    if strict:
        return Verdict(True, [*lines, "AUDIT_STRICT is set: every dependency must be audited: failing"])
    return Verdict(False, [*lines, "WARNING: the dependency audit did NOT run completely here "
                                   "(AUDIT_STRICT=1 makes this fail)"])


def run_pip_audit(pinned: dict[str, str]) -> tuple[dict[str, Any] | None, str]:
    """pip-audit on these exact versions: (its JSON report or None, what went wrong)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="wdf-audit-", delete=False) as handle:
        handle.write("".join(f"{name}=={version}\n" for name, version in sorted(pinned.items())))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", handle.name, "--no-deps", "--disable-pip", "--format", "json",
             "--progress-spinner", "off"],
            capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, type(exc).__name__
    finally:
        os.unlink(handle.name)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return None, last[:300]
    return (report, "") if isinstance(report, dict) else (None, "unexpected report")


def main() -> int:
    pinned, missing = installed_closure()
    report, problem = run_pip_audit(pinned)
    verdict = judge(report, strict=os.environ.get("AUDIT_STRICT", "") not in ("", "0"), problem=problem,
                    missing=missing)
    print("\n".join(f"pip-audit: {line}" for line in verdict.lines), file=sys.stderr)
    return 1 if verdict.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
