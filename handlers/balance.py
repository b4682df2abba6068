"""`ยอดหนี้` / `balance` and `วิธีชำระ` / `pay`: a verified person's own contracts, 1:1 only."""

from __future__ import annotations

from linebot.v3.messaging import Message

from handlers import verify
from handlers.context import Context
from handlers.statements import balance_for
from messages import balance as msgs
from services.balance import open_holdings


def balance(ctx: Context) -> list[Message]:
    """A verified debtor's balance (anyone else is asked to verify first: `verify_first`)."""
    return balance_for(ctx, ctx.as_person())


def verify_first(ctx: Context) -> list[Message]:
    """`ยอดหนี้` before this LINE account is verified: verify, then see the balance right after."""
    return verify.start(ctx, then="balance")


def how_to_pay(ctx: Context) -> list[Message]:
    """Payment instructions; a verified person also sees their own project codes."""
    person = ctx.person
    codes = [h.contract.project_code for h in open_holdings(ctx.session, person, ctx.today)] if person else []
    s = ctx.settings
    return msgs.how_to_pay(s.payment_bank, s.payment_biller, s.payment_note, codes, ctx.today)
