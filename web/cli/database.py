"""`db upgrade`, `db revision`: the database schema (Alembic)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from models import migrate
from models.db import session_scope
from services.measure_store import ensure_measures


@click.group(cls=AppGroup, help="Database schema (Alembic).")
def db() -> None:
    pass


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the newest schema."""
    rt = runtime()
    migrate.upgrade(rt.engine, revision)
    click.echo(f"database at {revision} ({rt.engine.url.render_as_string(hide_password=True)})")
    if revision == "head":
        with session_scope(rt.sessions) as session:
            loaded = ensure_measures(session, rt.clock.now())
        if loaded:
            click.echo(f"{loaded} (the bundled file, as the table was empty)")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(runtime().engine, message)
