"""Security headers on every response the web app sends (issue 16).

Every page, JSON answer, file and error gets them, through one `after_request`:

- ``Content-Security-Policy``: everything from this app's own origin only. No inline
  script or style (the simulator's are in its static files; pages to come do the same),
  pictures also as ``data:`` URLs (a photo's preview) and from the map's tile host when
  one is set, no framing, no ``<base>`` or form posts elsewhere, no plugins.
- ``X-Content-Type-Options: nosniff``: a photo or an export is never run as a script.
- ``Referrer-Policy: same-origin``: our own pages see where a click came from; another
  site (Google Maps from a map link, a calendar) sees nothing, not even our host. The
  console's addresses can name a person or a search (``?q=…``), and
  ``strict-origin-when-cross-origin`` would still tell every outside site that an officer
  came from the fund's console; nothing here needs it.
- ``X-Frame-Options: DENY``, for browsers that predate ``frame-ancestors``.
- ``Strict-Transport-Security``: only outside demo mode, and only on a request that came
  over https (directly, or per ``X-Forwarded-Proto`` from the proxy that ended TLS; a
  browser ignores the header over plain http, so trusting that header costs nothing).
  One year, without ``includeSubDomains``: the fund's other hosts are not ours to bind.

A view that needs a different value sets the header itself; the defaults never replace it.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Flask, Response, request

from config.settings import Settings

HSTS = "max-age=31536000"


def tile_source(template: str | None) -> str | None:
    """The CSP source a map tile URL template needs, or None when it names no usable host.

    ``https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png`` → ``https://*.tile.openstreetmap.org``:
    a placeholder in the leftmost label of the host (Leaflet's ``{s}`` subdomains) becomes
    CSP's ``*``; a placeholder anywhere else in the host cannot be allowed safely.
    """
    if not template:
        return None
    parts = urlsplit(template.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc
    first, dot, rest = host.partition(".")
    if dot and first.startswith("{") and first.endswith("}"):
        host = f"*.{rest}"
    if any(char in host for char in "{}@ ;,'\""):
        return None
    return f"{parts.scheme}://{host}"


def image_sources(map_tile_url: str | None = None) -> list[str]:
    """Where pictures may come from: this app, ``data:`` URLs, and the map's tiles when set."""
    sources = ["'self'", "data:"]
    tiles = tile_source(map_tile_url)
    if tiles:
        sources.append(tiles)
    return sources


def content_security_policy(images: Sequence[str] = ("'self'", "data:")) -> str:
    """The policy every response carries; `images` from `image_sources`."""
    directives = {
        "default-src": ["'self'"],
        "img-src": list(images),
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response carries (Strict-Transport-Security is added per request)."""
    # MAP_TILE_URL is the console's map (coming); until it is a setting there are no tiles to allow.
    tiles = settings.map_tile_url
    return {
        "Content-Security-Policy": content_security_policy(image_sources(tiles)),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def came_over_https() -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.is_secure or forwarded == "https"


def register_security(app: Flask, settings: Settings) -> None:
    """Add the security headers to every response of `app`."""
    headers = security_headers(settings)
    strict_transport = not settings.demo

    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if strict_transport and came_over_https():
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
