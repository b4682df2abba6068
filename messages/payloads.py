"""Every postback payload the bot puts on a button (see messages.postback for the wire form)."""

from __future__ import annotations

from dataclasses import dataclass

from messages.postback import Postback, postback


@postback("flow")
@dataclass(frozen=True)
class FlowControl(Postback):
    """Back or cancel inside a multi-step flow."""

    op: str  # back | cancel


@postback("ans")
@dataclass(frozen=True)
class Answer(Postback):
    """An answer to the question at (`flow`, `step`); stale if the chat moved on."""

    flow: str
    step: str
    value: str


@postback("bk")
@dataclass(frozen=True)
class BookingAction(Postback):
    """A button on a booking card: change, cancel, or book another (booking 0).

    `cancel` asks first; `cancel_yes` (with the booking's `seq` when asked, so a yes tapped
    after the booking moved does nothing) cancels, `keep` leaves it. `new` may carry the
    `kind` the person asked for (after asking for mediation: court sessions first).
    """

    op: str  # change | cancel | cancel_yes | keep | new
    booking: int
    seq: int | None = None
    kind: str | None = None


@postback("pc")
@dataclass(frozen=True)
class PersonCard(Postback):
    """Officers: open one person's history card from a search result."""

    person: int


@postback("vf")
@dataclass(frozen=True)
class VisitFor(Postback):
    """Officers: record a visit to the person whose card this button is on."""

    person: int


@postback("pin")
@dataclass(frozen=True)
class PinAction(Postback):
    """The author of a field update confirms (or not) its location as the person's map pin."""

    op: str  # yes | no
    update: int


@postback("lu")
@dataclass(frozen=True)
class LinkUpdate(Postback):
    """The author of an ambiguous field update says which person it is about (0: none of them)."""

    update: int
    person: int


@postback("qr")
@dataclass(frozen=True)
class PayQR(Postback):
    """A verified debtor: the Thai QR code of one of their contracts, with the suggested amount or none."""

    contract: int
    amount: bool  # True: the amount suggested (overdue, else the next installment); False: the payer types it


@postback("tab")
@dataclass(frozen=True)
class MenuTab(Postback):
    """A tab along the top of a rich menu: LINE switches the menu itself, the bot notes which one shows."""

    menu: str  # the key of the menu switched to (domain.richmenus.MenuKey)


@postback("pj")
@dataclass(frozen=True)
class ProjectCard(Postback):
    """Officers: the people on a project, from a row of the list (one: their card; several: a choice)."""

    code: str


@postback("lp")
@dataclass(frozen=True)
class ListPage(Postback):
    """Officers: page `page` (1-based) of the list of `day` (ISO date; a later day starts today's list)."""

    page: int
    day: str
