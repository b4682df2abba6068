"""What volunteers and officers learn in the field, kept for whoever comes next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class FieldUpdate(Base):
    """A `#อัปเดต` message, with the photos and the location sent right after it."""

    __tablename__ = "field_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(64), index=True)  # LINE user id of a volunteer or officer
    group_id: Mapped[str | None] = mapped_column(String(64))  # None: sent 1:1
    text: Mapped[str] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    photos: Mapped[list[Any]] = mapped_column(default=list)  # [{"path", "content_type", "bytes"}]
    pinned_at: Mapped[datetime | None]  # the author confirmed the location as the person's map pin
    # the list's updates of the day before and today, and the weekly report's week
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
