"""The LINE edge: webhook, dispatch, router, gateway and outbox.

`flask --app bot ...` finds `create_app` here: the one import this package makes of the
web layer above it (the import contract names it as the entry point).
"""

from web.app import create_app

__all__ = ["create_app"]
