"""`ยอดหนี้` / `balance` and `วิธีชำระ` / `pay`: a verified person's own contracts, 1:1 only."""

from __future__ import annotations

from handlers import verify
from handlers.context import Context
from handlers.statements import balance_for
from messages import balance as balance_msgs
from messages import payments as msgs
from messages.line_json import Message
from messages.payloads import PayQR
from services import payments
from services.balance import holdings, open_holdings


def balance(ctx: Context) -> list[Message]:
    """A verified debtor's balance (anyone else is asked to verify first: `verify_first`)."""
    return balance_for(ctx, ctx.as_person())


def verify_first(ctx: Context) -> list[Message]:
    """`ยอดหนี้` before this LINE account is verified: verify, then see the balance right after."""
    return verify.start(ctx, then="balance")


def how_to_pay(ctx: Context) -> list[Message]:
    """A verified person gets a Thai QR code per contract; without a biller ID, everyone is sent to the office."""
    s = ctx.settings
    person = ctx.person
    if not s.pay_by_qr:
        codes = [h.contract.project_code for h in open_holdings(ctx.session, person, ctx.today)] if person else []
        return msgs.pay_at_office(s.office_name, s.office_phone, codes, s.payment_note)
    if person is None:
        return msgs.verify_to_pay(_biller(ctx))
    held = holdings(ctx.session, person, ctx.today)
    payable = [code for h in held if (code := payments.pay_code(s, person, h))]
    if not payable:
        return msgs.nothing_to_pay() if held else balance_msgs.no_contracts()
    views = [_view(ctx, code, with_amount=code.suggested is not None) for code in payable]
    return msgs.pay_by_qr(views, _biller(ctx), ctx.today)


def on_pay_qr(ctx: Context, action: PayQR) -> list[Message]:
    """`จ่ายด้วย QR` on a card: that contract's code, with the suggested amount or none."""
    person = ctx.as_person()
    if not ctx.settings.pay_by_qr:  # a card from before the biller ID was taken away
        return how_to_pay(ctx)
    code = payments.code_of(ctx.session, ctx.settings, person.id, action.contract, ctx.today)
    if code is None:
        return msgs.no_such_code()
    return msgs.one_code(_view(ctx, code, with_amount=action.amount and code.suggested is not None), _biller(ctx))


def _view(ctx: Context, code: payments.PayCode, *, with_amount: bool) -> msgs.PayView:
    contract = code.holding.contract
    return msgs.PayView(contract.id, contract.project_code, contract.project_name, code.holding.role,
                        code.holding.position, code.ref1, code.ref2, code.suggested,
                        payments.qr_url(ctx.settings, code, with_amount, ctx.now), code.amount(with_amount))


def _biller(ctx: Context) -> msgs.Biller:
    s = ctx.settings
    return msgs.Biller(s.payment_bank, s.payment_biller, s.payment_biller_id, s.payment_note)
