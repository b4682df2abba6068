""""Log in with LINE" (OpenID Connect), where a LINE Login channel is configured."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from bot.login import LoginRefused, authorize_url, verified_user_id
from bot.runtime import runtime
from messages.console import LINE_LOGIN_CANCELLED, LINE_LOGIN_FAILED, LINE_LOGIN_NOT_OFFICER
from services.console import officer_by_line_id, open_session
from web.console.access import COOKIE_KEY, db

PENDING = "line_login"


def callback_url() -> str:
    return f"{runtime().settings.public_base_url}{url_for('console.line_callback')}"


def line_start() -> Response:
    settings = runtime().settings
    if not settings.line_login:
        abort(404)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    session[PENDING] = {"state": state, "nonce": nonce}
    return redirect(authorize_url(settings, callback_url(), state, nonce))


def line_callback() -> Response | tuple[str, int]:
    settings = runtime().settings
    if not settings.line_login:
        abort(404)
    pending = session.pop(PENDING, None)
    sent_state = request.args.get("state", "")
    if not isinstance(pending, dict) or not hmac.compare_digest(sent_state.encode(), str(pending["state"]).encode()):
        return render_template("console/signin.html", problem=LINE_LOGIN_FAILED), 400
    if request.args.get("error") or not request.args.get("code"):
        return render_template("console/signin.html", problem=LINE_LOGIN_CANCELLED), 400
    try:
        user_id = verified_user_id(settings, request.args["code"], callback_url(), str(pending["nonce"]))
    except LoginRefused:
        return render_template("console/signin.html", problem=LINE_LOGIN_FAILED), 400
    officer = officer_by_line_id(db(), user_id)
    if officer is None:
        return render_template("console/signin.html", problem=LINE_LOGIN_NOT_OFFICER), 403
    opened = open_session(db(), officer, runtime().clock.now())
    db().commit()
    session.clear()
    session[COOKIE_KEY] = opened.key
    return redirect(url_for("console.today"))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/signin/line", "line_start", line_start, methods=["GET"])
    bp.add_url_rule("/signin/line/callback", "line_callback", line_callback, methods=["GET"])
