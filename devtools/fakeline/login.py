"""LINE Login (OAuth 2.1 / OpenID Connect), as much as the console's "Log in with LINE" needs.

`GET /oauth2/v2.1/authorize` signs in the user a test chose (`POST /_fake/login-as`) at
once, or shows the known profiles to pick from (the demo); `POST /oauth2/v2.1/token`
trades the code for an HS256 ID token signed with the channel secret, as LINE does.
"""

from __future__ import annotations

import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Flask, jsonify, redirect, request
from werkzeug.wrappers import Response

from devtools.fakeline.state import FakeState

ISSUER = "https://access.line.me"
CODE_SECONDS = 600


def register_login(app: Flask, state: FakeState) -> None:
    codes: dict[str, dict[str, Any]] = {}
    chosen: dict[str, str] = {}

    @app.post("/_fake/login-as")
    def login_as() -> Response:
        """The next authorization signs in this user (tests); `{"user_id": null}` to pick on a page."""
        user = (request.get_json(silent=True) or {}).get("user_id")
        with state.lock:
            chosen.clear()
            if user:
                chosen["user_id"] = str(user)
        return jsonify({})

    @app.get("/oauth2/v2.1/authorize")
    def authorize() -> Response | tuple[str, int] | str:
        args = request.args
        missing = [k for k in ("response_type", "client_id", "redirect_uri", "state", "scope") if not args.get(k)]
        if missing or args["response_type"] != "code" or "openid" not in args["scope"].split():
            return f"invalid_request: {', '.join(missing) or 'response_type/scope'}", 400
        user = args.get("as") or chosen.get("user_id")
        if not user:
            with state.lock:
                people = sorted(state.profiles.items(), key=lambda kv: kv[1].get("displayName", ""))
            links = "".join(
                f'<li><a href="?{html.escape(urlencode({**args.to_dict(), "as": uid}))}">'
                f'{html.escape(p.get("displayName", uid))}</a></li>' for uid, p in people)
            return f"<!doctype html><meta charset=utf-8><title>LINE Login (fake)</title>" \
                   f"<h1>LINE Login (fake)</h1><p>Sign in as:</p><ul>{links}</ul>"
        code = secrets.token_urlsafe(16)
        with state.lock:
            codes[code] = {"user_id": user, "client_id": args["client_id"], "redirect_uri": args["redirect_uri"],
                           "nonce": args.get("nonce"), "at": time.time()}
        return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

    @app.post("/oauth2/v2.1/token")
    def token() -> tuple[Response, int] | Response:
        form = request.form
        with state.lock:
            grant = codes.pop(form.get("code", ""), None)
            profile = dict(state.profiles.get(grant["user_id"], {})) if grant else {}
        if (grant is None or form.get("grant_type") != "authorization_code"
                or form.get("client_id") != grant["client_id"] or form.get("redirect_uri") != grant["redirect_uri"]
                or time.time() - grant["at"] > CODE_SECONDS or not form.get("client_secret")):
            return jsonify({"error": "invalid_grant", "error_description": "invalid authorization code"}), 400
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": grant["user_id"], "aud": grant["client_id"], "exp": now + 3600, "iat": now,
                  "amr": ["linesso"], "name": profile.get("displayName", "")}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, form["client_secret"], algorithm="HS256")
        return jsonify({"access_token": secrets.token_urlsafe(24), "expires_in": 2592000, "id_token": id_token,
                        "refresh_token": secrets.token_urlsafe(24), "scope": "openid profile", "token_type": "Bearer"})
