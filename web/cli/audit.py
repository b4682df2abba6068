"""`audit person`: who looked at a person's personal data (PDPA accountability)."""

from __future__ import annotations

import getpass

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.identity import check_national_id, mask_national_id
from models.db import session_scope
from services.audit import access_trail, record_access
from services.identity import person_by_national_id


@click.group(cls=AppGroup, help="Who looked at whose personal data (PDPA accountability).")
def audit() -> None:
    pass


@audit.command("person")
@click.argument("national_id")
def audit_person(national_id: str) -> None:
    """Print every recorded view of a person's personal data, oldest first.

    Reading the trail is itself recorded (as the operating-system user running it).
    """
    checked = check_national_id(national_id)
    if checked.problem is not None:
        raise click.BadParameter(f"not a valid national ID ({checked.problem})", param_hint="NATIONAL_ID")
    rt = runtime()
    with session_scope(rt.sessions) as session:
        person = person_by_national_id(session, checked.digits)
        if person is None:
            raise click.ClickException(f"no person {mask_national_id(checked.digits)} in the register")
        trail = access_trail(session, person.id)
        click.echo(f"{person.full_name} ({mask_national_id(person.national_id)}): "
                   f"{len(trail)} recorded view(s)")
        for row in trail:
            click.echo(f"{row.at.astimezone(BANGKOK):%Y-%m-%d %H:%M}  {row.channel:<4} {row.action:<16} "
                       f"{row.viewer_name} [{row.viewer}]  {row.detail}")
        record_access(session, [person.id], viewer="cli", viewer_name=getpass.getuser(), channel="cli",
                      action="audit.trail", detail="audit person", now=rt.clock.now())
