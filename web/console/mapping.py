"""The map (`/console/map`): every pinned person of the officer's area, coloured by class.

Leaflet comes from its PyPI package (XStatic-Leaflet) and is served by the app; the
tiles come from MAP_TILE_URL. The pins reach the page's script as JSON from
`/console/map.json` (no inline script: the Content-Security-Policy allows scripts from
this app only), and the page lists them as a table too, for when the tiles do not load.
"""

from __future__ import annotations

from typing import Any

import xstatic.pkg.leaflet as leaflet
from flask import Blueprint, jsonify, render_template, send_from_directory, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from messages.console import CLASS_SHORT, STANDING_NAMES
from services.mapping import Pin, map_pins
from web.console.access import audit, db, viewer
from web.console.today import today

LEAFLET_DIR = leaflet.BASE_DIR
ASSET_MAX_AGE = 24 * 3600


def tone(pin: Pin) -> str:
    """The colour key of a pin: c1 (red, time-barred) … c4 (green, normal), or closed (grey)."""
    return f"c{pin.debtor_class}" if pin.debtor_class else "closed"


def label(pin: Pin) -> str:
    return CLASS_SHORT[pin.debtor_class] if pin.debtor_class else STANDING_NAMES[pin.standing]


def place(pin: Pin) -> str:
    return " · ".join(pin.place[level] for level in ("village", "subdistrict", "district") if pin.place.get(level))


def map_page() -> str:
    pins = map_pins(db(), today(), viewer().area_ids)
    audit([p.person_id for p in pins], "console.map")
    db().commit()
    settings = runtime().settings
    return render_template("console/map.html", pins=pins, tone=tone, label=label, place=place,
                           tiles=settings.map_tile_url, attribution=settings.map_tile_attribution,
                           classes=CLASS_SHORT, standing_names=STANDING_NAMES)


def as_json(pin: Pin) -> dict[str, Any]:
    return {"id": pin.person_id, "name": f"{pin.first_name} {pin.last_name}", "lat": pin.lat, "lng": pin.lng,
            "class": pin.debtor_class, "label": label(pin), "tone": tone(pin), "place": place(pin),
            "projects": pin.project_codes, "url": url_for("console.person", person_id=pin.person_id)}


def map_json() -> Response:
    pins = map_pins(db(), today(), viewer().area_ids)
    audit([p.person_id for p in pins], "console.map_json")
    db().commit()
    response = jsonify({"pins": [as_json(p) for p in pins]})
    response.headers["Cache-Control"] = "no-store"  # names and places: not for a shared cache
    return response


def leaflet_asset(filename: str) -> Response:
    """A file of the Leaflet package, and nothing outside its folder (send_from_directory joins safely)."""
    return send_from_directory(LEAFLET_DIR, filename, max_age=ASSET_MAX_AGE)


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/map", "map", map_page, methods=["GET"])
    bp.add_url_rule("/map.json", "map_json", map_json, methods=["GET"])
    bp.add_url_rule("/static/vendor/leaflet/<path:filename>", "leaflet", leaflet_asset, methods=["GET"])
