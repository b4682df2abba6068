"""The officers' web console: sign-in links, signed-in sessions, project documents, notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.register import Contract, Person, StaffMember

DOCUMENT_KINDS = ("proposal", "loan_contract", "guarantee_contract", "ack_debt", "ack_liability",
                  "restructure", "evidence")


class ConsoleSignin(Base):
    """A single-use sign-in link for one officer; only the token's hash is kept."""

    __tablename__ = "console_signins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in browser. The cookie holds the key; only its hash is kept here."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))  # None: ADMIN_TOKEN
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    staff: Mapped[StaffMember | None] = relationship()


class AdminSigninFailure(Base):
    """A wrong ADMIN_TOKEN typed at the console's sign-in (when, nothing else: not what was typed).
    Counted across every web process, so that guesses at the token are few whatever the number
    of processes or hosts (`services.console.ADMIN_GUESSES`)."""

    __tablename__ = "admin_signin_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    failed_at: Mapped[datetime] = mapped_column(index=True)


class Document(Base):
    """A project's document (or a person's), stored under UPLOADS_DIR by its content hash."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("kind in ('proposal','loan_contract','guarantee_contract','ack_debt','ack_liability',"
                        "'restructure','evidence')", name="kind_known"),
        CheckConstraint("content_type in ('application/pdf','image/jpeg','image/png')", name="type_known"),
        Index("ix_documents_contract", "contract_id"),
        Index("ix_documents_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(24))
    filename: Mapped[str] = mapped_column(String(200))  # as the officer's file was named, for download
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200))  # officer's name as it was that day
    uploaded_at: Mapped[datetime]

    contract: Mapped[Contract | None] = relationship()
    person: Mapped[Person | None] = relationship()


class PersonNote(Base):
    """A note an officer left on a person's file (not a visit)."""

    __tablename__ = "person_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    officer_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
