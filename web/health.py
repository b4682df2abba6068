"""GET /healthz: the app is up and the database answers."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify

from bot.runtime import runtime
from services.health import ping

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    rt = runtime()
    try:
        with rt.engine.connect() as connection:
            ping(connection)
    except Exception as exc:
        log.error("health check: database unreachable", extra={"error": type(exc).__name__})
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": rt.engine.dialect.name,
                    "now": rt.clock.now().isoformat(timespec="seconds")})
