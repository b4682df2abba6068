"""Health check, and logs that say what happened without personal data."""

from __future__ import annotations

import json
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.logs import JsonFormatter, redact


def test_healthz_reports_the_database(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] in {"sqlite", "postgresql"}


def test_one_log_line_per_event_without_what_people_typed(line, caplog):
    caplog.set_level(logging.INFO)
    line.say("เลขบัตร 1101700207030 โทร 0812345678 ยอด 12,345.50")
    [record] = [r for r in caplog.records if r.name == "bot.events"]
    assert record.event_type == "message" and record.handler == "default:text"
    assert record.duration_ms >= 0 and record.event_id
    formatted = JsonFormatter().format(record)
    for secret in ("1101700207030", "0812345678", "12,345.50", "เลขบัตร"):
        assert secret not in formatted
    assert json.loads(formatted)["event_id"] == record.event_id
    everything = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "1101700207030" not in everything and "0812345678" not in everything


def test_redaction_masks_ids_and_phones_but_not_event_ids():
    assert redact("id 1-1017-00207-03-0 and 081 234 5678") == "id [redacted] and [redacted]"
    assert redact("01JF8M3K2Q8ZV9B7N4P6X5W3T2") == "01JF8M3K2Q8ZV9B7N4P6X5W3T2"


def test_a_database_error_logs_no_typed_text(db, caplog):
    """An error's text names the SQL, never its parameters: they are what people typed."""
    typed = "เยี่ยม สมศรี แก้วประดับ จ่าย 1,500 บาท"
    caplog.set_level(logging.ERROR)
    log = logging.getLogger("bot.events")
    with db.connect() as connection:
        try:
            connection.execute(text("SELECT * FROM no_such_table WHERE note = :note"), {"note": typed})
        except DBAPIError:
            log.exception("handler failed")
    [record] = caplog.records
    formatted = JsonFormatter().format(record)
    assert "no_such_table" in formatted  # the error itself is still there to read
    for secret in ("สมศรี", "1,500", typed):
        assert secret not in formatted
