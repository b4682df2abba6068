"""The only module-level app, for gunicorn (`gunicorn web.wsgi:app`).

`create_app` is taken through `bot` (the entry point `flask --app bot` uses): importing
`web.app` first would reach `bot/__init__.py` while `web.app` is half imported, and fail.
"""

import contextlib
import ctypes

from bot import create_app

M_ARENA_MAX = -8  # glibc's mallopt parameter


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """At most two malloc arenas in this worker (glibc gives each thread its own, up to 8 a core,
    and a threaded worker's memory then grows with arenas it keeps); the same as MALLOC_ARENA_MAX=2.
    Done here, in each worker before its threads start, so the Procfile's line stays as it is."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)


_fewer_malloc_arenas()
app = create_app()
