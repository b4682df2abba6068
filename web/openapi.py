"""The JSON API as an OpenAPI 3.1 document, served at `GET /api/openapi.json`.

Every route of the API is declared once below (method, path, what it reads, what it answers);
bodies and query parameters are the pydantic models of `web/schemas.py`, the very ones the views
validate with, so the document cannot drift from what is checked. A test compares this list
with the app's URL map, so a new route without a declaration fails the suite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.schemas import (
    ApplicationMove,
    ApplicationsQuery,
    BookingUpdate,
    ContractQuery,
    FollowupsQuery,
    NewSession,
    OutboxQuery,
    SessionChange,
    SessionsQuery,
    VisitsReportQuery,
)

REF = "#/components/schemas/{model}"
ID = {"type": "integer", "minimum": 0}
OBJECT: dict[str, Any] = {"type": "object"}
ARRAY: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "bad_request, unauthorized, not_found or conflict"},
        "detail": {"type": "string", "description": "what is wrong, in one line"},
        "problems": {"type": "array", "description": "400 only: each problem with its field (null: the whole body)",
                     "items": {"type": "object", "required": ["field", "problem"],
                               "properties": {"field": {"type": ["string", "null"]}, "problem": {"type": "string"}}}},
    },
}
ERRORS = {
    400: "the body or a parameter is not what is declared here; `problems` lists each field and what is wrong",
    401: "no `Authorization: Bearer $ADMIN_TOKEN`, or the wrong token",
    403: "the officer named may not take that step (domain/applications.py); `detail` says why",
    404: "nothing with that id, code or name",
    409: "the change conflicts with what is stored (a move the current status does not allow, an application "
         "to that measure already open, or a session already cancelled); `detail` says which",
}
X_OFFICER = {"name": "X-Officer", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 200},
             "description": "who is using the shared token, for the audit trail of personal data "
                            "(default: ADMIN_TOKEN); on a step of a measure application, the officer taking it "
                            "(their LINE user id, or their name)"}


@dataclass(frozen=True)
class Operation:
    """One route of the API as published."""

    method: str
    path: str  # OpenAPI form: /api/sessions/{session_id}/bookings
    summary: str
    answer: tuple[int, str, dict[str, Any]]  # success: status, description, schema
    errors: tuple[int, ...] = (401,)
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    audited: bool = False  # shows personal data: the caller may name themselves in X-Officer
    public: bool = False  # no token needed
    headers: dict[str, str] = field(default_factory=dict)  # response headers of the success answer


OPERATIONS = (
    Operation("get", "/api/contracts/{project_code}", "Where one contract stands on a day (INTERFACES.md)",
              (200, "the contract's money position, class, recommended measures and members (IDs masked)", OBJECT),
              (400, 401, 404), query=ContractQuery, path_params={"project_code": {"type": "string"}}, audited=True),
    Operation("get", "/api/followups", "The ordered follow-up list on a day",
              (200, "rows with project_code, class, reason, days_to_prescription and more", ARRAY),
              (400, 401), query=FollowupsQuery, audited=True,
              headers={"X-Total-Count": "rows in the whole list",
                       "Link": 'the next page, `<...>; rel="next"`, when `limit` leaves rows out',
                       "X-List-Made-At": "only when the register's rows are the stored list as it was at this "
                                         "time (Asia/Bangkok): the register changed or the day turned since, and "
                                         "the list is too long to compute within a request; the clock brings it "
                                         "up to date within minutes"}),
    Operation("get", "/api/applications", "Measure applications, newest first",
              (200, "applications with their status, officer and note", ARRAY), (400, 401),
              query=ApplicationsQuery, audited=True),
    Operation("post", "/api/applications/{application_id}", "An officer moves a measure application on",
              (200, "the application as listed by GET /api/applications", OBJECT), (400, 401, 403, 404, 409),
              body=ApplicationMove, path_params={"application_id": ID}, audited=True),
    Operation("get", "/api/sessions", "Appointment sessions from a day on, with seats taken",
              (200, "sessions: id, kind, title, place, start, end, capacity, booked, documents, status", ARRAY),
              (400, 401), query=SessionsQuery),
    Operation("post", "/api/sessions", "Publish an appointment session",
              (201, "the session as listed by GET /api/sessions", OBJECT), (400, 401), body=NewSession),
    Operation("post", "/api/sessions/{session_id}", "Change an open session's time, place or seats",
              (200, "the session as listed by GET /api/sessions, and `told`: how many booked people are told",
               OBJECT), (400, 401, 404, 409), body=SessionChange, path_params={"session_id": ID}),
    Operation("delete", "/api/sessions/{session_id}", "Cancel an open session; everyone booked is told",
              (200, "the session as listed by GET /api/sessions (status cancelled), and `told`", OBJECT),
              (401, 404, 409), path_params={"session_id": ID}),
    Operation("get", "/api/sessions/{session_id}/bookings", "A session's roster: who booked which seat",
              (200, "the session with its bookings (national IDs masked)", OBJECT), (401, 404),
              path_params={"session_id": ID}, audited=True),
    Operation("post", "/api/bookings/{booking_id}", "Checklist ticks and the outcome of an appointment",
              (200, "the booking's checklist, attendance, outcome and terms, and what a settlement started",
               OBJECT), (400, 401, 404, 409), body=BookingUpdate, path_params={"booking_id": ID}),
    Operation("get", "/api/outbox", "Messages sent or queued to LINE since a moment",
              (200, "messages, oldest first: recipient kind, text (alt text for Flex), status, origin", ARRAY),
              (400, 401), query=OutboxQuery),
    Operation("get", "/api/reports/visits", "The district report for a period",
              (200, "visits, people met, outcomes, promises, applications, mediations and updates", OBJECT),
              (400, 401, 404), query=VisitsReportQuery),
    Operation("get", "/api/openapi.json", "This document", (200, "OpenAPI 3.1", OBJECT), (), public=True),
)


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True, "schema": schema}
              for name, schema in op.path_params.items()]
    if op.query is not None:
        declared = op.query.model_json_schema(ref_template=REF)
        required = set(declared.get("required", ()))
        for name, prop in declared["properties"].items():
            # An optional parameter is simply left out of the query: its `null` branch means nothing there.
            options = [s for s in prop.get("anyOf", [prop]) if s.get("type") != "null"]
            schema = {k: v for k, v in options[0].items() if k not in {"title", "default", "description"}}
            about = prop.get("description") or options[0].get("description")
            params.append({"name": name, "in": "query", "required": name in required, "schema": schema,
                           **({"description": about} if about else {})})
    if op.audited:
        params.append(X_OFFICER)
    return params


def _responses(op: Operation) -> dict[str, Any]:
    status, description, schema = op.answer
    success: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if op.headers:
        success["headers"] = {name: {"description": about, "schema": {"type": "string"}}
                              for name, about in op.headers.items()}
    answers = {str(status): success}
    for code in op.errors:
        answers[str(code)] = {"description": ERRORS[code],
                              "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}
    return answers


def _operation_id(op: Operation) -> str:
    """`get_api_sessions_session_id_bookings`: unique, and an identifier for generated clients."""
    return re.sub(r"[^a-z0-9]+", "_", f"{op.method} {op.path}".lower()).strip("_")


@cache
def document() -> dict[str, Any]:
    """The whole document (built once: it depends only on the code)."""
    bodies = sorted({op.body for op in OPERATIONS if op.body is not None}, key=lambda model: model.__name__)
    refs, definitions = models_json_schema([(model, "validation") for model in bodies], ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {"summary": op.summary, "operationId": _operation_id(op),
                                 "parameters": _parameters(op), "responses": _responses(op)}
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": refs[(op.body, "validation")]}}}
        if op.public:
            entry["security"] = []
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "WDF LINE bot: JSON API", "version": "1",
                 "description": "Dates are C.E. YYYY-MM-DD. Every route but this document needs "
                                "`Authorization: Bearer $ADMIN_TOKEN`."},
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": {**definitions.get("$defs", {}), "Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the ADMIN_TOKEN setting"}},
        },
    }
