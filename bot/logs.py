"""Structured logs: one JSON line per record, with personal data kept out by construction."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# Anything that looks like a national ID, phone number or account number is masked, in
# case a message ever slips into a log line. Handlers never log texts people send.
_LONG_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:\d[\s-]?){8,}\d(?![A-Za-z0-9])")
_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    """Mask long digit runs (national IDs, phones)."""
    return _LONG_NUMBER.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        line = f"{record.levelname:<7} {record.name}: {record.getMessage()}"
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    """Send our loggers to stderr once (idempotent across app factories in one process)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_wdf", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._wdf = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if json_lines else PlainFormatter())
    root.addHandler(handler)
    root.setLevel(level)
