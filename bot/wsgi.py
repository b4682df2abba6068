"""The only module-level app, for gunicorn (`gunicorn bot.wsgi:app`)."""

from bot import create_app

app = create_app()
