"""The officers' web console through Flask's test client: sign-in, Today, people, projects, exports, isolation."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import Area, ConsoleSession, Contract, DataAccess, MeasureApplication, PersonNote, StaffMember
from services.followups import followup_list, refresh_followups
from services.standing import Narrowing
from tests import factories as f
from tests.conftest import ADMIN
from tests.helpers import buttons

MUANG_OFFICER = "U" + "a1" * 16
PROVINCE_OFFICER = "U" + "b2" * 16
THALANG_OFFICER = "U" + "c3" * 16
VOLUNTEER = "U" + "d4" * 16
HTTPS = "https://localhost"  # the session cookie is Secure outside demo mode


@pytest.fixture
def office(db, clock):  # type: ignore[no-untyped-def]
    """Two districts, a debtor in default in each, officers of each and of the province, a volunteer."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        rawai = f.area(session, "เมืองภูเก็ต", "ราไวย์")
        thepkrasattri = f.area(session, "ถลาง", "เทพกระษัตรี")
        people = {}
        for key, where, code, first, name in (
                ("somsri", chalong, "PKT-2567-0101", "สมศรี", "กลุ่มขนมบ้านฉลอง"),
                ("malee", rawai, "PKT-2567-0102", "มาลี", '=HYPERLINK("http://x.example","คลิก")'),
                ("arunee", thepkrasattri, "PKT-2567-0201", "อรุณี", "กลุ่มจักสานถลาง")):
            contract = f.contract(session, where=where, code=code, project_name=name, contract_date=date(2025, 1, 10),
                                  first_due_date=date(2025, 2, 10), installment_count=24, principal=24000)
            f.payment(session, contract, date(2025, 2, 10), "1000.00")
            who = f.person(session, first_name=first, last_name="ใจดี", phone="0811112222")
            f.member(session, contract, who)
            people[key] = who.id
        for line_id, name, district in ((MUANG_OFFICER, "กมลชนก", chalong.parent_id),
                                        (PROVINCE_OFFICER, "วิไลวรรณ", None),
                                        (THALANG_OFFICER, "สุดารัตน์", thepkrasattri.parent_id)):
            session.add(StaffMember(line_user_id=line_id, name=name, role="officer", district_id=district,
                                    created_at=clock.now()))
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", created_at=clock.now()))
        session.commit()
        return people


def login_link(app, line_user_id: str) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["officers", "login-link", line_user_id])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def signed_in(app, line_user_id: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    path = login_link(app, line_user_id).split("localhost:8000", 1)[1]
    response = client.post(path, base_url=HTTPS)
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    return client


def page(client, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    return client.get(path, base_url=HTTPS, **kwargs)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_anyone_not_signed_in_is_sent_to_sign_in_and_sees_nothing(app, office):
    client = app.test_client()
    for path in ("/console/", f"/console/people/{office['somsri']}", "/console/projects/PKT-2567-0101",
                 "/console/export.csv"):
        response = page(client, path)
        assert response.status_code == 302 and "/console/signin" in response.headers["Location"]
    assert page(client, "/").headers["Location"].endswith("/console/")
    assert page(client, "/login").headers["Location"].endswith("/console/signin")
    signin = page(client, "/console/signin")
    assert signin.status_code == 200 and "เข้าระบบ" in signin.get_data(as_text=True)
    assert client.post(f"/console/people/{office['somsri']}/notes", data={"text": "x"},
                       base_url=HTTPS).status_code == 401


def test_a_link_signs_in_once_within_ten_minutes(app, office, clock):
    link = login_link(app, MUANG_OFFICER)
    assert re.fullmatch(r"http://localhost:8000/console/signin/[A-Za-z0-9_\-]{40,}", link)
    path = link.split("localhost:8000", 1)[1]
    client = app.test_client()
    confirm = page(client, path)  # a link preview (GET) signs no one in
    assert confirm.status_code == 200 and "กมลชนก" in confirm.get_data(as_text=True)
    assert page(client, "/console/").status_code == 302
    assert client.post(path, base_url=HTTPS).status_code == 302
    today = page(client, "/console/")
    assert today.status_code == 200 and "กลุ่มขนมบ้านฉลอง" in today.get_data(as_text=True)
    cookie = client.get_cookie("wdf_console", domain="localhost")
    assert cookie is not None and cookie.http_only and cookie.secure and cookie.same_site == "Lax"
    again = app.test_client().post(path, base_url=HTTPS)  # used up
    assert again.status_code == 410 and "ใช้ไม่ได้แล้ว" in again.get_data(as_text=True)

    late = login_link(app, MUANG_OFFICER).split("localhost:8000", 1)[1]
    clock.advance(minutes=10)
    assert app.test_client().post(late, base_url=HTTPS).status_code == 410


def test_volunteers_and_unknown_accounts_get_no_link(app, office):
    for who in (VOLUNTEER, "U" + "0" * 32):
        result = app.test_cli_runner().invoke(args=["officers", "login-link", who])
        assert result.exit_code != 0 and "no officer" in result.output


def test_the_officer_asks_in_line_and_the_button_signs_in(app, line, office):
    replies = line.say("เข้าระบบ", user=MUANG_OFFICER)
    uri = [a["uri"] for message in replies for a in buttons(message) if a["type"] == "uri"]
    assert len(uri) == 1 and "/console/signin/" in uri[0]
    path = uri[0].split("localhost:8000", 1)[1]
    assert app.test_client().post(path, base_url=HTTPS).status_code == 302
    for who in (VOLUNTEER, "U" + "e5" * 16):  # a volunteer, a debtor: no console
        said = line.say("console", user=who)
        assert "/console/signin/" not in str(said)


def test_idle_hours_revoked_roles_and_sign_out_end_the_session(app, office, clock, db):
    client = signed_in(app, MUANG_OFFICER)
    clock.advance(hours=7, minutes=59)
    assert page(client, "/console/").status_code == 200  # still within 8 idle hours (and touched)
    clock.advance(hours=8)
    assert page(client, "/console/").status_code == 302

    client = signed_in(app, MUANG_OFFICER)
    app.test_cli_runner().invoke(args=["officers", "revoke", MUANG_OFFICER])
    assert page(client, "/console/").status_code == 302

    client = signed_in(app, PROVINCE_OFFICER)
    html = page(client, "/console/").get_data(as_text=True)
    kept = client.get_cookie("wdf_console", domain="localhost")
    assert kept is not None
    out = client.post("/console/signout", data={"csrf_token": csrf_of(html)}, base_url=HTTPS)
    assert out.status_code == 302
    replay = app.test_client()
    replay.set_cookie("wdf_console", kept.value, domain="localhost")  # the old cookie, kept by someone
    assert page(replay, "/console/").status_code == 302
    with Session(db) as session:
        ended = {row.staff.line_user_id: row.ended_at is not None
                 for row in session.scalars(select(ConsoleSession).order_by(ConsoleSession.id)) if row.staff}
    assert ended == {MUANG_OFFICER: True, PROVINCE_OFFICER: True}  # revoked, and signed out


def test_the_admin_token_signs_in_the_first_time(app, office):
    client = app.test_client()
    wrong = client.post("/console/signin/admin", data={"admin_token": "nope"}, base_url=HTTPS)
    assert wrong.status_code == 401 and page(client, "/console/").status_code == 302
    assert client.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS).status_code == 302
    html = page(client, "/console/").get_data(as_text=True)
    assert "กลุ่มขนมบ้านฉลอง" in html and "กลุ่มจักสานถลาง" in html


def test_today_is_the_api_list_for_the_officers_area(app, office):
    api = app.test_client().get("/api/followups?district=เมืองภูเก็ต",
                                headers={"Authorization": f"Bearer {ADMIN}"}).get_json()
    html = page(signed_in(app, MUANG_OFFICER), "/console/").get_data(as_text=True)
    codes = re.findall(r'class="code">(PKT-[0-9-]+)<', html)
    assert codes == [row["project_code"] for row in api] and len(codes) == 2
    assert "กลุ่มจักสานถลาง" not in html  # another district's row
    everything = page(signed_in(app, PROVINCE_OFFICER), "/console/").get_data(as_text=True)
    assert len(re.findall(r'class="code">(PKT-[0-9-]+)<', everything)) == 3


def test_today_filters_search_and_pages(app, office):
    client = signed_in(app, PROVINCE_OFFICER)

    def codes(query: str) -> list[str]:
        response = page(client, "/console/?" + query)
        assert response.status_code == 200
        return re.findall(r'class="code">(PKT-[0-9-]+)<', response.get_data(as_text=True))

    assert codes("district=ถลาง") == ["PKT-2567-0201"]
    assert codes("district=เมืองภูเก็ต&subdistrict=ราไวย์") == ["PKT-2567-0102"]
    assert codes("q=ขนม") == ["PKT-2567-0101"]
    assert codes("q=๐๒๐๑") == ["PKT-2567-0201"]  # Thai digits
    assert codes("class=3&reason=in_default") != [] and codes("class=1") == []
    assert codes("reason=nonsense&class=x&page=-4") != []  # odd values are ignored, not a 500
    first, second = codes("size=2"), codes("size=2&page=2")
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert codes("size=2&page=99") == second  # past the end: the last page


def test_the_search_finds_in_the_stored_list_what_it_finds_in_the_live_one(app, office, db, clock):
    """A national list is narrowed in SQL, never worded whole in Python to be searched: every filter
    finds the same rows, in the same order and pages, from the stored list as from the list computed
    live; a `%` or `_` typed is that character, not a pattern; figures are not searched."""
    with Session(db) as session:
        thepkrasattri = session.scalars(select(Area).where(Area.name == "เทพกระษัตรี")).one()
        for code, name in (("PKT-2567-0301", "กลุ่ม 100% ผ้าบาติก"), ("PKT-2567-0302", "กลุ่ม_ปลาแห้ง")):
            contract = f.contract(session, where=thepkrasattri, code=code, project_name=name,
                                  contract_date=date(2025, 1, 10), first_due_date=date(2025, 2, 10),
                                  installment_count=24, principal=24000)
            f.member(session, contract, f.person(session))
        somsri_contract = session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0101")).one()
        session.add(MeasureApplication(person_id=office["somsri"], contract_id=somsri_contract.id, measure_id="M2",
                                       answers={}, status="submitted", submitted_at=clock.now(),
                                       status_changed_at=clock.now()))
        session.commit()
    client = signed_in(app, PROVINCE_OFFICER)

    def codes(query: str) -> list[str]:
        response = page(client, "/console/?" + query)
        assert response.status_code == 200
        return re.findall(r'class="code">(PKT-[0-9-]+)<', response.get_data(as_text=True))

    queries = ["q=ขนม", "q=๐๒๐๑", "q=100%", "q=%", "q=_", "q=กลุ่ม_", "q=ผิดนัด", "q=ผิดนัดชำระ ถลาง",
               "q=pkt-2567-03", "q=none", "q=สมศรี", "q=1,000", "q=%2B", "district=เมืองภูเก็ต&subdistrict=ราไวย์",
               "district=ถลาง&subdistrict=เทพกระษัตรี&q=ปลา", "district=ถลาง&subdistrict=ไม่มี", "class=3&q=กลุ่ม",
               "reason=in_default&q=กลุ่ม&size=2&page=2", "q=กลุ่ม&size=2&page=9", "reason=in_default"]
    def exported(query: str) -> list[list[str]]:
        body = page(client, "/console/export.csv?" + query).get_data(as_text=True)
        return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]

    exports = ["q=กลุ่ม", "district=ถลาง&subdistrict=เทพกระษัตรี&q=ปลา", "reason=in_default&q=ผิดนัด ถลาง"]
    live = {query: codes(query) for query in queries}
    live_exports = {query: exported(query) for query in exports}
    with Session(db) as session:
        today = clock.now().astimezone(BANGKOK).date()
        refresh_followups(session, today, clock.now())
        session.commit()
        searched = followup_list(session, today, counted=False, keep=lambda row: True,
                                 narrowing=Narrowing(words=[("ขนม", frozenset())]))
        assert searched.stored and [row.fields["project_code"] for row in searched.rows][:1] == ["PKT-2567-0101"]
    assert {query: codes(query) for query in queries} == live
    assert {query: exported(query) for query in exports} == live_exports
    assert [row[2] for row in live_exports["q=กลุ่ม"]] == ["PKT-2567-0301", "PKT-2567-0302", "PKT-2567-0101",
                                                          "PKT-2567-0201", "PKT-2567-0101"]
    assert live["q=ขนม"] == ["PKT-2567-0101"] * 2 and live["q=๐๒๐๑"] == ["PKT-2567-0201"]  # and her application
    assert live["q=100%"] == ["PKT-2567-0301"] and live["q=%"] == ["PKT-2567-0301"]
    assert live["q=_"] == live["q=กลุ่ม_"] == ["PKT-2567-0302"]
    assert live["q=none"] == [] and live["q=1,000"] == [] and live["q=%2B"] == []  # no "None", no figures
    assert live["q=สมศรี"] == ["PKT-2567-0101"]  # her application, by the applicant's name
    assert len(live["q=ผิดนัด"]) == 5 and live["q=pkt-2567-03"] == ["PKT-2567-0301", "PKT-2567-0302"]
    assert set(live["q=ผิดนัดชำระ ถลาง"]) == {"PKT-2567-0201", "PKT-2567-0301", "PKT-2567-0302"}
    assert live["district=ถลาง&subdistrict=เทพกระษัตรี&q=ปลา"] == ["PKT-2567-0302"]
    assert live["district=ถลาง&subdistrict=ไม่มี"] == []
    assert len(live["reason=in_default"]) == 5 and live["reason=in_default&q=กลุ่ม&size=2&page=2"] != []


def test_a_district_officer_cannot_reach_another_district(app, office):
    client = signed_in(app, MUANG_OFFICER)
    assert page(client, f"/console/people/{office['arunee']}").status_code == 404
    assert page(client, "/console/projects/PKT-2567-0201").status_code == 404
    assert "PKT-2567-0201" not in page(client, "/console/?district=ถลาง").get_data(as_text=True)  # own district kept
    found = page(client, "/console/people?q=อรุณี").get_data(as_text=True)
    assert f"/console/people/{office['arunee']}" not in found and "ไม่พบ" in found
    html = page(client, f"/console/people/{office['somsri']}").get_data(as_text=True)
    token = csrf_of(html)
    refused = client.post(f"/console/people/{office['arunee']}/notes", data={"text": "x", "csrf_token": token},
                          base_url=HTTPS)
    assert refused.status_code == 404
    assert page(signed_in(app, PROVINCE_OFFICER), f"/console/people/{office['arunee']}").status_code == 200


def test_a_person_and_a_project_show_the_file_and_are_audited(app, office, db):
    client = signed_in(app, MUANG_OFFICER)
    html = page(client, f"/console/people/{office['somsri']}").get_data(as_text=True)
    assert "สมศรี ใจดี" in html and "PKT-2567-0101" in html and "ผิดนัดชำระ" in html and "0811112222" in html
    project = page(client, "/console/projects/PKT-2567-0101").get_data(as_text=True)
    assert "สมศรี ใจดี" in project and "<svg" in project and "24,000.00" in project
    with Session(db) as session:
        trail = session.execute(select(DataAccess.person_id, DataAccess.action, DataAccess.channel,
                                       DataAccess.viewer_name)).all()
    assert (office["somsri"], "console.person", "console", "กมลชนก") in trail
    assert (office["somsri"], "console.project", "console", "กมลชนก") in trail


def test_a_note_needs_its_csrf_token(app, office, db):
    client = signed_in(app, MUANG_OFFICER)
    path = f"/console/people/{office['somsri']}"
    refused = client.post(path + "/notes", data={"text": "โทรแล้ว ไม่รับสาย"}, base_url=HTTPS)
    assert refused.status_code == 400
    with Session(db) as session:
        assert session.scalars(select(PersonNote)).all() == []
    token = csrf_of(page(client, path).get_data(as_text=True))
    saved = client.post(path + "/notes", data={"text": "โทรแล้ว ไม่รับสาย", "csrf_token": token}, base_url=HTTPS)
    assert saved.status_code == 302
    assert "โทรแล้ว ไม่รับสาย" in page(client, path).get_data(as_text=True)
    other = signed_in(app, PROVINCE_OFFICER)  # another officer's token is not this session's
    assert other.post(path + "/notes", data={"text": "x", "csrf_token": token}, base_url=HTTPS).status_code == 400


def test_exports_follow_the_filters_and_neutralise_formulas(app, office):
    client = signed_in(app, MUANG_OFFICER)
    response = page(client, "/console/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][0] == "ลำดับ" and len(table) == 3
    names = [row[3] for row in table[1:]]
    assert "'=HYPERLINK(\"http://x.example\",\"คลิก\")" in names  # a formula is text, not run
    assert "PKT-2567-0201" not in body

    book = load_workbook(io.BytesIO(page(client, "/console/export.xlsx?subdistrict=ราไวย์").data), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "PKT-2567-0102" and str(rows[1][3]).startswith("'=")


def test_refusals_are_kind_pages(app, office):
    client = signed_in(app, MUANG_OFFICER)
    missing = page(client, "/console/people/999999")
    assert missing.status_code == 404 and "นอกพื้นที่ที่คุณดูแล" in missing.get_data(as_text=True)
    refused = client.post(f"/console/people/{office['somsri']}/notes", data={"text": "x"}, base_url=HTTPS)
    assert refused.status_code == 400 and "โหลดใหม่" in refused.get_data(as_text=True)


def test_what_an_officer_searched_for_is_not_written_on_the_audit_trail(app, office, db):
    """A search by name or national ID finds people, and each look is recorded, by the page's path:
    the words searched for (someone's name, someone's ID) are not written down with it."""
    client = signed_in(app, PROVINCE_OFFICER)
    found = page(client, "/console/people?q=สมศรี").get_data(as_text=True)
    assert f"/console/people/{office['somsri']}" in found
    with Session(db) as session:
        details = session.scalars(select(DataAccess.detail)).all()
    assert details and all("สมศรี" not in d and "?" not in d for d in details)


def test_no_page_of_the_console_is_kept_by_the_browser_but_its_stylesheet(app, office):
    """A shared office computer: after signing out, the back button and the disk cache must not
    show a person's file, the list or an export again."""
    client = signed_in(app, PROVINCE_OFFICER)
    for path in ("/console/", f"/console/people/{office['somsri']}", "/console/inbox", "/console/export.csv",
                 "/console/dashboard", f"/console/people/{office['arunee']}"):  # a 404 page too
        response = page(client, path)
        response.close()
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    stylesheet = page(client, "/console/static/console.css")
    stylesheet.close()
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_another_site_s_page_cannot_sign_a_browser_in(app, office):
    """The sign-in forms carry no CSRF token (nobody is signed in yet). A page elsewhere that submits
    an officer's own fresh link, or the admin token, in someone else's browser would sign that
    browser in as them: the browser says where a form came from, and such a form is refused."""
    path = login_link(app, MUANG_OFFICER).split("localhost:8000", 1)[1]
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        client = app.test_client()
        assert client.post(path, base_url=HTTPS, headers=headers).status_code == 400, headers
        assert client.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS,
                           headers=headers).status_code == 400
        assert page(client, "/console/").status_code == 302  # not signed in
    same = app.test_client()  # the confirm page's own form: same-origin, and the link was not used up
    assert same.post(path, base_url=HTTPS, headers={"Sec-Fetch-Site": "same-origin",
                                                     "Origin": HTTPS}).status_code == 302


def test_ten_wrong_admin_tokens_rest_the_token_sign_in_for_fifteen_minutes(app, office, clock):
    """Guesses at ADMIN_TOKEN are counted in the database, across every web process: after ten
    wrong ones in fifteen minutes even the right token waits (a guesser must not learn it was
    right), and officers still sign in with their links."""
    from datetime import timedelta

    from services.console import ADMIN_GUESS_WINDOW, ADMIN_GUESSES

    guesser = app.test_client()
    for n in range(ADMIN_GUESSES):
        wrong = guesser.post("/console/signin/admin", data={"admin_token": f"guess-{n}"}, base_url=HTTPS)
        assert wrong.status_code == 401
    resting = guesser.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS)
    assert resting.status_code == 429 and "15 นาที" in resting.get_data(as_text=True)
    assert page(signed_in(app, MUANG_OFFICER), "/console/").status_code == 200  # a link still works
    clock.advance(seconds=ADMIN_GUESS_WINDOW.total_seconds() + 1)
    assert guesser.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS).status_code == 302
    assert timedelta(minutes=15) == ADMIN_GUESS_WINDOW  # as the page says
