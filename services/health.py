"""The health probe: does the database answer?"""

from __future__ import annotations

from sqlalchemy import Connection, text


def ping(connection: Connection) -> None:
    """A trivial query on the caller's connection; raises when the database does not answer."""
    connection.execute(text("SELECT 1"))
