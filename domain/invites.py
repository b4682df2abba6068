"""Invite codes: easy to read aloud and type on a phone, hard to guess."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from domain.lockout import Lockout

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read out over the phone
LENGTH = 8
VALID_FOR = timedelta(days=7)
MAX_WRONG = 3
WRONG_WINDOW = timedelta(hours=1)
LOCKOUT = Lockout(MAX_WRONG, WRONG_WINDOW)  # wrong codes from one LINE account


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(raw: str) -> str | None:
    """What a person typed, as stored (upper case, no spaces or dashes), or None if it is no code."""
    code = "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code) or len(raw.strip()) > 2 * LENGTH:
        return None
    return code


def invite_problem(invite_role: str, used_at: datetime | None, expires_at: datetime, role: str,
                   now: datetime) -> str | None:
    """Why an invite cannot give this role: "kind" (it is for the other role), "used", "expired"; or None."""
    if invite_role != role:
        return "kind"
    if used_at is not None:
        return "used"
    if expires_at <= now:
        return "expired"
    return None


def group_code_problem(used_in: str | None, used_at: datetime | None, expires_at: datetime, group_id: str,
                       now: datetime) -> str | None:
    """Why a group code cannot bind this group: "used" (in another group), "expired"; or None.

    Typing it again in the group it bound binds that group again.
    """
    if used_at is not None and used_in != group_id:
        return "used"
    if expires_at <= now:
        return "expired"
    return None
