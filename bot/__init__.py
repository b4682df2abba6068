"""The WDF LINE bot. `flask --app bot ...` finds `create_app` here.

The factory is imported lazily so that pure modules (bot.textnorm, bot.thaiparse) stay
cheap to import from domain/ and from tools that never build the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(*args: Any, **kwargs: Any) -> Flask:
    """Build the web app (see bot.app.create_app)."""
    from bot.app import create_app as factory

    return factory(*args, **kwargs)


__all__ = ["create_app"]
