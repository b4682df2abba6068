"""The officers' console: single-use sign-in links and signed-in sessions.

Only hashes of the link tokens and session keys are stored, so a copy of the database
signs no one in. The caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from domain.console import SIGNIN_LINK_TTL, link_usable, session_alive
from models import AdminSigninFailure, ConsoleSession, ConsoleSignin, StaffMember
from services.identity import staff_member

ADMIN_GUESSES = 10  # wrong ADMIN_TOKENs at the console's sign-in, across every process, …
ADMIN_GUESS_WINDOW = timedelta(minutes=15)  # … within this long: then none is tried until it passes


def admin_guesses_spent(session: Session, now: datetime) -> bool:
    """Whether the console's ADMIN_TOKEN sign-in takes no more tries for now: `ADMIN_GUESSES`
    wrong ones in the last `ADMIN_GUESS_WINDOW` (older ones are forgotten)."""
    session.execute(delete(AdminSigninFailure).where(AdminSigninFailure.failed_at < now - ADMIN_GUESS_WINDOW))
    return (session.scalar(select(func.count()).select_from(AdminSigninFailure)) or 0) >= ADMIN_GUESSES


def admin_guess_failed(session: Session, now: datetime) -> None:
    session.add(AdminSigninFailure(failed_at=now))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_signin_link(session: Session, officer: StaffMember, now: datetime) -> str:
    """A new single-use token for this officer (valid 10 minutes); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSignin(token_hash=digest(token), staff_id=officer.id, created_at=now,
                              expires_at=now + SIGNIN_LINK_TTL, used_at=None))
    return token


def officer_for_link(session: Session, token: str, now: datetime) -> StaffMember | None:
    """The officer a still-usable link belongs to, without using it up (the confirm page)."""
    signin = session.scalars(select(ConsoleSignin).where(ConsoleSignin.token_hash == digest(token))).one_or_none()
    if signin is None or not link_usable(signin.expires_at, signin.used_at, now):
        return None
    return current_officer(session, signin.staff_id)


def use_signin_link(session: Session, token: str, now: datetime) -> StaffMember | None:
    """Use the link up (once, even when two browsers race) and return its officer, if still one."""
    signin = session.scalars(select(ConsoleSignin).where(ConsoleSignin.token_hash == digest(token))).one_or_none()
    if signin is None or not link_usable(signin.expires_at, signin.used_at, now):
        return None
    taken = session.execute(update(ConsoleSignin).where(ConsoleSignin.id == signin.id, ConsoleSignin.used_at.is_(None))
                            .values(used_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return current_officer(session, signin.staff_id)


def current_officer(session: Session, staff_id: int | None) -> StaffMember | None:
    """The staff member if they are still an officer (a revoked role or a volunteer gets nothing)."""
    if staff_id is None:
        return None
    member = session.get(StaffMember, staff_id)
    if member is None or member.role != "officer" or member.revoked_at is not None:
        return None
    return member


def officer_by_line_id(session: Session, line_user_id: str) -> StaffMember | None:
    return staff_member(session, line_user_id, "officer")


@dataclass(frozen=True)
class Opened:
    key: str  # goes into the signed cookie; never stored
    csrf_token: str


def open_session(session: Session, officer: StaffMember | None, now: datetime) -> Opened:
    """A new signed-in browser for an officer (None: the ADMIN_TOKEN bootstrap sign-in)."""
    key = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(ConsoleSession(key_hash=digest(key), staff_id=officer.id if officer else None, csrf_token=csrf,
                               created_at=now, last_seen_at=now, ended_at=None))
    return Opened(key, csrf)


def live_session(session: Session, key: str, now: datetime) -> ConsoleSession | None:
    """The session behind a cookie's key while alive, its officer still an officer; touched."""
    row = session.scalars(select(ConsoleSession).where(ConsoleSession.key_hash == digest(key))).one_or_none()
    if row is None or not session_alive(row.last_seen_at, row.ended_at, now):
        return None
    if row.staff_id is not None and current_officer(session, row.staff_id) is None:
        row.ended_at = now  # the role was revoked: this browser is signed out for good
        return None
    row.last_seen_at = now
    return row


def end_session(session: Session, key: str, now: datetime) -> None:
    """Sign out: the key no longer works, whatever the cookie says."""
    session.execute(update(ConsoleSession).where(ConsoleSession.key_hash == digest(key),
                                                 ConsoleSession.ended_at.is_(None))
                    .values(ended_at=now).execution_options(synchronize_session=False))
