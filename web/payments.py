"""The picture of a payer's Thai QR code, which LINE's app fetches for an image message.

The link is signed and expires (services/payments.py); the code is made from the register
as it stands when the picture is fetched. A link we did not sign, or for a payer no longer
on the contract, is 404; an expired one, or one for a contract with nothing left to pay,
is 410 with a line saying how to get a new one. Nothing personal is logged.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort

from bot.runtime import runtime
from messages.payments import picture_gone
from services.payments import link_of_token, pay_code, payer_holding

bp = Blueprint("payments", __name__)

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
PICTURE_PIXELS = 600  # about this wide: sharp on a phone, small to send (a few kB)


def qr_png(payload: str) -> bytes:
    """The code as a black-on-white PNG, error correction level M."""
    import segno  # when a code is drawn: it costs every web worker about 1 MB (bench/import_rss.py) otherwise

    code = segno.make_qr(payload, error="m", boost_error=False)
    width = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(4, PICTURE_PIXELS // width), border=QUIET_ZONE)
    return out.getvalue()


@bp.get("/pay/qr/<token>.png")
def qr_picture(token: str) -> Response:
    rt = runtime()
    link = link_of_token(rt.settings, token)
    if link is None:
        abort(404)
    now = rt.clock.now()
    if now > link.expires:
        return _gone()
    with rt.sessions() as session:
        found = payer_holding(session, link.person_id, link.contract_id, now.date())
        if found is None or not rt.settings.pay_by_qr:
            abort(404)
        code = pay_code(rt.settings, *found)
        if code is None:  # paid off or closed since the link was made
            return _gone()
        payload = code.payload(link.with_amount and code.suggested is not None)
    return Response(qr_png(payload), mimetype="image/png",
                    headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"})


def _gone() -> Response:
    return Response(picture_gone(), status=410, mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})
