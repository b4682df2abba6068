"""`groups bind`, `groups invite`, `groups list`: LINE group chats and their areas."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.invites import VALID_FOR, new_code
from models import Area, GroupCode, LineGroup
from models.db import session_scope
from services.areas import area_path, find_area


@click.group(cls=AppGroup, help="LINE group chats and the areas they are bound to.")
def groups() -> None:
    pass


@groups.command("bind")
@click.argument("group_id")
@click.option("--district", required=True)
@click.option("--subdistrict", default="")
@click.option("--village", default="")
def groups_bind(group_id: str, district: str, subdistrict: str, village: str) -> None:
    """Bind a group the bot is in to an area, so generic reminders may go there."""
    rt = runtime()
    with session_scope(rt.sessions) as session:
        group = session.scalars(select(LineGroup).where(LineGroup.group_id == group_id)).one_or_none()
        if group is None or group.left_at is not None:
            raise click.ClickException(f"the bot is not in group {group_id}: add it to the group first")
        area = find_area(session, district, subdistrict, village)
        if area is None:
            raise click.ClickException(f"no area {district} / {subdistrict or '-'} / {village or '-'} in the register")
        group.area_id, group.bound_at = area.id, rt.clock.now()
    click.echo(f"{group_id} bound to {district} {subdistrict} {village}".rstrip())


@groups.command("invite")
@click.option("--district", required=True)
@click.option("--subdistrict", default="")
@click.option("--village", default="")
def groups_invite(district: str, subdistrict: str, village: str) -> None:
    """A one-time code an officer types in a group (ลงทะเบียนกลุ่ม CODE) to bind it to this area."""
    rt = runtime()
    now = rt.clock.now()
    with session_scope(rt.sessions) as session:
        area = find_area(session, district, subdistrict, village)
        if area is None:
            raise click.ClickException(f"no area {district} / {subdistrict or '-'} / {village or '-'} in the register")
        code = new_code()
        session.add(GroupCode(code=code, area_id=area.id, created_at=now, expires_at=now + VALID_FOR))
    click.echo(f"{code}\nan officer types in the group: ลงทะเบียนกลุ่ม {code}  "
               f"(valid until {(now + VALID_FOR).astimezone(BANGKOK):%Y-%m-%d %H:%M})")


@groups.command("list")
def groups_list() -> None:
    """Every group chat the bot knows, and where it is bound."""
    rt = runtime()
    with rt.sessions() as session:
        for group in session.scalars(select(LineGroup).order_by(LineGroup.id)):
            where = " / ".join(area_path(session.get(Area, group.area_id)).values()) if group.area_id else "not bound"
            state = "left" if group.left_at else "in"
            click.echo(f"{group.group_id}  {state:<4} {where}  {group.name or ''}")
