"""A verified person's statement of contracts, shared by the balance and verification flows."""

from __future__ import annotations

from handlers.context import Context
from messages import balance as msgs
from messages.line_json import Message
from models import Person
from services.balance import holdings


def balance_for(ctx: Context, person: Person) -> list[Message]:
    """The balance carousel of every open contract, and a line for closed ones."""
    held = holdings(ctx.session, person, ctx.today)
    open_lines = [
        msgs.BalanceLine(h.contract.project_code, h.contract.project_name, h.role, h.contract.status, h.position,
                         h.contract.id)
        for h in held if not h.position.closed
    ]
    closed = [h.contract.project_code for h in held if h.position.closed]
    s = ctx.settings
    return msgs.balance_messages(open_lines, closed, msgs.PayPlace(s.pay_by_qr, s.office_name, s.office_phone))
