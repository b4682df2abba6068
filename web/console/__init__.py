"""The officers' web console (`/console/`): server-rendered pages over the same services as LINE.

Who may look: signed-in officers only (a single-use link from LINE or the CLI, or the
ADMIN_TOKEN bootstrap); a district officer sees their district and gets 404 elsewhere.
Every page that shows personal data records the view in `data_access_log` in the same
transaction. Every form carries the session's CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from werkzeug.wrappers import Response

from web.console import (
    access,
    actions,
    applications,
    dashboard,
    documents,
    inbox,
    letters,
    line_login,
    mapping,
    people,
    reports,
    signin,
    today,
)
from web.console import imports as register_import
from web.console import sessions as sessions_pages

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
bp.before_request(access.no_nul)
bp.before_request(access.guard)
bp.after_request(access.not_kept)
bp.context_processor(access.page_context)
bp.context_processor(signin.signin_context)
for _code in (400, 401, 404, 405, 413):
    bp.register_error_handler(_code, access.problem_page)
for _module in (signin, line_login, today, people, documents, actions, mapping, inbox, dashboard, applications,
                sessions_pages, register_import, letters, reports):
    _module.routes(bp)
entry = Blueprint("entry", __name__)


@entry.get("/")
def root() -> Response:
    return redirect(url_for("console.today"))


@entry.get("/login")
def login() -> Response:
    return redirect(url_for("console.signin_page"))


def register(app: Flask) -> None:
    """Attach the console, its cookie rules and its guards to the app."""
    settings = app.extensions["wdf"].settings
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=not settings.demo, SESSION_COOKIE_NAME="wdf_console")
    app.teardown_appcontext(access.close_db)
    app.register_blueprint(bp)
    app.register_blueprint(entry)
