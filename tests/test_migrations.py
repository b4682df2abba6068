"""Alembic's migrations build exactly the schema the models describe, and go back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base, migrate
from models.db import make_engine


def test_models_and_migrations_agree(database_url, db):
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_nothing_and_back(database_url, db):
    engine = make_engine(database_url)
    try:
        migrate.downgrade(engine, "base")
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    test_models_and_migrations_agree(database_url, db)
