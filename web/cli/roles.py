"""`officers …` and `volunteers …`: invite codes, list, revoke."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.invites import VALID_FOR, new_code
from messages.commands import TAKE_OFFICER, TAKE_VOLUNTEER
from messages.format import area_name
from models.db import session_scope
from services.areas import AreaNotFound, find_area, one_district, one_province
from services.console import issue_signin_link, officer_by_line_id
from services.richmenus import menu_changed
from services.roles import add_invite, revoke_role, staff_by_line_id, staff_with_role


def _role_group(role: str, plural: str) -> click.Group:
    """`officers …` and `volunteers …`: invite, list, revoke."""

    @click.group(plural, cls=AppGroup, help=f"{plural.capitalize()}: invite codes, list, revoke.")
    def group() -> None:
        pass

    @group.command("invite")
    @click.option("--name", required=True)
    @click.option("--district", help="their district; officers without one are province-wide")
    @click.option("--province", default="", help="with --district: its province, needed when districts of several "
                  "provinces share its name; alone: an officer of that province only (a register of several)")
    @click.option("--subdistrict", default="")
    @click.option("--village", "villages", multiple=True, help="a village they cover (volunteers; repeatable)")
    def invite(name: str, district: str | None, province: str, subdistrict: str, villages: tuple[str, ...]) -> None:
        """Print a one-time code, valid for 7 days, to type in LINE."""
        if role == "volunteer" and not district:
            raise click.UsageError("a volunteer needs --district (and usually --village)")
        rt = runtime()
        now = rt.clock.now()
        with session_scope(rt.sessions) as session:
            try:
                area = one_district(session, district, province) if district else None
                whole = None if district or not province else one_province(session, province)
            except AreaNotFound as missing:
                raise click.ClickException(str(missing)) from None
            village_ids = []
            for village in villages:
                found = find_area(session, area.id, subdistrict, village) if area else None
                if found is None or found.level != "village":
                    raise click.ClickException(f"no village {village!r} under {district} {subdistrict}".rstrip())
                village_ids.append(found.id)
            code = new_code()
            add_invite(session, code=code, role=role, name=name, district_id=area.id if area else None,
                       province_id=whole.id if whole else None,
                       villages=village_ids, now=now, expires_at=now + VALID_FOR)
        word = TAKE_OFFICER[0] if role == "officer" else TAKE_VOLUNTEER[0]
        click.echo(f"{code}\n{name} types in a 1:1 chat with the fund's LINE: {word} {code}  "
                   f"(valid until {(now + VALID_FOR).astimezone(BANGKOK):%Y-%m-%d %H:%M})")

    @group.command("list")
    def list_() -> None:
        """Everyone with this role, and whether they still have it."""
        rt = runtime()
        with rt.sessions() as session:
            for member in staff_with_role(session, role):
                area = area_name(member.district.name if member.district else None,
                                 member.province.name if member.province else None)
                state = "revoked" if member.revoked_at else "active"
                click.echo(f"{member.line_user_id}  {state:<7} {area:<16} {member.name}")

    @group.command("revoke")
    @click.argument("line_user_id")
    def revoke(line_user_id: str) -> None:
        """Take the role away; their officer-only words stop working at once."""
        rt = runtime()
        with session_scope(rt.sessions) as session:
            member = staff_by_line_id(session, line_user_id, role)
            if member is None:
                raise click.ClickException(f"no {role} with LINE id {line_user_id}")
            revoke_role(member, rt.clock.now())
            menu_changed(session, line_user_id, rt.clock.now())  # back to the menu of the roles left
        rt.menus.sync_due()
        click.echo(f"{line_user_id} is no longer a {role}")

    return group


officers = _role_group("officer", "officers")


@officers.command("login-link")
@click.argument("line_user_id")
def login_link(line_user_id: str) -> None:
    """Print a single-use sign-in link to the web console for this officer (valid 10 minutes)."""
    rt = runtime()
    with session_scope(rt.sessions) as session:
        officer = officer_by_line_id(session, line_user_id)
        if officer is None:
            raise click.ClickException(f"no officer with LINE id {line_user_id} (or their role was revoked)")
        token = issue_signin_link(session, officer, rt.clock.now())
    click.echo(f"{rt.settings.public_base_url}/console/signin/{token}")
volunteers = _role_group("volunteer", "volunteers")
