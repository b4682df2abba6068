"""The JSON API (bearer token = ADMIN_TOKEN). Dates are C.E. `YYYY-MM-DD`."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select

from bot.clock import BANGKOK
from bot.runtime import runtime
from models import Outbox

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_ROWS = 1000


def require_admin(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 unless `Authorization: Bearer $ADMIN_TOKEN`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        expected = runtime().settings.admin_token
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            response = jsonify({"error": "unauthorized", "detail": "send Authorization: Bearer <ADMIN_TOKEN>"})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="wdf"'
            return response
        return view(*args, **kwargs)

    return wrapper


@bp.errorhandler(400)
def _bad_request(exc):  # type: ignore[no-untyped-def]
    return jsonify({"error": "bad_request", "detail": exc.description}), 400


def parse_instant(raw: str, name: str) -> datetime:
    """`YYYY-MM-DD` or an ISO date-time; naive means Asia/Bangkok."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+07:00], got {raw!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


@bp.get("/outbox")
@require_admin
def outbox():  # type: ignore[no-untyped-def]
    """Messages sent or queued to LINE since a moment, oldest first."""
    query = select(Outbox).order_by(Outbox.created_at, Outbox.id).limit(MAX_ROWS)
    since = request.args.get("since")
    if since:
        query = query.where(Outbox.created_at >= parse_instant(since, "since"))
    with runtime().sessions() as session:
        rows = session.scalars(query).all()
    return jsonify([_outbox_row(row) for row in rows])


def _outbox_row(row: Outbox) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "recipient_kind": row.recipient_kind,
        "recipients": row.recipients,
        "text": row.summary,
        "status": row.status,
        "attempts": row.attempts,
        "origin": row.origin,
        "retry_key": row.retry_key,
        "dedupe_key": row.dedupe_key,
        "http_status": row.last_status,
        "created_at": row.created_at.astimezone(BANGKOK).isoformat(),
        "sent_at": row.sent_at.astimezone(BANGKOK).isoformat() if row.sent_at else None,
    }
