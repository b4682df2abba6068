"""The webhook bench's second baseline: the echo bot plus the least database work a webhook with
the product's guarantees does (not product code).

Issue 17 keeps one guarantee on the hot path: the event id is stored in the same transaction as
the handler's work, so a redelivered event is never handled twice. This app is the echo bot
(`bench/echo_app.py`: the signature, the SDK's parser, one reply through the SDK's client) with,
per text message, one PostgreSQL transaction on a connection of its own thread (psycopg alone:
no pool, no ORM, no SQLAlchemy):

1. `INSERT ... ON CONFLICT DO NOTHING RETURNING` of the event id into `processed_events`
   (a redelivery inserts nothing and gets no reply);
2. one `SELECT` joining the sender's link, memberships, contracts and payments: the figures of a
   balance, in one round trip;
3. `COMMIT`.

It replies with the sum still owed as plain text. It keeps no conversation, writes no outbox row,
no audit and no last-seen time, and knows nothing of officers or groups: whatever a real handler
adds costs more than this. Served like the others: `gunicorn --workers 2 --threads 4
bench.floor_app:app`, with `DATABASE_URL` aimed at the bench's schema.
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import psycopg
from flask import Flask, abort, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent

from bench.echo_app import api, parser  # the echo bot's own parser and client: only the transaction differs

app = Flask(__name__)
CONNINFO = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
local = threading.local()

CLAIM = ("INSERT INTO processed_events (webhook_event_id, event_type, status, received_at) "
         "VALUES (%s, 'message', 'handled', now()) ON CONFLICT DO NOTHING RETURNING webhook_event_id")
FIGURES = ("SELECT c.id, c.principal, p.amount FROM line_links l "
           "JOIN memberships m ON m.person_id = l.person_id "
           "JOIN contracts c ON c.id = m.contract_id "
           "LEFT JOIN payments p ON p.contract_id = c.id "
           "WHERE l.line_user_id = %s")


def connection() -> psycopg.Connection:
    if getattr(local, "connection", None) is None or local.connection.closed:
        local.connection = psycopg.connect(CONNINFO)
    return local.connection  # type: ignore[no-any-return]


def owed(user_id: str, event_id: str) -> Decimal | None:
    """What the sender still owes, or None for an event already handled."""
    with connection().transaction(), connection().cursor() as cursor:
        if cursor.execute(CLAIM, (event_id,)).fetchone() is None:
            return None
        principal: dict[int, Decimal] = {}
        paid = Decimal(0)
        for contract_id, amount, payment in cursor.execute(FIGURES, (user_id,)):
            principal[contract_id] = amount
            paid += payment or 0
        return sum(principal.values(), Decimal(0)) - paid


@app.post("/callback")
def callback() -> str:
    try:
        events = parser.parse(request.get_data(as_text=True), request.headers.get("X-Line-Signature", ""))
    except InvalidSignatureError:
        abort(400)
    for event in events:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            left = owed(event.source.user_id, event.webhook_event_id)
            if left is not None:
                api.reply_message(ReplyMessageRequest(reply_token=event.reply_token,
                                                      messages=[TextMessage(text=f"คงเหลือ {left:,.2f} บาท")]))
    return "OK"
