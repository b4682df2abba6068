"""One-time invite codes that give a LINE account the officer or volunteer role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.register import Area


class InviteCode(Base):
    __tablename__ = "invite_codes"
    __table_args__ = (CheckConstraint("role in ('officer','volunteer')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # None: province-wide officer
    province_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # the officer's province, with no district
    villages: Mapped[list[Any]] = mapped_column(default=list)  # area ids, for volunteers
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(64))

    district: Mapped[Area | None] = relationship(foreign_keys=[district_id])
    province: Mapped[Area | None] = relationship(foreign_keys=[province_id])


class RoleCodeAttempt(Base):
    """A wrong code typed by a LINE account (three in an hour lock the attempt)."""

    __tablename__ = "role_code_attempts"
    __table_args__ = (Index("ix_role_code_attempts_user_at", "line_user_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]


class GroupCode(Base):
    """A one-time code an officer types in a group chat to bind it to an area (`ลงทะเบียนกลุ่ม CODE`)."""

    __tablename__ = "group_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_in: Mapped[str | None] = mapped_column(String(64))  # the group id

    area: Mapped[Area] = relationship()
