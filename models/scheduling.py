"""What the clock process needs: the single-clock lock, public holidays, proactive contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Float, LargeBinary, String, Table, Unicode, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# APScheduler 3's SQLAlchemyJobStore table, declared here so Alembic creates it (the job
# store then finds it and creates nothing itself).
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class ClockLock(Base):
    """Who runs the clock, and the fencing token of its tenure (scheduler/lock.py).

    `generation` goes up by one each time a clock takes the lock, and the row is never
    deleted, so a token is never given twice; `holder` is empty while no clock holds it. On
    SQLite the row is the lock itself (a heartbeat older than the stale limit may be taken
    over); on PostgreSQL an advisory lock decides who may bump the generation.
    """

    __tablename__ = "clock_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime]
    generation: Mapped[int]


class Holiday(Base):
    """A Thai public holiday: contact hours end at 18:00 as on weekends."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class ProactiveContact(Base):
    """A message we started (not a reply) to one person: at most one per person per day.

    The unique (person, day) pair is the rule "one proactive contact a day" in the
    database itself; `key` (person, purpose, due date) makes every job idempotent.
    """

    __tablename__ = "proactive_contacts"
    __table_args__ = (UniqueConstraint("line_user_id", "contact_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    # indexed: each reminder job reads the day's contacts, and the table keeps every day's
    contact_day: Mapped[date] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    outbox_id: Mapped[int | None]
    created_at: Mapped[datetime]


class JobMark(Base):
    """How far a daily job has looked: the last day it covered (a restart never repeats a day).

    The prescription alerts compare each contract's days to its 5-year limit with what
    they were on the day after this one, so an alert goes out once, on crossing.
    """

    __tablename__ = "job_marks"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    through: Mapped[date]
    updated_at: Mapped[datetime]
