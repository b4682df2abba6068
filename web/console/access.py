"""Who is looking: the signed-in officer behind the cookie, their area, CSRF, and the audit trail."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from bot.runtime import runtime
from messages.console import (
    ADMIN_NAME,
    BAD_REQUEST,
    CSRF_REFUSED,
    NOT_FOUND,
    NOT_SIGNED_IN,
    TOO_LARGE,
    document_too_large,
)
from messages.format import area_name
from models import Area, Contract, Person, StaffMember
from models.db import Session
from services.areas import Scope, district_choices, district_chosen, officer_area_ids
from services.audit import record_access
from services.console import live_session
from services.visits import person_in_scope

PUBLIC_ENDPOINTS = {"console.signin_page", "console.signin_link", "console.signin_admin", "console.static",
                    "console.line_start", "console.line_callback",
                    "console.leaflet"}  # the map's library, from its package: nothing personal
COOKIE_KEY = "console"
UPLOAD_ENDPOINTS = frozenset({"console.upload_for_person", "console.upload_for_project"})


@dataclass(frozen=True)
class Viewer:
    """The signed-in officer (or the ADMIN_TOKEN bootstrap), as the pages need them."""

    name: str
    line_user_id: str | None
    district: str | None  # their district's name, shown (None: the whole province)
    area_ids: list[int] | None  # None: the whole province
    csrf_token: str
    district_id: int | None = None  # their district, as pages scope by it (None: the whole province)
    province_id: int | None = None  # a province's officer's province (no district; None: everywhere)
    province: str | None = None  # its name, shown

    @property
    def audit_id(self) -> str:
        return self.line_user_id or "ADMIN_TOKEN"

    @property
    def area_label(self) -> str:
        """What their pages cover, in words: their district, `จังหวัด…`, or the whole province."""
        return area_name(self.district, self.province)

    @property
    def whole_register(self) -> bool:
        """Neither a district's officer nor a province's: they may import, and see every area."""
        return self.district_id is None and self.province_id is None

    def scope(self, chosen: str | None) -> Scope | None:
        """What a page covers: a district officer's own district, by its id (never by its name,
        which a district of another province may share); else the district a province officer
        chose (`services.areas.district_choices`: its name, or `name (province)` where names
        repeat), by its id, if it lies in their province; else their province (a province's
        officer) or, None, the whole province. A choice that names no district is kept as it
        was typed, so it lists nothing."""
        if self.district_id is not None:
            return self.district_id
        if not chosen:
            return self.province_id
        known: dict[str, Area | None] = g.setdefault("districts_chosen", {})  # a page asks several times
        if chosen not in known:
            known[chosen] = district_chosen(db(), chosen)
        area = known[chosen]
        if area is None:
            return chosen if self.province_id is None else self.province_id
        return area.id if self.province_id in (None, area.parent_id) else self.province_id


def viewer() -> Viewer:
    return g.viewer  # type: ignore[no-any-return]


def db() -> Session:
    """The request's database session (one per request, closed at teardown)."""
    if "db" not in g:
        g.db = runtime().sessions()
    return g.db  # type: ignore[no-any-return]


def close_db(_: BaseException | None = None) -> None:
    found = g.pop("db", None)
    if found is not None:
        found.close()


def no_nul() -> None:
    """Before every console request: a NUL character anywhere in what was sent (the address, a
    search, a form field) is refused with the kind 400 page. No text column holds one on
    PostgreSQL, and what is refused is not half read."""
    sent = [*request.args.items(multi=True), *request.form.items(multi=True),
            *(request.view_args or {}).items()]
    if any("\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in sent):
        abort(400)


def posted_from_elsewhere() -> bool:
    """A form another site's page submitted (the browser says so: `Sec-Fetch-Site`, else `Origin`).
    The sign-in forms carry no CSRF token (nobody is signed in yet): this is what keeps a page
    elsewhere from signing an officer's browser in as someone else."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc != request.host


def not_kept(response: Response) -> Response:
    """After every console response but its static files: never kept by the browser or a proxy.
    Pages, exports and files show personal data; on an office's shared computer the back button
    after signing out, or the disk cache, must not show them again."""
    if request.endpoint not in ("console.static", "console.leaflet"):  # the stylesheet, scripts and Leaflet
        response.headers.setdefault("Cache-Control", "private, no-store")  # or the view's own no-store
    return response


def guard() -> Response | None:
    """Before every console request: signed in, still an officer, and a CSRF token on every POST."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    key = session.get(COOKIE_KEY)
    now = runtime().clock.now()
    row = live_session(db(), key, now) if isinstance(key, str) else None
    if row is None:
        db().commit()  # a revoked officer's session is ended for good
        session.pop(COOKIE_KEY, None)
        if request.method == "GET":
            return redirect(url_for("console.signin_page", next=request.full_path.rstrip("?")))
        abort(401)
    staff: StaffMember | None = row.staff
    g.viewer = Viewer(
        name=staff.name if staff else ADMIN_NAME,
        line_user_id=staff.line_user_id if staff else None,
        district=staff.district.name if staff and staff.district else None,
        area_ids=officer_area_ids(db(), staff) if staff else None,
        csrf_token=row.csrf_token,
        district_id=staff.district_id if staff else None,
        province_id=staff.province_id if staff and staff.district_id is None else None,
        province=staff.province.name if staff and staff.district_id is None and staff.province else None,
    )
    db().commit()  # last seen
    if request.method == "POST":
        sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(sent.encode(), row.csrf_token.encode()):
            abort(400, description="csrf")
    return None


def district_filter() -> list[str]:
    """What the district filter offers (`services.areas.district_choices`' words): a province's
    officer, their province's districts; nothing to a district officer, whose district is fixed."""
    return [words for words, _ in district_areas()]


def district_areas() -> list[tuple[str, Area]]:
    """The districts the viewer may choose among, with the words the filter names them by."""
    me = viewer()
    if me.district_id is not None:
        return []
    return [(words, area) for words, area in district_choices(db())
            if me.province_id in (None, area.parent_id)]


def page_context() -> dict[str, Any]:
    endpoints = {rule.endpoint for rule in current_app.url_map.iter_rules()}
    return {"viewer": g.get("viewer"), "console_endpoints": endpoints}


def person_or_404(person_id: int) -> Person:
    """A person the viewer may see; anyone else is simply not found (404)."""
    found = person_in_scope(db(), person_id, viewer().area_ids)
    if found is None:
        abort(404)
    return found


def contract_visible(contract: Contract) -> bool:
    area_ids = viewer().area_ids
    return area_ids is None or contract.area_id in set(area_ids)


def audit(people: Sequence[int], action: str, *, detail: str | None = None) -> None:
    """Record that the viewer saw these people's data (in the request's transaction)."""
    if people:
        who = viewer()
        # the path, never its query: what someone searched for (a name, a national ID) is not written down
        said = f"{request.method} {request.path}" + (f" ({detail})" if detail else "")
        record_access(db(), list(people), viewer=who.audit_id, viewer_name=who.name, channel="console",
                      action=action, detail=said[:200], now=runtime().clock.now())


def problem_page(exc: HTTPException) -> tuple[str, int]:
    """A kind page for a refused request: what went wrong and what to do, never a traceback."""
    code = exc.code or 400
    text = {401: NOT_SIGNED_IN, 404: NOT_FOUND, 413: TOO_LARGE}.get(code, BAD_REQUEST)
    if code == 400 and exc.description == "csrf":
        text = CSRF_REFUSED
    if code == 413 and request.endpoint in UPLOAD_ENDPOINTS:  # far over the limit, refused before it is read
        text = document_too_large(runtime().settings.document_max_bytes)
    return render_template("console/problem.html", text=text), code
