"""The application factory: `create_app(settings=None)`."""

from __future__ import annotations

import logging

from flask import Flask

from bot import webhook
from bot.logs import configure_logging
from bot.runtime import Runtime
from config.settings import Settings, SettingsError
from domain.clock import Clock
from web import api, calendar, cli, console, health, payments
from web.limits import API_MAX_BYTES, DEFAULT_MAX_BYTES, WEBHOOK_MAX_BYTES, register_limits
from web.security import register_security

# The largest request body of each route class (web/limits.py); a route that takes files
# declares its own with @body_limit(n).
BODY_LIMITS = {
    webhook.bp.name: WEBHOOK_MAX_BYTES,
    api.bp.name: API_MAX_BYTES,
}


STRONG_TOKEN = 32  # characters of ADMIN_TOKEN below which the app warns at start


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """Build the web app. Reads the environment when no settings are given; connects to nothing."""
    if settings is None:
        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            raise SystemExit(f"wdf-bot: configuration error: {exc}") from None
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    configure_logging(settings.log_level, settings.log_json)
    if not settings.demo and len(settings.admin_token) < STRONG_TOKEN:  # it opens the whole register
        logging.getLogger(__name__).warning(
            "ADMIN_TOKEN is short: use at least %d random characters (see .env.example)", STRONG_TOKEN)
    register_limits(app, BODY_LIMITS, DEFAULT_MAX_BYTES)  # first: before any hook reads a body
    register_runtime(app, settings, clock)
    register_security(app, settings)
    register_blueprints(app)
    console.register(app)
    cli.register(app)
    return app


def register_runtime(app: Flask, settings: Settings, clock: Clock | None) -> None:
    app.extensions["wdf"] = Runtime.build(settings, clock)


def register_blueprints(app: Flask) -> None:
    """The product's routes. The demo adds its simulator itself (devtools is never imported here)."""
    app.register_blueprint(webhook.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    api.register_routing_errors(app)
    app.register_blueprint(payments.bp)
