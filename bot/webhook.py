"""POST /callback: verify the signature, then hand the events to dispatch."""

from __future__ import annotations

import logging

from flask import Blueprint, request
from linebot.v3.exceptions import InvalidSignatureError

from bot.dispatch import handle_events
from bot.runtime import runtime

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


@bp.post("/callback")
def callback() -> tuple[str, int]:
    """LINE's webhook. 400 and nothing stored on a bad signature or a malformed body."""
    rt = runtime()
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data(as_text=True)
    if not signature:
        log.warning("webhook without signature", extra={"remote": request.remote_addr})
        return "missing X-Line-Signature", 400
    try:
        payload = rt.parser.parse(body, signature, as_payload=True)
    except InvalidSignatureError:
        log.warning("webhook with a bad signature", extra={"remote": request.remote_addr})
        return "invalid signature", 400
    except Exception as exc:  # the SDK raises several kinds on a body that is not an event list
        log.warning("malformed webhook body", extra={"error": type(exc).__name__})
        return "malformed body", 400
    events = payload.events or []
    if not events:  # LINE's "Verify" button sends an empty list
        return "OK", 200
    handle_events(rt, events)
    return "OK", 200
