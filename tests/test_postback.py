"""Typed postback payloads: round trips and LINE's 300-character limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages.payloads import Answer, FlowControl
from messages.postback import MAX_POSTBACK_DATA, PostbackError, unpack


@given(flow=st.text(min_size=1, max_size=20), step=st.text(min_size=1, max_size=20),
       value=st.text(max_size=60))
def test_answer_round_trips(flow, step, value):
    payload = Answer(flow=flow, step=step, value=value)
    try:
        data = payload.pack()
    except PostbackError:
        return  # only when URL-encoding grows past 300 characters
    assert len(data) <= MAX_POSTBACK_DATA
    assert unpack(data) == payload


def test_pack_refuses_what_line_would_refuse():
    with pytest.raises(PostbackError, match="300"):
        Answer(flow="contact", step="message", value="ก" * 40).pack()  # Thai URL-encodes ×9


def test_unpack_rejects_unknown_and_incomplete_payloads():
    for data in ("nope", "ans?flow=x", "ans?flow=x&step=y&value=z&extra=1", "x" * 301):
        with pytest.raises(PostbackError):
            unpack(data)
    assert unpack(FlowControl(op="back").pack()) == FlowControl(op="back")
