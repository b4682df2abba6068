"""The JSON API checks every body and query against its published schema (issue 16, item 8):
odd input is a 400 that says what is wrong and stores nothing, never a 500."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import AppointmentSession, Booking, MeasureApplication
from tests import factories as f
from tests.helpers import USER
from web import openapi

AUTH = {"Authorization": "Bearer test-admin-token"}
WHEN = datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK)


@pytest.fixture
def on_file(app, db, clock):  # type: ignore[no-untyped-def]
    """A person with an open contract, a court session she booked, and her submitted application."""
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session, contract_date=date(2025, 6, 1), first_due_date=date(2025, 7, 1))
        f.member(session, contract, who)
        court = AppointmentSession(kind="court", title="court", place="x", starts_at=WHEN,
                                   ends_at=WHEN.replace(hour=12), capacity=5, documents=[], status="open",
                                   created_at=clock.now())
        session.add(court)
        session.flush()
        booking = Booking(session_id=court.id, person_id=who.id, line_user_id=USER, kind="court", seat=1, capacity=5,
                          slot_start=WHEN, status="booked", sequence=0, checklist={}, created_at=clock.now(),
                          updated_at=clock.now())
        application = MeasureApplication(person_id=who.id, contract_id=contract.id, measure_id="M2", answers={},
                                         status="submitted", submitted_at=clock.now(), status_changed_at=clock.now())
        session.add_all([booking, application])
        session.commit()
        return {"session": court.id, "booking": booking.id, "application": application.id,
                "code": contract.project_code}


def stored(db) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """What the API could have written: sessions, bookings, applications."""
    with Session(db) as session:
        return (
            session.execute(select(AppointmentSession.id, AppointmentSession.documents)).all(),
            session.execute(select(Booking.id, Booking.checklist, Booking.attendance, Booking.outcome,
                                   Booking.outcome_terms)).all(),
            session.execute(select(MeasureApplication.id, MeasureApplication.status,
                                   MeasureApplication.officer)).all(),
        )


NEW_SESSION = {"kind": "clinic", "start": "2026-12-05T09:00", "end": "2026-12-05T12:00", "place": "office",
               "capacity": 5}


@pytest.mark.parametrize(("route", "body", "field", "says"), [
    ("/api/sessions", [1, 2], None, "must be a JSON object"),
    ("/api/bookings/{booking}", [1, 2], None, "must be a JSON object"),
    ("/api/applications/{application}", "x", None, "must be a JSON object"),
    ("/api/applications/{application}", {"status": "under_review", "officer": 5}, "officer", "valid string"),
    ("/api/bookings/{booking}", {"officer": 5}, "officer", "valid string"),
    ("/api/sessions", {**NEW_SESSION, "documents": {"ID card": 1, "house registration": 2}}, "documents",
     "valid list"),
    ("/api/sessions", {**NEW_SESSION, "officer": 5}, "officer", "valid string"),
    ("/api/sessions", {**NEW_SESSION, "capacity": "5"}, "capacity", "valid integer"),
    ("/api/sessions", {**NEW_SESSION, "start": "2569-12-05T09:00"}, "start", "B.E."),
    ("/api/sessions", {**NEW_SESSION, "place": "office\x00"}, "place", "NUL"),
    ("/api/sessions", {**NEW_SESSION, "capacity": 10**30}, "capacity", "at most 500"),
    ("/api/sessions", {**NEW_SESSION, "slot_minutes": 10**12}, "slot_minutes", "less than or equal to 1440"),
    ("/api/sessions", {**NEW_SESSION, "map_url": "javascript:alert(1)"}, "map_url", "should match pattern"),
    ("/api/sessions", {**NEW_SESSION, "capacty": 5}, "capacty", "not permitted"),
    ("/api/bookings/{booking}", {"officer": "k", "checklist": {"nonsense": True}}, "checklist.nonsense",
     "day1_date_venue_fixed"),
    ("/api/bookings/{booking}", {"officer": "k", "checklist": {"day2_mediated": "yes"}}, "checklist.day2_mediated",
     "valid boolean"),
    ("/api/bookings/{booking}", {"officer": "k", "outcome": "settled", "start_measure": "M99"}, "start_measure",
     "M7"),
    ("/api/bookings/{booking}", {"officer": "k", "contract_status": "gone"}, "contract_status", "closed"),
    ("/api/applications/{application}", {"status": "under_review", "officer": " "}, "officer", "at least 1"),
])
def test_an_odd_body_is_a_400_that_names_the_field_and_nothing_is_stored(app, db, on_file, route, body, field, says):
    before = stored(db)
    response = app.test_client().post(route.format(**on_file), json=body, headers=AUTH)
    assert response.status_code == 400, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["error"] == "bad_request" and says in answer["detail"]
    assert [p["field"] for p in answer["problems"]] == [field]
    assert stored(db) == before


@pytest.mark.parametrize(("content_type", "raw", "says"), [
    ("text/plain", b'{"officer": "k"}', "Content-Type: application/json"),
    ("application/x-www-form-urlencoded", b"officer=k", "Content-Type: application/json"),
    ("application/json", b"", "empty"),
    ("application/json", b"  \n", "empty"),
    ("application/json", b'{"officer": ', "not valid JSON"),
    ("application/json", b'{"officer": "\xff"}', "not valid JSON"),
    ("application/json", b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),  # past the parser's recursion limit
    ("application/json", b"1" * 5000, "not valid JSON"),  # past Python's limit on digits
    ("application/json", b"null", "not null"),
    ("application/json", b"12", "not a number"),
])
def test_a_body_that_is_not_a_json_object_is_a_400(app, db, on_file, content_type, raw, says):
    before = stored(db)
    for route in ("/api/sessions", "/api/bookings/{booking}", "/api/applications/{application}"):
        response = app.test_client().post(route.format(**on_file), data=raw, content_type=content_type, headers=AUTH)
        assert response.status_code == 400, (route, response.get_data(as_text=True))
        assert says in response.get_json()["detail"] and response.get_json()["problems"][0]["field"] is None
    assert stored(db) == before


def test_good_bodies_still_work_and_thai_digits_are_dates(app, db, on_file):
    client = app.test_client()
    created = client.post("/api/sessions", headers=AUTH, json={
        **NEW_SESSION, "start": "๒๐๒๖-๑๒-๐๕T๐๙:๐๐", "documents": ["  ID card "], "officer": "  ", "title": ""})
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert row["start"] == "2026-12-05T09:00:00+07:00" and row["documents"] == ["ID card"] and row["officer"] is None
    assert row["title"]  # the kind's own
    url = f"/api/bookings/{on_file['booking']}"
    settled = {"officer": "k", "attendance": "attended", "outcome": "settled", "start_measure": "M7"}
    first = client.post(url, headers=AUTH, json=settled)
    assert first.status_code == 200 and first.get_json()["application_id"]
    before = stored(db)
    again = client.post(url, headers=AUTH, json={**settled, "terms": "changed"})  # once made a unique-index 500
    assert again.status_code == 409 and "already has an open application to M7" in again.get_json()["detail"]
    assert stored(db) == before


@pytest.mark.parametrize("query", [
    "as_of=2569-11-20", "as_of=2026-02-30", "as_of=20261120", "as_of=0001-01-01", "limit=²", "limit=1" + "0" * 5000,
    "offset=-1", "limit=2.5", "district=%00",
])
def test_odd_query_parameters_are_a_400(app, on_file, query):
    response = app.test_client().get(f"/api/followups?{query}", headers=AUTH)
    assert response.status_code == 400
    name = query.partition("=")[0]
    assert [p["field"] for p in response.get_json()["problems"]] == [name]


@pytest.mark.parametrize("url", [
    "/api/sessions?from=9999-12-31", "/api/outbox?since=0001-01-01T00:00+14:00", "/api/reports/visits?to=2400-01-01",
    "/api/applications?status=nonsense", "/api/contracts/X?as_of=2026-13-01",
])
def test_odd_query_parameters_anywhere_are_a_400(app, url):
    assert app.test_client().get(url, headers=AUTH).status_code == 400


def test_ids_and_codes_that_cannot_exist_are_a_404(app, on_file):
    client = app.test_client()
    huge = 2**63
    assert client.get(f"/api/sessions/{huge}/bookings", headers=AUTH).status_code == 404
    assert client.post(f"/api/bookings/{huge}", headers=AUTH, json={"officer": "k"}).status_code == 404
    assert client.post(f"/api/applications/{huge}", headers=AUTH,
                       json={"status": "under_review", "officer": "k"}).status_code == 404
    assert client.get("/api/contracts/PKT%00", headers=AUTH).status_code == 404
    assert client.get(f"/api/sessions/{on_file['session']}/bookings",
                      headers={**AUTH, "X-Officer": "k\x00"}).status_code == 200


def test_the_api_is_published_as_openapi_and_every_route_is_in_it(app):
    response = app.test_client().get("/api/openapi.json")  # no token: it describes the code, not the data
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(copy.deepcopy(document)).validate()  # against the OpenAPI 3.1 meta-schema
    published = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    routed = {(method, schemathesis_path(rule.rule)) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == published
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], (method, path)
            assert ("security" in operation) == (path == "/api/openapi.json")
            if method == "post":
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                body = document["components"]["schemas"][ref.rpartition("/")[2]]
                assert body["additionalProperties"] is False and body["type"] == "object"


def schemathesis_path(rule: str) -> str:
    """`/api/bookings/<int:booking_id>` → `/api/bookings/{booking_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


# --- fuzzing: schemathesis against the app in process, bounded and deterministic ------------


# Loaded from the document the app serves (the test above checks they are one), at import, so each
# operation is its own test; requests go to the app in process (WSGI), with the test's database.
fuzzed = schemathesis.openapi.from_dict(copy.deepcopy(openapi.document()))


@fuzzed.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, app, on_file):  # type: ignore[no-untyped-def]
    """Whatever the body, query or path: never a 5xx. About half the ids and codes generated are
    swapped for real ones, so the fuzzer reaches past the 404s into the code that reads and changes."""
    for name, key in (("booking_id", "booking"), ("application_id", "application"), ("session_id", "session"),
                      ("project_code", "code")):
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int | str) and len(str(value)) % 2 == 0:
            case.path_parameters[name] = on_file[key]
    case.call_and_validate(app=app, headers=AUTH, checks=[not_a_server_error])


def test_an_address_or_a_method_the_api_does_not_have_is_answered_in_json(app):
    client = app.test_client()
    for path in ("/api/nope", "/api/sessions/-1/bookings", "/api/sessions/abc"):
        missing = client.get(path, headers=AUTH)
        assert missing.status_code == 404 and missing.get_json()["error"] == "not_found", path
    wrong = client.put("/api/sessions", headers=AUTH, json={})
    assert wrong.status_code == 405 and wrong.get_json()["error"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert client.get("/calendar/forged.ics").status_code == 404  # elsewhere: as before
    assert "<" in client.get("/nowhere").get_data(as_text=True)
