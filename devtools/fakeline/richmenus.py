"""The fake platform's rich menus: menus, pictures, aliases, the default, and each user's link.

LINE's limits are checked here on their own (not with the product's domain.richmenus, so a
mistake there cannot hide itself): a menu's size and areas, the chat bar text, action labels,
alias ids, and a picture's type, weight and size; refusals are LINE-shaped 400 bodies. The
simulator reads a user's menu and switches tabs through the `/_fake/richmenus/...` endpoints.
"""

from __future__ import annotations

import io
import re
import uuid
from typing import Any, NoReturn

from flask import Flask, Response, jsonify, request
from PIL import Image, UnidentifiedImageError

from devtools.fakeline.state import FakeState, LineError, error_detail, record_request, take_fault

MAX_MENUS = 1000
MAX_IMAGE_BYTES = 1024 * 1024
ALIAS_ID = re.compile(r"[a-z0-9_-]{1,32}")
USER_ID = re.compile(r"U[0-9a-f]{32}")
AREA_ACTIONS = {"postback", "message", "uri", "datetimepicker", "richmenuswitch"}


def register_rich_menus(app: Flask, state: FakeState) -> None:
    @app.before_request
    def _injected_fault() -> Response | None:
        """A fault a test injected for a rich-menu request (`FakeLineClient.inject`) answers it."""
        if not request.path.startswith(("/v2/bot/richmenu", "/v2/bot/user/")):
            return None
        fault = take_fault(state)
        if fault is None:
            return None
        record_request(state, fault.status, None, injected=True)
        response = jsonify(fault.body or {"message": "Internal server error"})
        response.status_code = fault.status
        response.headers.update(fault.headers)
        return response

    _register_menus(app, state)
    _register_aliases(app, state)
    _register_links(app, state)
    _register_bulk_links(app, state)
    _register_control(app, state)


# --- menus and their pictures ---------------------------------------------------------------


def _register_menus(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/richmenu")
    def create_rich_menu() -> Response:
        body = _checked_menu(state)
        with state.lock:
            if len(state.rich_menus) >= MAX_MENUS:
                _refuse(state, 400, f"The number of rich menus has reached the limit ({MAX_MENUS})", body=body)
            menu_id = "richmenu-" + uuid.uuid4().hex
            state.rich_menus[menu_id] = {"richMenuId": menu_id, **body}
        record_request(state, 200, body)
        return jsonify({"richMenuId": menu_id})

    @app.post("/v2/bot/richmenu/validate")
    def validate_rich_menu() -> Response:
        body = _checked_menu(state)
        record_request(state, 200, body)
        return jsonify({})

    @app.get("/v2/bot/richmenu/list")
    def list_rich_menus() -> Response:
        record_request(state, 200)
        return jsonify({"richmenus": [_public(menu) for menu in state.rich_menus.values()]})

    @app.get("/v2/bot/richmenu/<menu_id>")
    def get_rich_menu(menu_id: str) -> Response:
        menu = _menu(state, menu_id)
        record_request(state, 200)
        return jsonify(_public(menu))

    @app.delete("/v2/bot/richmenu/<menu_id>")
    def delete_rich_menu(menu_id: str) -> Response:
        _menu(state, menu_id)
        with state.lock:
            del state.rich_menus[menu_id]
            state.rich_menu_images.pop(menu_id, None)
            state.user_rich_menus = {u: m for u, m in state.user_rich_menus.items() if m != menu_id}
            if state.default_rich_menu == menu_id:
                state.default_rich_menu = None
        record_request(state, 200)
        return jsonify({})

    @app.post("/v2/bot/richmenu/<menu_id>/content")
    def upload_rich_menu_image(menu_id: str) -> Response:
        return _store_image(state, menu_id)

    @app.get("/v2/bot/richmenu/<menu_id>/content")
    def download_rich_menu_image(menu_id: str) -> Response:
        _menu(state, menu_id)
        image = state.rich_menu_images.get(menu_id)
        if image is None:
            _refuse(state, 404, "Not found")
        record_request(state, 200)
        return Response(image[0], mimetype=image[1])


def _store_image(state: FakeState, menu_id: str) -> Response:
    """A menu's picture: PNG or JPEG, at most 1 MB, exactly the menu's size, and only once."""
    data = request.get_data()
    shown = {"contentType": request.mimetype, "bytes": len(data)}
    menu = _menu(state, menu_id, shown)
    if request.mimetype not in {"image/png", "image/jpeg"}:
        _refuse(state, 415, "Unsupported Media Type", body=shown)
    if len(data) > MAX_IMAGE_BYTES:
        _refuse(state, 413, "Request Entity Too Large", body=shown)
    if menu_id in state.rich_menu_images:
        _refuse(state, 400, "An image has already been uploaded to the richmenu", body=shown)
    try:
        with Image.open(io.BytesIO(data)) as picture:
            size, kind = picture.size, picture.format
    except (UnidentifiedImageError, OSError):
        _refuse(state, 400, "The image could not be read", body=shown)
    wanted = (menu["size"]["width"], menu["size"]["height"])
    if {"PNG": "image/png", "JPEG": "image/jpeg"}.get(kind or "") != request.mimetype or size != wanted:
        _refuse(state, 400, f"Image size or type does not match the rich menu: {size[0]}x{size[1]} {kind}, "
                            f"expected {wanted[0]}x{wanted[1]} {request.mimetype}", body=shown)
    state.rich_menu_images[menu_id] = (data, request.mimetype)
    record_request(state, 200, shown)
    return jsonify({})


# --- aliases ---------------------------------------------------------------------------------


def _register_aliases(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/richmenu/alias")
    def create_alias() -> Response:
        body = request.get_json(silent=True) or {}
        alias, menu_id = body.get("richMenuAliasId"), body.get("richMenuId")
        if not isinstance(alias, str) or not ALIAS_ID.fullmatch(alias):
            detail = error_detail("Must match [a-z0-9_-]{1,32}", "richMenuAliasId")
            _refuse(state, 400, "The request body has 1 error(s)", [detail], body=body)
        with state.lock:
            if alias in state.rich_menu_aliases:
                _refuse(state, 400, "conflict richmenu alias id", body=body)
            _ready(state, menu_id, body)
            state.rich_menu_aliases[alias] = str(menu_id)
        record_request(state, 200, body)
        return jsonify({})

    @app.post("/v2/bot/richmenu/alias/<alias>")
    def update_alias(alias: str) -> Response:
        body = request.get_json(silent=True) or {}
        with state.lock:
            if alias not in state.rich_menu_aliases:
                _refuse(state, 400, "richmenu alias id not found", body=body)
            _ready(state, body.get("richMenuId"), body)
            state.rich_menu_aliases[alias] = str(body["richMenuId"])
        record_request(state, 200, body)
        return jsonify({})

    @app.get("/v2/bot/richmenu/alias/list")
    def list_aliases() -> Response:
        record_request(state, 200)
        return jsonify({"aliases": [{"richMenuAliasId": alias, "richMenuId": menu_id}
                                    for alias, menu_id in state.rich_menu_aliases.items()]})

    @app.get("/v2/bot/richmenu/alias/<alias>")
    def get_alias(alias: str) -> Response:
        if alias not in state.rich_menu_aliases:
            _refuse(state, 404, "richmenu alias id not found")
        record_request(state, 200)
        return jsonify({"richMenuAliasId": alias, "richMenuId": state.rich_menu_aliases[alias]})

    @app.delete("/v2/bot/richmenu/alias/<alias>")
    def delete_alias(alias: str) -> Response:
        if state.rich_menu_aliases.pop(alias, None) is None:
            _refuse(state, 404, "richmenu alias id not found")
        record_request(state, 200)
        return jsonify({})


# --- the default and each user's menu ---------------------------------------------------------


def _register_links(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/user/all/richmenu/<menu_id>")
    def set_default_rich_menu(menu_id: str) -> Response:
        _ready(state, menu_id)
        state.default_rich_menu = menu_id
        record_request(state, 200)
        return jsonify({})

    @app.get("/v2/bot/user/all/richmenu")
    def get_default_rich_menu() -> Response:
        if state.default_rich_menu is None:
            _refuse(state, 404, "no default richmenu")
        record_request(state, 200)
        return jsonify({"richMenuId": state.default_rich_menu})

    @app.delete("/v2/bot/user/all/richmenu")
    def cancel_default_rich_menu() -> Response:
        state.default_rich_menu = None
        record_request(state, 200)
        return jsonify({})

    @app.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
    def link_rich_menu(user_id: str, menu_id: str) -> Response:
        _user(state, user_id)
        _ready(state, menu_id)
        state.user_rich_menus[user_id] = menu_id
        record_request(state, 200)
        return jsonify({})

    @app.get("/v2/bot/user/<user_id>/richmenu")
    def get_user_rich_menu(user_id: str) -> Response:
        _user(state, user_id)
        if user_id not in state.user_rich_menus:
            _refuse(state, 404, "the user has no richmenu")
        record_request(state, 200)
        return jsonify({"richMenuId": state.user_rich_menus[user_id]})

    @app.delete("/v2/bot/user/<user_id>/richmenu")
    def unlink_rich_menu(user_id: str) -> Response:
        _user(state, user_id)
        state.user_rich_menus.pop(user_id, None)
        record_request(state, 200)
        return jsonify({})



def _register_bulk_links(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/richmenu/bulk/link")
    def bulk_link() -> Response:
        body = request.get_json(silent=True) or {}
        users = _user_list(state, body)
        _ready(state, body.get("richMenuId"), body)
        for user in users:
            state.user_rich_menus[user] = str(body["richMenuId"])
        record_request(state, 202, body)
        return _accepted()

    @app.post("/v2/bot/richmenu/bulk/unlink")
    def bulk_unlink() -> Response:
        body = request.get_json(silent=True) or {}
        for user in _user_list(state, body):
            state.user_rich_menus.pop(user, None)
        record_request(state, 202, body)
        return _accepted()


def _accepted() -> Response:
    response = jsonify({})
    response.status_code = 202
    return response


# --- for the simulator: what a user sees, and a tab tapped -------------------------------------


def _register_control(app: Flask, state: FakeState) -> None:
    @app.get("/_fake/richmenus/user/<user_id>")
    def shown_to(user_id: str) -> Response:
        """The menu a user sees (theirs, else the default), with its areas; null when none."""
        linked = state.user_rich_menus.get(user_id)
        menu_id = linked if linked in state.rich_menus else state.default_rich_menu
        menu = state.rich_menus.get(menu_id or "")
        if menu is None or menu_id not in state.rich_menu_images:
            return jsonify({"richMenu": None, "linked": False})
        return jsonify({"richMenu": _public(menu), "linked": linked == menu_id})

    @app.get("/_fake/richmenus/<menu_id>/image")
    def image_of(menu_id: str) -> Response:
        image = state.rich_menu_images.get(menu_id)
        if image is None:
            raise LineError(404, "Not found")
        return Response(image[0], mimetype=image[1])

    @app.post("/_fake/richmenus/switch")
    def switch() -> Response:
        """A richmenuswitch area tapped: LINE links the alias's menu to the user and says how it went."""
        spec = request.get_json(force=True)
        menu_id = state.rich_menu_aliases.get(str(spec.get("richMenuAliasId")))
        if menu_id is None:
            return jsonify({"status": "RICHMENU_ALIAS_ID_NOTFOUND"})
        if menu_id not in state.rich_menus:
            return jsonify({"status": "RICHMENU_NOTFOUND"})
        state.user_rich_menus[str(spec.get("userId"))] = menu_id
        return jsonify({"status": "SUCCESS"})


# --- checks -----------------------------------------------------------------------------------


def _refuse(state: FakeState, status: int, message: str, details: list[dict[str, str]] | None = None, *,
            body: object = None) -> NoReturn:
    record_request(state, status, body)
    raise LineError(status, message, details)


def _menu(state: FakeState, menu_id: str, body: object = None) -> dict[str, Any]:
    menu = state.rich_menus.get(menu_id)
    if menu is None:
        _refuse(state, 404, "Not found", body=body)
    return menu


def _ready(state: FakeState, menu_id: object, body: object = None) -> None:
    """A menu that may be shown: it exists and has its picture."""
    if not isinstance(menu_id, str) or menu_id not in state.rich_menus:
        _refuse(state, 400, "richmenu not found", body=body)
    if menu_id not in state.rich_menu_images:
        _refuse(state, 400, "must upload richmenu image before applying it to user", body=body)


def _user(state: FakeState, user_id: str) -> None:
    if not USER_ID.fullmatch(user_id):
        _refuse(state, 400, "The value for the 'userId' parameter is invalid")


def _user_list(state: FakeState, body: dict[str, Any]) -> list[str]:
    users = body.get("userIds")
    if not isinstance(users, list) or not 1 <= len(users) <= 500 or not all(
            isinstance(u, str) and USER_ID.fullmatch(u) for u in users):
        _refuse(state, 400, "The request body has 1 error(s)",
                [error_detail("Size must be between 1 and 500, of valid user IDs", "userIds")], body=body)
    return list(users)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _public(menu: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in menu.items() if k != "hasImage"}


def _checked_menu(state: FakeState) -> dict[str, Any]:
    """The rich menu object of this request, or LINE's 400 listing what is wrong with it."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        _refuse(state, 400, "The request body has 1 error(s)", [error_detail("Invalid JSON", "")], body=body)
    details = menu_errors(body)
    if details:
        _refuse(state, 400, f"The request body has {len(details)} error(s)", details, body=body)
    return body


def menu_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    """LINE's complaints about a rich menu object, as its error details."""
    errors: list[dict[str, str]] = []
    size = _object(body.get("size"))
    width, height = size.get("width"), size.get("height")
    if not isinstance(width, int) or not isinstance(height, int):
        return [error_detail("Must not be null", "size")]
    if not 800 <= width <= 2500:
        errors.append(error_detail("Must be between 800 and 2500", "size.width"))
    if height < 250 or width / max(height, 1) < 1.45:
        errors.append(error_detail("Must be at least 250, with width/height at least 1.45", "size.height"))
    if not isinstance(body.get("selected"), bool):
        errors.append(error_detail("Must not be null", "selected"))
    for key, limit in (("name", 300), ("chatBarText", 14)):
        value = body.get(key)
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            errors.append(error_detail(f"Length must be between 1 and {limit}", key))
    areas = body.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        return [*errors, error_detail("Size must be between 1 and 20", "areas")]
    for index, area in enumerate(areas):
        errors.extend(_area_errors(area, f"areas[{index}]", width, height))
    return errors


def _area_errors(area: object, where: str, width: int, height: int) -> list[dict[str, str]]:
    if not isinstance(area, dict):
        return [error_detail("Must be an object", where)]
    errors = []
    bounds = _object(area.get("bounds"))
    x, y, w, h = (bounds.get(k) for k in ("x", "y", "width", "height"))
    if not (isinstance(x, int) and isinstance(y, int) and isinstance(w, int) and isinstance(h, int)):
        errors.append(error_detail("Must not be null", f"{where}.bounds"))
    elif x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height:
        errors.append(error_detail("The area must be within the rich menu", f"{where}.bounds"))
    action = _object(area.get("action"))
    kind = action.get("type")
    if kind not in AREA_ACTIONS:
        return [*errors, error_detail("Must be one of " + ", ".join(sorted(AREA_ACTIONS)), f"{where}.action.type")]
    if len(str(action.get("label") or "")) > 20:
        errors.append(error_detail("Length must be between 0 and 20", f"{where}.action.label"))
    required = {"message": ("text",), "postback": ("data",), "uri": ("uri",),
                "datetimepicker": ("data", "mode"), "richmenuswitch": ("data", "richMenuAliasId")}[kind]
    for key in required:
        value = action.get(key)
        if not isinstance(value, str) or not 1 <= len(value) <= 300:
            errors.append(error_detail("Length must be between 1 and 300", f"{where}.action.{key}"))
    alias = action.get("richMenuAliasId")
    if kind == "richmenuswitch" and isinstance(alias, str) and not ALIAS_ID.fullmatch(alias):
        errors.append(error_detail("Must match [a-z0-9_-]{1,32}", f"{where}.action.richMenuAliasId"))
    return errors
