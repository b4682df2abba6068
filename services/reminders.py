"""Who the clock's messages go to: verified debtors who take reminders, bound groups, officers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from domain.money import Position
from models.platform import LineGroup, LineUser
from models.register import LineLink, Membership, StaffMember
from services.areas import areas_below
from services.contracts import open_positions


def reminder_audience(session: Session, as_of: date) -> list[tuple[str, list[Position]]]:
    """Verified people who follow us and have not turned reminders off, with their open positions.

    Set-based (no query per person): this runs for every verified debtor of the province.
    """
    audience = (select(LineLink.line_user_id, Membership.contract_id)
                .join(Membership, Membership.person_id == LineLink.person_id)
                .join(LineUser, LineUser.line_user_id == LineLink.line_user_id, isouter=True)
                .where(LineLink.reminders_off_at.is_(None),
                       or_(LineUser.following.is_(None), LineUser.following.is_(True))))
    pairs = session.execute(audience).all()
    contract_ids = audience.with_only_columns(Membership.contract_id).scalar_subquery()
    positions = {facts.id: p for facts, p in open_positions(session, as_of, contract_ids=contract_ids)}
    people: dict[str, list[Position]] = {}
    for user_id, contract_id in pairs:
        if contract_id in positions:
            people.setdefault(user_id, []).append(positions[contract_id])
    return sorted(people.items())


def bound_groups(session: Session) -> Sequence[LineGroup]:
    """Group chats an officer bound to an area, that the bot is still in."""
    return session.scalars(select(LineGroup).where(
        LineGroup.area_id.is_not(None), LineGroup.bound_at.is_not(None), LineGroup.left_at.is_(None))
        .order_by(LineGroup.id)).all()


def group_positions(session: Session, groups: Sequence[LineGroup], as_of: date) -> dict[str, list[Position]]:
    """For each bound group, the positions of the open contracts in its area and below."""
    owner = areas_below(session, sorted({g.area_id for g in groups if g.area_id is not None}))
    by_area: dict[int, list[Position]] = {}
    for facts, p in open_positions(session, as_of, area_ids=list(owner)):
        by_area.setdefault(owner[facts.area_id], []).append(p)
    return {g.group_id: by_area.get(g.area_id, []) if g.area_id is not None else [] for g in groups}


def active_officers(session: Session) -> Sequence[StaffMember]:
    return session.scalars(select(StaffMember).where(
        StaffMember.role == "officer", StaffMember.revoked_at.is_(None))
        .options(selectinload(StaffMember.district)).order_by(StaffMember.id)).all()
