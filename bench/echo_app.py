"""The baseline of the webhook bench: the SDK's own echo bot, as small as it gets (not product code).

A Flask app that checks the signature and parses the body with `linebot.v3`'s WebhookParser and
replies to each text message with its own text through the SDK's MessagingApi, aimed at the
same fake LINE platform as the bot (`LINE_API_BASE_URL`). Served by gunicorn with the
Procfile's settings: `gunicorn --workers 2 --threads 4 bench.echo_app:app`.
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import MessageEvent, TextMessageContent

app = Flask(__name__)
parser = WebhookParser(os.environ["LINE_CHANNEL_SECRET"])
configuration = Configuration(host=os.environ["LINE_API_BASE_URL"],
                              access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"])
api = MessagingApi(ApiClient(configuration))


@app.post("/callback")
def callback() -> str:
    try:
        events = parser.parse(request.get_data(as_text=True), request.headers.get("X-Line-Signature", ""))
    except InvalidSignatureError:
        abort(400)
    for event in events:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            api.reply_message(ReplyMessageRequest(reply_token=event.reply_token,
                                                  messages=[TextMessage(text=event.message.text)]))
    return "OK"
