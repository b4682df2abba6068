"""A stored follow-up list that is behind and too long to compute within a request: shown as it was,
with its time, in every place an officer reads it, until the clock brings it up to date.

At national scale the whole register's list takes longer to compute than a request may run
(44.5 s at 1M contracts against gunicorn's 30 s). Here `standing.LIVE_ROWS` is lowered so that
the province's three rows are "too many" and a district's one or two are not: the province's
list is the stored one with its time, a district's is computed live, exactly.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import Contract, StandingState
from scheduler import jobs
from scheduler.lock import clock_lock
from services import standing
from services.followups import bring_up_to_date, followup_batches, followup_list, made_at, refresh_followups
from tests import factories as f
from tests.conftest import ADMIN, NOW
from tests.helpers import texts
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office, page, signed_in  # noqa: F401  (fixture)

TODAY = NOW.date()
PAID = "PKT-2567-0101"  # สมศรี's contract in ฉลอง, เมืองภูเก็ต: paid off after the list was stored
MADE = NOW - timedelta(hours=2)  # the stored list was made at 08:00
BEHIND = "รายการนี้เป็นข้อมูล ณ 20 พ.ย. 2569 เวลา 08:00 น."
API = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def behind(db, office, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    """The office's three contracts in default stored as the list at 08:00; then one paid off in full."""
    monkeypatch.setattr(standing, "LIVE_ROWS", 2)  # the province's 3 rows are too many to compute live
    with Session(db) as session:
        assert refresh_followups(session, TODAY, MADE) == 3
        session.commit()
        contract = session.scalars(select(Contract).where(Contract.project_code == PAID)).one()
        f.payment(session, contract, TODAY, str(contract.principal))
        session.commit()
        assert not standing.is_fresh(session, TODAY)
    return office


def codes(rows: Any) -> list[str]:
    return [row.fields["project_code"] for row in rows]


def test_the_provinces_list_is_the_stored_one_with_its_time_a_districts_is_computed(db, behind):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        province = followup_list(session, TODAY)
        assert province.stored and province.made_at == MADE and province.total == 3
        assert PAID in codes(province.rows)  # as it was at 08:00
        assert province.counts == {"in_default": 3}
        assert followup_list(session, TODAY, offset=1, limit=1).rows == province.rows[1:2]
        assert [row for batch in followup_batches(session, TODAY) for row in batch] == province.rows
        assert made_at(session, TODAY) == MADE
        muang = followup_list(session, TODAY, "เมืองภูเก็ต")  # one row now: small enough to compute
        assert not muang.stored and muang.made_at is None and PAID not in codes(muang.rows) and muang.total == 1
        assert made_at(session, TODAY, "เมืองภูเก็ต") is None
        # the next day, before the clock's refresh: yesterday's list, with its time; older: computed
        tomorrow = followup_list(session, TODAY + timedelta(days=1))
        assert tomorrow.made_at == MADE and PAID in codes(tomorrow.rows)
        later = followup_list(session, TODAY + timedelta(days=2))
        assert not later.stored and later.made_at is None and PAID not in codes(later.rows)
        earlier = followup_list(session, TODAY - timedelta(days=1))  # a day before the list: computed for it
        assert not earlier.stored and earlier.made_at is None
        # stored rows of another format are never shown, behind or not
        session.execute(StandingState.__table__.update().values(format=standing.FORMAT - 1))
        assert followup_list(session, TODAY).made_at is None
        session.rollback()
        # brought up to date: current again, without the paid contract
        refresh_followups(session, TODAY, NOW)
        session.commit()
        current = followup_list(session, TODAY)
        assert current.stored and current.made_at is None
        assert codes(current.rows) == [*codes(muang.rows), "PKT-2567-0201"]


def test_the_api_says_when_the_list_was_made(app, clock, behind):  # type: ignore[no-untyped-def]
    client = app.test_client()
    whole = client.get("/api/followups", headers=API)
    assert whole.status_code == 200 and PAID in [row["project_code"] for row in whole.get_json()]
    assert whole.headers["X-List-Made-At"] == MADE.astimezone(BANGKOK).isoformat() == "2026-11-20T08:00:00+07:00"
    district = client.get("/api/followups?district=เมืองภูเก็ต", headers=API)
    assert "X-List-Made-At" not in district.headers and PAID not in [r["project_code"] for r in district.get_json()]
    # another day than the clock's is computed for that day (today's list stands in for no other)
    tomorrow = client.get("/api/followups?as_of=2026-11-21", headers=API)
    assert "X-List-Made-At" not in tomorrow.headers and PAID not in [r["project_code"] for r in tomorrow.get_json()]
    spec = client.get("/api/openapi.json").get_json()
    assert "X-List-Made-At" in spec["paths"]["/api/followups"]["get"]["responses"]["200"]["headers"]


def test_in_line_every_page_of_the_list_says_since_when(line, behind):  # type: ignore[no-untyped-def]
    province = line.say("วันนี้", user=PROVINCE_OFFICER)
    assert BEHIND in province[0]["text"] and "กำลังปรับให้เป็นปัจจุบัน" in province[0]["text"]
    [carousel] = [m for m in province if m["type"] == "flex"]
    assert BEHIND in texts([carousel["contents"]["contents"][-1]])  # the page's own card, on every page
    assert PAID in json.dumps(province, ensure_ascii=False)
    muang = line.say("วันนี้", user=MUANG_OFFICER)
    assert "รายการนี้เป็นข้อมูล ณ" not in json.dumps(muang, ensure_ascii=False)
    assert PAID not in json.dumps(muang, ensure_ascii=False)


def test_the_console_shows_the_time_and_an_export_is_named_for_it(app, behind):  # type: ignore[no-untyped-def]
    province = signed_in(app, PROVINCE_OFFICER)
    html = page(province, "/console/").get_data(as_text=True)
    assert re.search(r'<p class="notice" id="list-behind">⏳ ' + BEHIND, html) and PAID in html
    export = page(province, "/console/export.csv")
    assert export.status_code == 200 and PAID in export.get_data(as_text=True)
    assert 'filename="followups-2026-11-20-as-of-2026-11-20T0800.csv"' in export.headers["Content-Disposition"]
    muang = signed_in(app, MUANG_OFFICER)
    html = page(muang, "/console/").get_data(as_text=True)
    assert 'id="list-behind"' not in html and PAID not in html
    assert 'filename="followups-2026-11-20.csv"' in page(muang, "/console/export.csv").headers["Content-Disposition"]


def test_the_clock_brings_it_up_to_date_and_the_digest_is_never_behind(app, db, fake, clock, behind):  # type: ignore[no-untyped-def]
    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False, clock=clock) as held:
        jobs.install(rt, held)
        jobs.officer_digests()  # before the minute's refresh: the digest brings the list up to date itself
    assert app.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
    pushed = [json.dumps(r["body"], ensure_ascii=False) for r in fake.requests("/v2/bot/message/push")
              if r["status"] == 200 and r["body"]["to"] == PROVINCE_OFFICER]
    assert len(pushed) == 1 and "รายการติดตามวันนี้" in pushed[0]
    assert "รายการนี้เป็นข้อมูล ณ" not in pushed[0] and PAID not in pushed[0]
    with Session(db) as session:
        assert standing.is_fresh(session, TODAY)
        assert followup_list(session, TODAY).made_at is None


def test_the_clock_looks_every_minute(app, db, clock, behind):  # type: ignore[no-untyped-def]
    [spec] = [job for job in jobs.JOBS if job.id == "refresh_followups"]
    assert spec.trigger == "cron" and spec.trigger_args == {"minute": "*"}
    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False, clock=clock) as held:
        jobs.install(rt, held)
        jobs.refresh_followups()
    with Session(db) as session:
        listed = followup_list(session, TODAY)
        assert listed.stored and listed.made_at is None and PAID not in codes(listed.rows)


def test_after_midnight_yesterdays_list_stands_in_with_its_time_until_the_clock_stores_todays(app, clock, behind):  # type: ignore[no-untyped-def]
    clock.advance(days=1)
    client = app.test_client()
    listed = client.get("/api/followups", headers=API)
    assert listed.headers["X-List-Made-At"] == "2026-11-20T08:00:00+07:00"
    assert PAID in [row["project_code"] for row in listed.get_json()]
    asked = client.get("/api/followups?as_of=2026-11-21", headers=API)  # the same day, named
    assert asked.headers["X-List-Made-At"] == "2026-11-20T08:00:00+07:00"


def test_a_refresh_that_waited_for_another_finds_the_list_current(db, behind):  # type: ignore[no-untyped-def]
    """The clock's minute refresh and the morning digest start together: the second waits for the
    first and stores nothing again (at 1M contracts a refresh is 39 s of work)."""
    answers: list[int | None] = []
    sessions = db.execution_options(sqlite_immediate=True)  # as the app's and the clock's sessions begin

    def second() -> None:
        with Session(sessions) as session:
            answers.append(bring_up_to_date(session, TODAY, NOW))
            session.commit()

    waiting = threading.Thread(target=second)
    with Session(sessions) as first:
        standing.wait_for_refresh(first)  # as `bring_up_to_date` begins: the state row is this refresh's
        assert not standing.is_fresh(first, TODAY)
        waiting.start()
        if db.dialect.name == "postgresql":  # (SQLite: the second waits for the write lock at its BEGIN)
            with db.connect() as watcher:
                for _ in range(400):
                    if watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                           "AND datname = current_database()")):
                        break
                    threading.Event().wait(0.05)
                else:
                    pytest.fail("the second refresh never waited for the first")
        assert refresh_followups(first, TODAY, NOW) == 2
        first.commit()
    waiting.join(timeout=60)
    assert answers == [None]
    with Session(db) as session:
        assert standing.is_fresh(session, TODAY)
