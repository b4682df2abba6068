"""Every conversation the bot holds, and its steps, in one place.

The flow name and step values are stored in `conversations` rows and carried by the
buttons people tap (`Answer`), so they never change once released; the handlers declare
what each step does (handlers/*.FLOW), and the router builds its state table from those.
"""

from __future__ import annotations

from domain.flows import Steps
from messages.payloads import Answer


class ContactStep(Steps, flow="contact"):
    """`ติดต่อเจ้าหน้าที่`: what about → the message → a phone number to call back."""

    TOPIC = "topic"
    MESSAGE = "message"
    PHONE = "phone"


class VerifyStep(Steps, flow="verify"):
    """`ยืนยันตัวตน`: consent → national ID → birth date (or phone digits)."""

    CONSENT = "consent"
    NATIONAL_ID = "national_id"
    SECRET = "secret"


class ReliefStep(Steps, flow="relief"):
    """`มาตรการ`: the eligibility quiz's questions (domain.quiz.QUESTIONS), then the results."""

    CONTRACT = "contract"
    ROLE = "role"
    STANDING = "standing"
    COURT = "court"
    HARDSHIP = "hardship"
    PAYOFF = "payoff"
    WISH = "wish"
    RESULTS = "results"


class AppointmentStep(Steps, flow="appt"):
    """`นัดหมาย`: which session → which slot (timed sessions only) → confirm."""

    SESSION = "session"
    SLOT = "slot"
    CONFIRM = "confirm"


class VisitStep(Steps, flow="visit"):
    """`บันทึกเยี่ยม` (officers): who → which contract → outcome → promise → measure → note → pin."""

    WHO = "who"
    CONTRACT = "contract"
    OUTCOME = "outcome"
    PROMISE = "promise"
    MEASURE = "measure"
    NOTE = "note"
    PIN = "pin"


class FieldLinkStep(Steps, flow="fieldlink"):
    """After an ambiguous `#อัปเดต` (staff, 1:1): which of the people it names it is about.

    Waits while photos and places attach to the update; a tap or a typed number answers."""

    CHOOSE = "choose"


ALL_FLOWS: tuple[type[Steps], ...] = (ContactStep, VerifyStep, ReliefStep, AppointmentStep, VisitStep, FieldLinkStep)


def answer(step: Steps, value: str) -> str:
    """A button's postback data: this answer to this step (stale once the chat moves on)."""
    return Answer(flow=step.flow, step=step.value, value=value).pack()
