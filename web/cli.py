"""Command-line interface: `flask --app bot <command>` (or the `wdf-bot` console script).

`demo` is registered as a Flask plugin command (see pyproject.toml) so it works with no
credentials at all; the others run inside the configured app.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import delete, select

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.holidays import HolidayFileError, parse_holidays
from domain.invites import VALID_FOR, new_code
from domain.measures import MeasureFileError
from models import Area, GroupCode, Holiday, InviteCode, LineGroup, StaffMember, migrate
from models.db import session_scope
from services.appointments import create_session, seats_of
from services.measure_store import ensure_measures, measures_in_db, read_measures_file, store_measures
from services.queries import area_path, find_area


def register(app: Flask) -> None:
    """Attach the commands that need a configured app."""
    from register.importer import import_command

    app.cli.add_command(db)
    app.cli.add_command(outbox)
    app.cli.add_command(import_command)
    app.cli.add_command(measures)
    app.cli.add_command(holidays)
    app.cli.add_command(groups)
    app.cli.add_command(sessions)
    app.cli.add_command(officers)
    app.cli.add_command(volunteers)
    app.cli.add_command(reports)
    app.cli.add_command(audit)

    from scheduler.cli import scheduler

    app.cli.add_command(scheduler)


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


@click.group(cls=AppGroup, help="Relief measures (data: a TOML file, see domain/data/).")
def measures() -> None:
    pass


@measures.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def measures_load(path: Path) -> None:
    """Load a measures file; it takes effect at once, no restart needed."""
    rt = runtime()
    try:
        version, parsed = read_measures_file(path)
    except MeasureFileError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope(rt.sessions) as session:
        click.echo(store_measures(session, version, parsed, rt.clock.now()))


@measures.command("list")
def measures_list() -> None:
    """The measures in force today, in DOMAIN.md's order."""
    rt = runtime()
    today = rt.clock.today()
    with rt.sessions() as session:
        loaded = measures_in_db(session)
    if not loaded:
        raise click.ClickException("no measures loaded: run `flask --app bot measures load FILE`")
    for m in loaded:
        state = "in force" if m.in_force(today) else f"from {m.effective_from}"
        classes = ",".join(str(c) for c in sorted(m.classes))
        click.echo(f"{m.id:<14} classes {classes:<8} {m.next_step:<8} {state:<16} {m.fill(m.name)}")


@click.group(cls=AppGroup, help="Thai public holidays (contact hours end at 18:00 on them).")
def holidays() -> None:
    pass


@holidays.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def holidays_load(path: Path) -> None:
    """Load a year's holidays from a TOML file (replaces that year's list)."""
    rt = runtime()
    try:
        with path.open("rb") as handle:
            year, days = parse_holidays(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, HolidayFileError) as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    with session_scope(rt.sessions) as session:
        session.execute(delete(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31)))
        session.add_all(Holiday(day=day, name=name) for day, name in days)
    click.echo(f"{year}: {len(days)} holidays loaded")


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
                                 capacity=capacity, now=rt.clock.now(), title=title, slot_minutes=slot_minutes,
                                 officer=officer, documents=list(documents), map_url=map_url,
                                 opens_at=_moment(opens) if opens else None,
                                 closes_at=_moment(closes) if closes else None)
            click.echo(f"session {row.id}: {row.kind} {row.starts_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} "
                       f"{row.place} ({len(seats_of(row))} seats)")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@sessions.command("cancel")
@click.argument("session_id", type=int)
def sessions_cancel(session_id: int) -> None:
    """Cancel a session; everyone booked is told 1:1 (within contact hours) with an apology."""
    from messages.appointments import session_cancelled
    from models import AppointmentSession
    from services.appointments import cancel_session

    rt = runtime()
    with session_scope(rt.sessions) as session:
        row = session.get(AppointmentSession, session_id)
        if row is None or row.status != "open":
            raise click.ClickException(f"no open session {session_id}")
        told = cancel_session(session, row, rt.clock.now(), origin="cli.sessions_cancel", settings=rt.settings,
                              notice=session_cancelled)
    click.echo(f"session {session_id} cancelled; {told} booked people will be told")


def _role_group(role: str, plural: str) -> click.Group:
    """`officers …` and `volunteers …`: invite, list, revoke."""

    @click.group(plural, cls=AppGroup, help=f"{plural.capitalize()}: invite codes, list, revoke.")
    def group() -> None:
        pass

    @group.command("invite")
    @click.option("--name", required=True)
    @click.option("--district", help="their district; officers without one are province-wide")
    @click.option("--subdistrict", default="")
    @click.option("--village", "villages", multiple=True, help="a village they cover (volunteers; repeatable)")
    def invite(name: str, district: str | None, subdistrict: str, villages: tuple[str, ...]) -> None:
        """Print a one-time code, valid for 7 days, to type in LINE."""
        if role == "volunteer" and not district:
            raise click.UsageError("a volunteer needs --district (and usually --village)")
        rt = runtime()
        now = rt.clock.now()
        with session_scope(rt.sessions) as session:
            area = find_area(session, district) if district else None
            if district and area is None:
                raise click.ClickException(f"no district {district!r} in the register")
            village_ids = []
            for village in villages:
                found = find_area(session, district or "", subdistrict, village)
                if found is None or found.level != "village":
                    raise click.ClickException(f"no village {village!r} under {district} {subdistrict}".rstrip())
                village_ids.append(found.id)
            code = new_code()
            session.add(InviteCode(code=code, role=role, name=name, district_id=area.id if area else None,
                                   villages=village_ids, created_at=now, expires_at=now + VALID_FOR))
        word = "เจ้าหน้าที่" if role == "officer" else "อาสา"
        click.echo(f"{code}\n{name} types in a 1:1 chat with the fund's LINE: {word} {code}  "
                   f"(valid until {(now + VALID_FOR).astimezone(BANGKOK):%Y-%m-%d %H:%M})")

    @group.command("list")
    def list_() -> None:
        """Everyone with this role, and whether they still have it."""
        rt = runtime()
        with rt.sessions() as session:
            for member in session.scalars(select(StaffMember).where(StaffMember.role == role)
                                          .order_by(StaffMember.id)):
                area = member.district.name if member.district else "ทั้งจังหวัด"
                state = "revoked" if member.revoked_at else "active"
                click.echo(f"{member.line_user_id}  {state:<7} {area:<16} {member.name}")

    @group.command("revoke")
    @click.argument("line_user_id")
    def revoke(line_user_id: str) -> None:
        """Take the role away; their officer-only words stop working at once."""
        rt = runtime()
        with session_scope(rt.sessions) as session:
            member = session.scalars(select(StaffMember).where(StaffMember.line_user_id == line_user_id,
                                                               StaffMember.role == role)).one_or_none()
            if member is None:
                raise click.ClickException(f"no {role} with LINE id {line_user_id}")
            member.revoked_at = member.revoked_at or rt.clock.now()
        click.echo(f"{line_user_id} is no longer a {role}")

    return group


officers = _role_group("officer", "officers")
volunteers = _role_group("volunteer", "volunteers")


@click.group(cls=AppGroup, help="Reports for officers and the province.")
def reports() -> None:
    pass


@reports.command("district")
@click.option("--district", help="a district's name; the whole province without it")
@click.option("--week", "week", metavar="DATE|YYYY-Www",
              help="a day (YYYY-MM-DD) or an ISO week (2026-W50) of the report: the latest report Monday "
              "on or before it (weeks 1 and 3 of a month) names the period; default today")
def reports_district(district: str | None, week: str | None) -> None:
    """Print the district report: visits, people met, promises, applications, mediations, updates."""
    from domain.visits import report_day_on_or_before, report_period
    from messages.visits import district_report_text
    from services.history import district_report_for
    from services.queries import area_ids_under

    rt = runtime()
    try:
        if week and "-W" in week.upper():
            year, number = week.upper().split("-W")
            day = date.fromisocalendar(int(year), int(number), 7)  # the whole week: its Sunday
        else:
            day = date.fromisoformat(week) if week else rt.clock.today()
    except ValueError:
        raise click.BadParameter(f"expected a C.E. date YYYY-MM-DD or an ISO week YYYY-Www, got {week!r}",
                                 param_hint="--week") from None
    start, end = report_period(report_day_on_or_before(day))
    with rt.sessions() as session:
        if district and not area_ids_under(session, district):
            raise click.ClickException(f"no district {district!r} in the register")
        report = district_report_for(session, start, end, district)
    click.echo(district_report_text(report, district or "ทั้งจังหวัด"))


@click.group(cls=AppGroup, help="Who looked at whose personal data (PDPA accountability).")
def audit() -> None:
    pass


@audit.command("person")
@click.argument("national_id")
def audit_person(national_id: str) -> None:
    """Print every recorded view of a person's personal data, oldest first.

    Reading the trail is itself recorded (as the operating-system user running it).
    """
    import getpass

    from domain.identity import check_national_id, mask_national_id
    from models import Person
    from services.history import access_trail, record_access

    checked = check_national_id(national_id)
    if checked.problem is not None:
        raise click.BadParameter(f"not a valid national ID ({checked.problem})", param_hint="NATIONAL_ID")
    rt = runtime()
    with session_scope(rt.sessions) as session:
        person = session.scalars(select(Person).where(Person.national_id == checked.digits)).one_or_none()
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


@click.group(cls=AppGroup, help="The queue of messages to LINE.")
def outbox() -> None:
    pass


@outbox.command("deliver")
def outbox_deliver() -> None:
    """Send every queued message that is due now, once."""
    sent = 0
    while True:
        attempted = runtime().outbox_sender.deliver_due()
        if not attempted:
            break
        sent += attempted
    click.echo(f"{sent} delivery attempt(s)")


def main() -> None:
    """The `wdf-bot` console script: the same commands as `flask --app bot`."""
    from bot import create_app

    FlaskGroup(create_app=create_app)(prog_name="wdf-bot")
