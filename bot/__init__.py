"""The WDF LINE bot. `flask --app bot ...` finds `create_app` here."""

from bot.app import create_app

__all__ = ["create_app"]
