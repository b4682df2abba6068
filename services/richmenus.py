"""Rich menus in the database: the ones deployed, and which one each LINE account should have.

A change of roles marks the account's link row due (`menu_changed`); `bot.richmenus` then links
or unlinks the menu with LINE and records what LINE confirmed. Nothing here talks to LINE, and
nothing commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from domain.richmenus import MenuKey, menus_for, roles_of, wanted_menu
from models import LineLink, LineUser, RichMenu, RichMenuLink, StaffMember
from services.identity import linked_person, staff_member


def deployed(session: Session) -> dict[str, RichMenu]:
    """The deployed menus by key."""
    return {row.key: row for row in session.scalars(select(RichMenu))}


def record_deployed(session: Session, key: str, *, rich_menu_id: str, alias_id: str, content_hash: str,
                    now: datetime) -> bool:
    """Remember a deployed menu's id; True when it is new or changed."""
    row = session.get(RichMenu, key)
    if row is not None and (row.rich_menu_id, row.alias_id, row.content_hash) == (rich_menu_id, alias_id,
                                                                                   content_hash):
        return False
    if row is None:
        row = RichMenu(key=key)
        session.add(row)
    row.rich_menu_id, row.alias_id, row.content_hash, row.deployed_at = rich_menu_id, alias_id, content_hash, now
    return True


def forget_deployed(session: Session, keep: Iterable[str]) -> None:
    """Drop the records of menus that are no longer made (their key is not in `keep`)."""
    session.execute(delete(RichMenu).where(RichMenu.key.not_in(list(keep))))


def roles(session: Session, line_user_id: str) -> tuple[str, ...]:
    """The roles whose menus this account gets: none while it blocks us (LINE shows it no menu of ours)."""
    user = session.scalars(select(LineUser).where(LineUser.line_user_id == line_user_id)).one_or_none()
    if user is not None and user.unfollowed_at is not None and not user.following:
        return ()
    staff = staff_member(session, line_user_id)
    return roles_of(staff.role if staff else None, linked_person(session, line_user_id) is not None)


def menu_changed(session: Session, line_user_id: str, now: datetime) -> None:
    """The account's roles changed: its menu is to be linked again, from now on until LINE confirms."""
    row = session.get(RichMenuLink, line_user_id)
    if row is None:
        row = RichMenuLink(line_user_id=line_user_id, attempts=0, updated_at=now)
        session.add(row)
    row.due_at, row.attempts, row.updated_at = now, 0, now


def switched(session: Session, line_user_id: str, key: str, now: datetime) -> bool:
    """A tab was tapped and LINE switched this account to the menu `key`: remember it (when it is
    one of theirs and deployed), so a later relink keeps the tab they chose."""
    menu = deployed(session).get(key)
    if menu is None or key not in {m.key for m in menus_for(roles(session, line_user_id))}:
        return False
    row = session.get(RichMenuLink, line_user_id)
    if row is None:
        row = RichMenuLink(line_user_id=line_user_id, attempts=0, updated_at=now)
        session.add(row)
    row.menu_key, row.rich_menu_id, row.updated_at = key, menu.rich_menu_id, now
    return True


def wanted(session: Session, line_user_id: str, showing: str | None) -> tuple[str | None, str | None]:
    """The key and LINE id of the menu this account should have linked; (None, None) for none (the
    default shows), and (key, None) while that menu is not deployed."""
    key = wanted_menu(roles(session, line_user_id), showing)
    if key is None:
        return None, None
    menu = deployed(session).get(key)
    return key, menu.rich_menu_id if menu else None


def due_links(session: Session, now: datetime, limit: int) -> Sequence[str]:
    """Accounts whose link is due, oldest first."""
    return session.scalars(select(RichMenuLink.line_user_id).where(RichMenuLink.due_at <= now)
                           .order_by(RichMenuLink.due_at, RichMenuLink.line_user_id).limit(limit)).all()


def claim(session: Session, line_user_id: str, now: datetime, until: datetime) -> RichMenuLink | None:
    """Take a due link for one attempt (pushed to `until`, so no other worker takes it meanwhile)."""
    claimed = session.execute(  # type: ignore[attr-defined]
        update(RichMenuLink).where(RichMenuLink.line_user_id == line_user_id, RichMenuLink.due_at <= now)
        .values(due_at=until, attempts=RichMenuLink.attempts + 1)
    ).rowcount
    return session.get(RichMenuLink, line_user_id) if claimed else None


def record_linked(row: RichMenuLink, key: str | None, rich_menu_id: str | None, status: int | None,
                  now: datetime) -> None:
    """LINE confirmed the link (or unlink): the row is as it should be."""
    row.menu_key, row.rich_menu_id, row.last_status = key, rich_menu_id, status
    row.due_at, row.attempts, row.updated_at = None, 0, now


def record_failure(row: RichMenuLink, status: int | None, retry_at: datetime | None, now: datetime) -> None:
    """LINE refused or did not answer: try again at `retry_at`, or (None) give up until the next change."""
    row.last_status, row.due_at, row.updated_at = status, retry_at, now


def reconcile(session: Session, now: datetime) -> int:
    """Mark due every account whose linked menu is not the one its roles call for (after a deploy,
    or for accounts that had roles before rich menus existed); returns how many."""
    menus = deployed(session)
    rows = {row.line_user_id: row for row in session.scalars(select(RichMenuLink))}
    staff = dict(session.execute(select(StaffMember.line_user_id, StaffMember.role)
                                 .where(StaffMember.revoked_at.is_(None))).all())
    debtors = set(session.scalars(select(LineLink.line_user_id)))
    blocked = set(session.scalars(select(LineUser.line_user_id).where(
        LineUser.following.is_(False), LineUser.unfollowed_at.is_not(None))))
    marked = 0
    for user in sorted(set(rows) | set(staff) | debtors):
        row = rows.get(user)
        mine = () if user in blocked else roles_of(staff.get(user), user in debtors)
        key = wanted_menu(mine, row.menu_key if row else None)
        menu_id = menus[key].rich_menu_id if key is not None and key in menus else None
        if key is not None and menu_id is None:
            continue  # not deployed: nothing to link yet
        if row is not None and row.due_at is not None and row.due_at <= now:
            continue  # already due
        if (row.rich_menu_id if row else None) == menu_id and (row is None or row.due_at is None):
            continue  # as it should be
        menu_changed(session, user, now)
        marked += 1
    return marked


def linked_to(session: Session, rich_menu_ids: Iterable[str]) -> int:
    """How many accounts LINE has linked to any of these menus, as far as we know."""
    ids = list(rich_menu_ids)
    if not ids:
        return 0
    return session.scalar(select(func.count()).select_from(RichMenuLink).where(
        RichMenuLink.rich_menu_id.in_(ids))) or 0


def menu_of(session: Session, line_user_id: str) -> MenuKey | None:
    """The menu this account has linked, as far as we know (None: LINE's default)."""
    row = session.get(RichMenuLink, line_user_id)
    return MenuKey.parse(row.menu_key) if row is not None and row.menu_key else None
