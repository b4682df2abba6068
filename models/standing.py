"""The follow-up list's register part, computed ahead: one row per contract on the list.

Working out which of 100,000 contracts are time-barred, near their 5-year limit or in
default takes the money rules over every contract and its payments: seconds. The list
changes only when the register changes (an import, a settlement) or the day turns, so
`services.standing` computes it then and stores it here, ranked, as the values the list
shows (its words are made when it is shown).

`register_version` is what makes the stored list safe to trust: database triggers (see
migration e386256120a9) add one to it whenever contracts, payments or areas change, by
any program, in the same transaction as the change. A stored list is used only when it
was computed for the day asked about from the version the register has now; otherwise
the list is computed live.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RegisterVersion(Base):
    """One row (id 1): raised by triggers on every change to contracts, payments or areas."""

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


class StandingState(Base):
    """One row (id 1): which day and register version the stored rows were computed for."""

    __tablename__ = "followup_standing_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_of: Mapped[date | None]
    register_version: Mapped[int | None] = mapped_column(BigInteger)
    format: Mapped[int | None]
    rows: Mapped[int | None]
    # rows per district id ("" for none) and reason, written by the refresh: `วันนี้` reads its
    # counts here instead of a GROUP BY over every stored row (None: stored before it was kept)
    counts: Mapped[dict[str, Any] | None]
    started_at: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]


class FollowupStanding(Base):
    """A register row of the follow-up list: the values `GET /api/followups` shows of it.

    No words: why the row is listed and what to do are worded from these values when shown.

    Money and dates are kept as the API's strings (two decimals, ISO dates): this is a
    cache of the list, read tens of thousands of rows at a time, never a source of truth.
    `rank` is the row's place in the province list; a district's list is its rows in
    the same order.
    """

    __tablename__ = "followup_standing"
    __table_args__ = (Index("ix_followup_standing_district_rank", "district_id", "rank"),)

    # no foreign keys: the rows are replaced all at once, and a contract or area that
    # changes or goes raises the register version, which makes every row stale anyway
    contract_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rank: Mapped[int] = mapped_column(unique=True)
    district_id: Mapped[int | None]
    project_code: Mapped[str] = mapped_column(String(40))
    project_name: Mapped[str] = mapped_column(String(300))
    district: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(20))
    debtor_class: Mapped[int | None]
    class_name: Mapped[str | None] = mapped_column(String(60))
    outstanding_principal: Mapped[str] = mapped_column(String(20))
    overdue_amount: Mapped[str] = mapped_column(String(20))
    overdue_installments: Mapped[int]
    next_due_date: Mapped[str | None] = mapped_column(String(10))
    next_due_amount: Mapped[str | None] = mapped_column(String(20))
    last_payment_date: Mapped[str | None] = mapped_column(String(10))
    contract_end_date: Mapped[str | None] = mapped_column(String(10))
    days_to_prescription: Mapped[int | None]
    default_interest: Mapped[str] = mapped_column(String(20))
    #: the project's code, name and district, lowercased and a space apart: what the console's search
    #: looks in (a national list searched through `lower()` of three columns per row took twice as long)
    search_text: Mapped[str] = mapped_column(Text, default="")


class DashboardFigures(Base):
    """The dashboard's money figures of one day, per district, as `services.dashboard` computed them.

    One row per (register version, day): for each district id ("" for contracts in no
    district) the overdue amount on that day and, when `full`, the contracts and
    outstanding principal by class and the contracts near the 5-year limit. Amounts are
    strings (two decimals, exact). A day's figures depend only on the register and the
    day, so the rows of a version stay true until the register changes: the month ends
    of the last 12 months are reused from day to day, and only the current day is
    computed again. Rows of another version are stale and deleted when new ones are stored.
    """

    __tablename__ = "dashboard_figures"
    __table_args__ = (UniqueConstraint("register_version", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_version: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date]
    format: Mapped[int]
    full: Mapped[bool]
    figures: Mapped[dict[str, Any]]
    computed_at: Mapped[datetime]
