"""`sessions add`, `sessions cancel`: appointment sessions people book in LINE."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.clock import BANGKOK
from messages.appointments import session_cancelled, session_title
from models.db import session_scope
from services.appointments import SessionRefused, appointment_session, cancel_session, create_session, seats_of


@click.group(cls=AppGroup, help="Appointment sessions: court mediation, debt clinic, mobile unit.")
def sessions() -> None:
    pass


def _moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter(f"{raw!r}: use YYYY-MM-DDTHH:MM (Asia/Bangkok)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


@sessions.command("add")
@click.option("--kind", type=click.Choice(["court", "clinic", "mobile"]), required=True)
@click.option("--start", "start", required=True, help="YYYY-MM-DDTHH:MM, Asia/Bangkok")
@click.option("--end", "end", required=True, help="YYYY-MM-DDTHH:MM, Asia/Bangkok")
@click.option("--place", required=True)
@click.option("--capacity", type=int, required=True)
@click.option("--title")
@click.option("--slot-minutes", type=int, help="split into timed slots of this length (one seat each)")
@click.option("--officer")
@click.option("--document", "documents", multiple=True, help="a document to bring (repeatable)")
@click.option("--map-url")
@click.option("--opens", help="booking opens (YYYY-MM-DDTHH:MM); default: now")
@click.option("--closes", help="booking closes (YYYY-MM-DDTHH:MM); default: when the session starts")
def sessions_add(kind: str, start: str, end: str, place: str, capacity: int, title: str | None,
                 slot_minutes: int | None, officer: str | None, documents: tuple[str, ...],
                 map_url: str | None, opens: str | None, closes: str | None) -> None:
    """Publish a session people can book in LINE."""
    rt = runtime()
    try:
        with session_scope(rt.sessions) as session:
            row = create_session(session, kind=kind, start=_moment(start), end=_moment(end), place=place,
                                 capacity=capacity, now=rt.clock.now(), title=session_title(kind, title),
                                 slot_minutes=slot_minutes,
                                 officer=officer, documents=list(documents), map_url=map_url,
                                 opens_at=_moment(opens) if opens else None,
                                 closes_at=_moment(closes) if closes else None)
            click.echo(f"session {row.id}: {row.kind} {row.starts_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} "
                       f"{row.place} ({len(seats_of(row))} seats)")
    except SessionRefused as refused:  # the one rule set of the console, the API and here
        raise click.ClickException("\n".join(f"--{p.field.replace('_', '-')}: {p.detail}"
                                              for p in refused.problems)) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@sessions.command("cancel")
@click.argument("session_id", type=int)
def sessions_cancel(session_id: int) -> None:
    """Cancel a session; everyone booked is told 1:1 (within contact hours) with an apology."""
    rt = runtime()
    with session_scope(rt.sessions) as session:
        row = appointment_session(session, session_id)
        if row is None or row.status != "open":
            raise click.ClickException(f"no open session {session_id}")
        told = cancel_session(session, row, rt.clock.now(), origin="cli.sessions_cancel", settings=rt.settings,
                              notice=session_cancelled)
    click.echo(f"session {session_id} cancelled; {told} booked people will be told")
