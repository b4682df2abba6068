"""The signed add-to-calendar link of a booking: made for messages, checked by the web route."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from config.settings import Settings

SALT = "booking-calendar"


def _signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=SALT)


def calendar_url(settings: Settings, booking_id: int) -> str:
    """A link that cannot be guessed from another booking's (the web app and the clock process alike)."""
    return f"{settings.public_base_url}/calendar/{_signer(settings).dumps(booking_id)}.ics"


def booking_of_token(settings: Settings, token: str) -> int | None:
    """The booking id a link was signed for, or None when the link was not made by us."""
    try:
        return int(_signer(settings).loads(token))
    except (BadSignature, ValueError):
        return None
