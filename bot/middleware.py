"""The steps that run around every event's handler, in order (dispatch composes them).

Each takes the context and the rest of the chain, and returns what to reply. They are
here, named and ordered, rather than hidden in dispatch: to add one, write it and list it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.exc import IntegrityError

from bot.router import Routed, dispatch
from handlers import groups, lifecycle, officers
from handlers.context import Context

Next = Callable[[], Routed]
Middleware = Callable[[Context, Next], Routed]


def remember_user(ctx: Context, call_next: Next) -> Routed:
    """Note everyone who writes 1:1 (first seen, last seen, still following)."""
    if ctx.user_id and not ctx.in_group and not ctx.account_seen:  # else written with the event's claim
        lifecycle.note_seen(ctx)
    return call_next()


def quota_notice(ctx: Context, call_next: Next) -> Routed:
    """While LINE's monthly push quota is spent, tell each officer who writes, once (replies are free)."""
    routed = call_next()
    return Routed(routed.handler, [*officers.quota_notice(ctx), *routed.messages])


def personal_data_note(ctx: Context, call_next: Next) -> Routed:
    """A national ID or a phone number posted in a group: its author gets a kind note 1:1, once a
    day (nothing is said in the group), whatever the message was for."""
    routed = call_next()
    if ctx.in_group:
        try:
            with ctx.session.begin_nested():  # never at the cost of what the message itself did
                groups.personal_data_note(ctx)
        except IntegrityError:  # the same author's note, queued by a message handled at the same moment
            pass
    return routed


MIDDLEWARE: Sequence[Middleware] = (remember_user, quota_notice, personal_data_note)


def run(ctx: Context, middleware: Sequence[Middleware] = MIDDLEWARE) -> Routed:
    """The middleware in order, then the router."""
    if not middleware:
        return dispatch(ctx)
    first, rest = middleware[0], middleware[1:]
    return first(ctx, lambda: run(ctx, rest))
