"""Paying by Thai QR: a payer's references on one contract, the code, and its picture's signed link.

A picture of a code goes to LINE as an image message, which LINE's app fetches over
https from this app (`web/payments.py`). Its link names no one: it is signed (itsdangerous,
SECRET_KEY) over internal ids (contract, payer), whether the code carries the suggested
amount, and when the link expires, so it cannot be guessed or altered, and it stops
working after LINK_LIFETIME. The code itself is made afresh from the register each time
the picture is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from config.settings import Settings
from domain.payments import payable, ref1_of, ref2_of, suggested_amount
from domain.thaiqr import bill_payment
from models.register import Person
from services.balance import Holding, holding_of, holdings
from services.identity import person_by_id

SALT = "pay-qr"
# Long enough to open the picture and save it, short enough that a link seen by someone else
# soon stops showing a payer's references; the person asks again for a new one.
LINK_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class PayCode:
    """What one payer puts in a Bill Payment for one contract."""

    holding: Holding
    person_id: int
    biller_id: str
    ref1: str
    ref2: str | None
    suggested: Decimal | None  # the amount a code suggests (domain/payments.py), if any

    def amount(self, with_amount: bool) -> Decimal | None:
        """The amount a code carries: the suggested one, or none for the payer to type."""
        return self.suggested if with_amount else None

    def payload(self, with_amount: bool) -> str:
        """The Thai QR payload (domain/thaiqr.py)."""
        return bill_payment(self.biller_id, self.ref1, self.ref2, self.amount(with_amount))


@dataclass(frozen=True)
class QrLink:
    """What a picture link was signed for."""

    contract_id: int
    person_id: int
    with_amount: bool
    expires: datetime


def pay_code(settings: Settings, person: Person, held: Holding) -> PayCode | None:
    """The payer's code for a contract; None without a biller ID, with nothing to pay, or no Ref.1."""
    if not settings.pay_by_qr or not payable(held.position):
        return None
    ref1 = ref1_of(settings.payment_ref1, held.contract.project_code)
    if ref1 is None:
        return None
    ref2 = ref2_of(settings.payment_ref2, person.national_id)
    return PayCode(held, person.id, settings.payment_biller_id, ref1, ref2, suggested_amount(held.position))


def pay_codes(session: Session, settings: Settings, person: Person, as_of: date) -> list[PayCode]:
    """A code for each of the person's contracts with something to pay, oldest first."""
    return [code for held in holdings(session, person, as_of) if (code := pay_code(settings, person, held))]


def payer_holding(session: Session, person_id: int, contract_id: int, as_of: date) -> tuple[Person, Holding] | None:
    """The person and their holding of the contract, or None when they are not on it."""
    person = person_by_id(session, person_id)
    held = holding_of(session, person, contract_id, as_of) if person is not None else None
    return (person, held) if person is not None and held is not None else None


def code_of(session: Session, settings: Settings, person_id: int, contract_id: int, as_of: date) -> PayCode | None:
    """The code of one contract for one payer, or None when they are not on it or nothing is to pay."""
    found = payer_holding(session, person_id, contract_id, as_of)
    return pay_code(settings, *found) if found else None


def qr_url(settings: Settings, code: PayCode, with_amount: bool, now: datetime) -> str:
    """The picture of a code: a signed link that expires (see the module's docstring)."""
    expires = int((now + LINK_LIFETIME).timestamp())
    token = _signer(settings).dumps([code.holding.contract.id, code.person_id, int(with_amount), expires])
    return f"{settings.public_base_url}/pay/qr/{token}.png"


def link_of_token(settings: Settings, token: str) -> QrLink | None:
    """What a link was signed for, or None when we did not sign it."""
    try:
        contract_id, person_id, with_amount, expires = _signer(settings).loads(token)
        return QrLink(int(contract_id), int(person_id), bool(with_amount), datetime.fromtimestamp(int(expires), UTC))
    except (BadSignature, ValueError, TypeError):
        return None


def _signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=SALT)
