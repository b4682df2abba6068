"""Signing in without passwords: a single-use link from LINE or the CLI; the ADMIN_TOKEN bootstrap; signing out."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from messages.console import ADMIN_TOKEN_RESTING, ADMIN_TOKEN_WRONG, LINK_GONE, SIGNED_OUT
from services.console import (
    admin_guess_failed,
    admin_guesses_spent,
    end_session,
    officer_for_link,
    open_session,
    use_signin_link,
)
from web.console.access import COOKIE_KEY, db, posted_from_elsewhere


def signin_page() -> str:
    return render_template("console/signin.html", notice=SIGNED_OUT if request.args.get("out") else None)


def signin_context() -> dict[str, object]:
    return {"line_login": runtime().settings.line_login}


def signin_link(token: str) -> str | Response | tuple[str, int]:
    """GET shows whose link it is and a button; POST uses it up. Link previews never sign anyone in."""
    now = runtime().clock.now()
    if request.method == "GET":
        officer = officer_for_link(db(), token, now)
        if officer is None:
            return render_template("console/signin.html", problem=LINK_GONE), 410
        return render_template("console/signin_link.html", officer=officer, token=token)
    if posted_from_elsewhere():
        abort(400)  # another site's page submitting this form would sign the browser in as someone else
    officer = use_signin_link(db(), token, now)
    if officer is None:
        db().commit()
        return render_template("console/signin.html", problem=LINK_GONE), 410
    opened = open_session(db(), officer, now)
    db().commit()
    session.clear()  # no fixation: a fresh cookie for the new sign-in
    session[COOKIE_KEY] = opened.key
    return redirect(url_for("console.today"))


def signin_admin() -> str | Response | tuple[str, int]:
    """The first sign-in of a new office, before any officer has taken the role: ADMIN_TOKEN."""
    if posted_from_elsewhere():
        abort(400)
    now = runtime().clock.now()
    if admin_guesses_spent(db(), now):  # even the right token waits: a guesser must not learn it is right
        db().commit()
        return render_template("console/signin.html", problem=ADMIN_TOKEN_RESTING), 429
    sent = request.form.get("admin_token", "").strip()
    expected = runtime().settings.admin_token
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        admin_guess_failed(db(), now)
        db().commit()
        return render_template("console/signin.html", problem=ADMIN_TOKEN_WRONG), 401
    opened = open_session(db(), None, now)
    db().commit()
    session.clear()
    session[COOKIE_KEY] = opened.key
    return redirect(url_for("console.today"))


def signout() -> Response:
    key = session.get(COOKIE_KEY)
    if isinstance(key, str):
        end_session(db(), key, runtime().clock.now())
        db().commit()
    session.clear()
    return redirect(url_for("console.signin_page", out=1))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/signin", "signin_page", signin_page, methods=["GET"])
    bp.add_url_rule("/signin/<token>", "signin_link", signin_link, methods=["GET", "POST"])
    bp.add_url_rule("/signin/admin", "signin_admin", signin_admin, methods=["POST"])
    bp.add_url_rule("/signout", "signout", signout, methods=["POST"])
