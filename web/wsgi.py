"""The only module-level app, for gunicorn (`gunicorn web.wsgi:app`).

`create_app` is taken through `bot` (the entry point `flask --app bot` uses): importing
`web.app` first would reach `bot/__init__.py` while `web.app` is half imported, and fail.
"""

from bot import create_app

app = create_app()
