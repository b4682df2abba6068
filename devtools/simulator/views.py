"""The LINE simulator (demo mode only): a page that plays the LINE app for chosen personas.

Each action is turned into a webhook event the way LINE would make it: a reply token
issued by the fake platform, the event signed with the channel secret and POSTed over
HTTP to this app's own `/callback`. What the bot sends back is read from the fake.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.error
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory

from bot.router import understands
from bot.runtime import runtime
from devtools.fakeline import FakeLineClient
from devtools.fakeline import events as ev
from domain.identity import format_be_date, format_national_id, parse_typed_date
from web.limits import MB, body_limit

STATIC = Path(__file__).with_name("static")
MAX_IMAGE_BYTES = 1024 * 1024

bp = Blueprint("simulator", __name__, url_prefix="/simulator", static_folder=str(STATIC),
               static_url_path="/static")


def personas() -> list[dict[str, Any]]:
    """The demo's personas (from the sample data), keyed by id."""
    return list(current_app.config.get("SIMULATOR_PERSONAS", []))


def _persona(persona_id: str) -> dict[str, Any]:
    for persona in personas():
        if persona["id"] == persona_id:
            return persona
    abort(404, description=f"no persona {persona_id!r}")


def _fake() -> FakeLineClient:
    return FakeLineClient(runtime().settings.line_api_base_url)


@bp.get("")
@bp.get("/")
def page():  # type: ignore[no-untyped-def]
    return send_from_directory(STATIC, "index.html")


@bp.get("/api/personas")
def list_personas():  # type: ignore[no-untyped-def]
    public = ("id", "label", "kind", "role", "user_id", "group_id", "description")
    listed = []
    for persona in personas():
        entry = {key: persona.get(key) for key in public}
        in_group = bool(persona.get("group_id"))
        # Only words the bot answers today, so the demo never promises what is not built yet.
        entry["hints"] = [h for h in persona.get("hints", []) if understands(h, in_group=in_group)]
        entry["identity"] = _identity(persona)
        listed.append(entry)
    return jsonify(listed)


def _identity(persona: dict[str, Any]) -> dict[str, str] | None:
    """What a debtor persona types to verify, as the bot asks for it (sample data, shown on the page).

    The national ID in the card's groups, the birth date as day/month/B.E. year; with no birth
    date on the register, the phone's last four digits instead.
    """
    national_id = persona.get("national_id")
    if not national_id:
        return None
    born = parse_typed_date(persona["birth_date"]) if persona.get("birth_date") else None
    phone = str(persona.get("phone") or "")
    return {"national_id": format_national_id(str(national_id)),
            **({"birth_date": format_be_date(born)} if born else {}),
            **({"phone_last4": phone[-4:]} if born is None and len(phone) >= 4 else {})}


@bp.get("/api/clock")
def clock():  # type: ignore[no-untyped-def]
    """The bot's own clock (pinned by FUND_NOW in the demo): the page shows this time, not the browser's."""
    rt = runtime()
    return jsonify({"now": rt.clock.now().isoformat(), "pinned": rt.settings.fund_now is not None})


@bp.get("/api/richmenu")
def rich_menu():  # type: ignore[no-untyped-def]
    """The rich menu the persona sees (theirs, else the default), its areas and its picture's address."""
    persona = _persona(request.args.get("persona", ""))
    if persona.get("group_id"):  # rich menus show only in a 1:1 chat
        return jsonify({"menu": None})
    shown = _fake().rich_menu_of(persona["user_id"])
    menu = shown.get("richMenu")
    if menu is None:
        return jsonify({"menu": None})
    return jsonify({"menu": {key: menu.get(key) for key in ("richMenuId", "size", "areas", "chatBarText", "selected")}
                    | {"image": f"{bp.url_prefix}/api/richmenu/{menu['richMenuId']}/image"},
                    "linked": shown.get("linked", False)})


@bp.get("/api/richmenu/<menu_id>/image")
def rich_menu_image(menu_id: str):  # type: ignore[no-untyped-def]
    try:
        data, kind = _fake().rich_menu_image(menu_id)
    except (urllib.error.URLError, OSError):
        abort(404)
    return Response(data, mimetype=kind, headers={"Cache-Control": "max-age=3600"})  # an id's picture never changes


@bp.get("/api/messages")
def messages():  # type: ignore[no-untyped-def]
    persona = _persona(request.args.get("persona", ""))
    after = int(request.args.get("after", 0) or 0)
    chat = f"group:{persona['group_id']}" if persona.get("group_id") else f"user:{persona['user_id']}"
    rows = _fake().chat(chat, after)
    return jsonify({"messages": rows, "last": rows[-1]["seq"] if rows else after})


@bp.post("/api/send")
@body_limit(2 * MB)  # a picture of up to 1 MB, as a base64 data: URL in JSON
def send():  # type: ignore[no-untyped-def]
    spec = request.get_json(force=True, silent=True) or {}
    persona = _persona(spec.get("persona", ""))
    try:
        event, echo = _build_event(persona, spec)
    except ValueError as exc:
        return jsonify({"ok": False, "status": 400, "error": str(exc)}), 400
    fake = _fake()
    source = event["source"]
    if event["type"] not in {"unfollow", "leave"}:
        event["replyToken"] = fake.issue_reply_token(source, echo)
    body = ev.payload(event)
    signature = ev.sign(body, runtime().settings.line_channel_secret)
    delivery = ev.post_webhook(request.host_url.rstrip("/") + "/callback", body, signature)
    ok = delivery.status == 200
    return jsonify({"ok": ok, "status": delivery.status, "event_id": event["webhookEventId"],
                    **({} if ok else {"error": delivery.body[:200]})})


def _build_event(persona: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    event, echo = _event_of(persona, spec)
    event["timestamp"] = int(runtime().clock.now().timestamp() * 1000)  # sent at the bot's time, as the chat shows
    return event, echo


def _event_of(persona: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    source = ev.source(persona["user_id"], persona.get("group_id"))
    kind = spec.get("type")
    if kind == "text":
        text = str(spec.get("text", "")).strip()
        if not text:
            raise ValueError("empty message")
        return ev.event("message", source, message=ev.text_message(text)), {"type": "text", "text": text}
    if kind == "postback":
        postback: dict[str, Any] = {"data": str(spec.get("data", ""))}
        if spec.get("params"):
            postback["params"] = spec["params"]
        shown = spec.get("display_text")
        echo = {"type": "postback-display", "text": shown} if shown else None
        return ev.event("postback", source, postback=postback), echo
    if kind == "richmenuswitch" and not persona.get("group_id"):  # a tab of the rich menu tapped
        alias = str(spec.get("alias", ""))
        status = _fake().switch_rich_menu(persona["user_id"], alias)
        postback = {"data": str(spec.get("data", "")), "params": {"newRichMenuAliasId": alias, "status": status}}
        return ev.event("postback", source, postback=postback), None
    if kind == "location":
        lat, lng = float(spec["latitude"]), float(spec["longitude"])
        message = ev.location_message(lat, lng, spec.get("title", ""), spec.get("address", ""))
        return ev.event("message", source, message=message), {k: v for k, v in message.items() if k != "id"}
    if kind == "image":
        return _image_event(source, str(spec.get("data_url", "")))
    if kind in {"follow", "unfollow"} and not persona.get("group_id"):
        return ev.event(kind, {"type": "user", "userId": persona["user_id"]}), None
    if kind == "join" and persona.get("group_id"):
        return ev.event("join", {"type": "group", "groupId": persona["group_id"]}), None
    raise ValueError(f"cannot send {kind!r} as this persona")


def _image_event(source: dict[str, Any], data_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, _, encoded = data_url.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise ValueError("send a picture (a data: URL of an image)")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the picture could not be read") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("pictures up to 1 MB in the simulator")
    message = ev.image_message()
    _fake().put_content(message["id"], data, header[5:].split(";")[0])
    return ev.event("message", source, message=message), {"type": "image", "previewImageUrl": data_url}


def load_personas(path: Path) -> list[dict[str, Any]]:
    """Personas from the sample data's personas.json (`{"as_of", "seed", "personas": [...]}`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["personas"] if isinstance(data, dict) else data)


__all__ = ["bp", "load_personas"]
