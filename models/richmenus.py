"""Rich menus: the ones deployed to LINE, and which one each LINE account has linked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RichMenu(Base):
    """A menu `richmenu deploy` put on LINE: its key (domain.richmenus), LINE's id, its alias and
    a hash of what it was made of (a menu whose hash is unchanged is not made again)."""

    __tablename__ = "rich_menus"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    rich_menu_id: Mapped[str] = mapped_column(String(80))
    alias_id: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]


class RichMenuLink(Base):
    """The menu linked to one LINE account as LINE last confirmed it, and whether it must change.

    A change of roles (verified, a role taken or lost, blocked or unblocked) sets `due_at`; the
    link is then made with LINE after the change is committed, and retried until it is."""

    __tablename__ = "rich_menu_links"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    menu_key: Mapped[str | None] = mapped_column(String(40))  # None: nothing linked, LINE's default shows
    rich_menu_id: Mapped[str | None] = mapped_column(String(80))
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # None: as it should be
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    updated_at: Mapped[datetime]
