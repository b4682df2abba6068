"""`sessions add`, `sessions change`, `sessions cancel`: appointment sessions people book in LINE."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.appointments import changed_times
from domain.clock import BANGKOK
from messages.appointments import session_cancelled, session_moved, session_title
from models.db import session_scope
from services.appointments import (
    SessionRefused,
    appointment_session,
    cancel_session,
    change_session,
    create_session,
    seats_in,
    seats_of,
)
from services.areas import AreaNotFound, one_province


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
@click.option("--province", default="", help="a session of this province: booked by its people, seen by its "
                                               "officers (default: the register's own, for everyone)")
def sessions_add(kind: str, start: str, end: str, place: str, capacity: int, title: str | None,
                 slot_minutes: int | None, officer: str | None, documents: tuple[str, ...],
                 map_url: str | None, opens: str | None, closes: str | None, province: str) -> None:
    """Publish a session people can book in LINE."""
    rt = runtime()
    try:
        with session_scope(rt.sessions) as session:
            try:
                province_id = one_province(session, province).id if province else None
            except AreaNotFound as missing:
                raise click.ClickException(f"--province: {missing}") from None
            row = create_session(session, kind=kind, start=_moment(start), end=_moment(end), place=place,
                                 capacity=capacity, now=rt.clock.now(), title=session_title(kind, title),
                                 slot_minutes=slot_minutes,
                                 officer=officer, documents=list(documents), map_url=map_url,
                                 opens_at=_moment(opens) if opens else None,
                                 closes_at=_moment(closes) if closes else None, province_id=province_id)
            click.echo(f"session {row.id}: {row.kind} {row.starts_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} "
                       f"{row.place} ({len(seats_of(row))} seats){f' for {province}' if province else ''}")
    except SessionRefused as refused:  # the one rule set of the console, the API and here
        raise _refused(refused) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _refused(refused: SessionRefused) -> click.ClickException:
    """Each broken rule on its own line, named by the option that carries it (exit status 1)."""
    return click.ClickException("\n".join(f"--{p.field.replace('_', '-')}: {p.detail}" for p in refused.problems))


@sessions.command("change")
@click.argument("session_id", type=int)
@click.option("--start", help="YYYY-MM-DDTHH:MM, Asia/Bangkok; alone, it moves the whole session (its length kept)")
@click.option("--end", help="YYYY-MM-DDTHH:MM, Asia/Bangkok")
@click.option("--place")
@click.option("--capacity", type=int, help="seats; never below the highest seat someone holds")
def sessions_change(session_id: int, start: str | None, end: str | None, place: str | None,
                    capacity: int | None) -> None:
    """Change an open session's time, place or seats; what is not given stays. Everyone booked keeps
    their seat and, when the time or the place moves, is told 1:1 (within contact hours)."""
    if start is None and end is None and place is None and capacity is None:
        raise click.UsageError("say what changes: --start, --end, --place or --capacity")
    rt = runtime()
    try:
        with session_scope(rt.sessions) as session:
            row = appointment_session(session, session_id)
            if row is None or row.status != "open":
                raise click.ClickException(f"no open session {session_id}")
            new_start, new_end = changed_times(row.starts_at, row.ends_at, _moment(start) if start else None,
                                               _moment(end) if end else None)
            told = change_session(session, row, start=new_start, end=new_end,
                                  place=row.place if place is None else place,
                                  capacity=row.capacity if capacity is None else capacity, now=rt.clock.now(),
                                  origin="cli.sessions_change", settings=rt.settings, notice=session_moved)
            said = (f"session {row.id}: {row.kind} {row.starts_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} to "
                    f"{row.ends_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} {row.place} ({seats_in(row)} seats); "
                    f"{told} booked people will be told")
    except SessionRefused as refused:  # nothing was written: the scope rolled back
        raise _refused(refused) from None
    click.echo(said)


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
