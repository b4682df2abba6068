"""`groups bind`, `groups invite`, `groups list`: LINE group chats and their areas."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.invites import VALID_FOR, new_code
from messages.commands import REGISTER_GROUP
from models.db import session_scope
from services.areas import AreaNotFound, area_by_id, area_path, find_area, one_district
from services.groups import add_group_code, all_groups, bind_to_area, line_group
from web.cli import options


@click.group(cls=AppGroup, help="LINE group chats and the areas they are bound to.")
def groups() -> None:
    pass


@groups.command("bind")
@click.argument("group_id")
@click.option("--district", required=True)
@options.province
@click.option("--subdistrict", default="")
@click.option("--village", default="")
def groups_bind(group_id: str, district: str, province: str, subdistrict: str, village: str) -> None:
    """Bind a group the bot is in to an area, so generic reminders may go there."""
    rt = runtime()
    with session_scope(rt.sessions) as session:
        group = line_group(session, group_id)
        if group is None or group.left_at is not None:
            raise click.ClickException(f"the bot is not in group {group_id}: add it to the group first")
        try:
            area = find_area(session, one_district(session, district, province).id, subdistrict, village)
        except AreaNotFound as missing:
            raise click.ClickException(str(missing)) from None
        if area is None:
            raise click.ClickException(f"no area {district} / {subdistrict or '-'} / {village or '-'} in the register")
        bind_to_area(group, area.id, rt.clock.now())
    click.echo(f"{group_id} bound to {district} {subdistrict} {village}".rstrip())


@groups.command("invite", help=f"A one-time code an officer types in a group ({REGISTER_GROUP[0]} CODE) to bind it "
                "to this area.")
@click.option("--district", required=True)
@options.province
@click.option("--subdistrict", default="")
@click.option("--village", default="")
def groups_invite(district: str, province: str, subdistrict: str, village: str) -> None:
    # the help is worded above, with the word the officer types from messages.commands
    rt = runtime()
    now = rt.clock.now()
    with session_scope(rt.sessions) as session:
        try:
            area = find_area(session, one_district(session, district, province).id, subdistrict, village)
        except AreaNotFound as missing:
            raise click.ClickException(str(missing)) from None
        if area is None:
            raise click.ClickException(f"no area {district} / {subdistrict or '-'} / {village or '-'} in the register")
        code = new_code()
        add_group_code(session, code, area.id, now, now + VALID_FOR)
    click.echo(f"{code}\nan officer types in the group: {REGISTER_GROUP[0]} {code}  "
               f"(valid until {(now + VALID_FOR).astimezone(BANGKOK):%Y-%m-%d %H:%M})")


@groups.command("list")
def groups_list() -> None:
    """Every group chat the bot knows, and where it is bound."""
    rt = runtime()
    with rt.sessions() as session:
        for group in all_groups(session):
            where = " / ".join(area_path(area_by_id(session, group.area_id)).values()) if group.area_id else "not bound"
            state = "left" if group.left_at else "in"
            click.echo(f"{group.group_id}  {state:<4} {where}  {group.name or ''}")
