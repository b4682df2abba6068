"""LINE's loading animation, shown only for an answer that turns out slow.

A handler whose answer may take more than a moment asks for the animation (`ctx.loading()`). Showing
it is a call to LINE made before the answer: on an answer that is ready a moment later it only holds
the answer up by that round trip, and flashes an animation the reply at once replaces. So the call
waits: it is made, from a timer thread, only if the answer is still not on its way
`LOADING_AFTER_SECONDS` after it was asked for (0: at once, in the handler's thread). Before the
replies go, the request settles its animations: a timer that has not fired is cancelled, and an
animation being started is waited for (briefly), so that it lands before the reply ends it (one
started after the reply would spin on with nothing to follow).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.line import TOUCH_SECONDS


class DeferredLoading:
    """The loading animations one webhook request asks for."""

    def __init__(self, show: Callable[[str, int], object], after: float) -> None:
        self._show = show
        self._after = after
        self._lock = threading.Lock()
        self._landed = threading.Condition(self._lock)
        self._timers: list[threading.Timer] = []
        self._starting = 0  # animations whose call to LINE is under way
        self._settled = False

    def request(self, chat_id: str, seconds: int) -> None:
        """Show the animation in this 1:1 chat if the answer is not on its way `after` seconds from now."""
        if self._after <= 0:
            if not self._settled:
                self._show(chat_id, seconds)
            return
        timer = threading.Timer(self._after, self._fire, (chat_id, seconds))
        timer.daemon = True  # a worker shutting down never waits for an animation
        with self._lock:
            if self._settled:
                return
            self._timers.append(timer)
        timer.start()

    def _fire(self, chat_id: str, seconds: int) -> None:
        with self._lock:
            if self._settled:  # the answer won the race
                return
            self._starting += 1
        try:
            self._show(chat_id, seconds)  # never raises (LineGateway.show_loading)
        finally:
            with self._lock:
                self._starting -= 1
                self._landed.notify_all()

    def settle(self) -> None:
        """The answer is on its way: start no animation from now on, and let one being started land
        first (at most LINE's short timeout for it). Safe to call more than once."""
        with self._lock:
            self._settled = True
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
            self._landed.wait_for(lambda: self._starting == 0, timeout=TOUCH_SECONDS)
