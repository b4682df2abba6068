"""Measure applications in the console and the API: the queue, one application, a district
officer's review, a province officer's decision, the two-person rule, the person told 1:1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DataAccess, MeasureApplication, Person, StaffMember
from tests import factories as f
from tests.conftest import ADMIN
from tests.helpers import press
from tests.test_console import (  # noqa: F401  (office is a fixture)
    HTTPS,
    MUANG_OFFICER,
    PROVINCE_OFFICER,
    THALANG_OFFICER,
    csrf_of,
    office,
    page,
    signed_in,
)

DEBTOR = "U" + "e6" * 16  # สมศรี's LINE account
AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def applied(app, db, line, office, clock):  # type: ignore[no-untyped-def]  # noqa: F811
    """สมศรี (เมืองภูเก็ต) applied through the quiz in LINE; อรุณี (ถลาง) applied a week before."""
    with Session(db) as session:
        f.link(session, session.get(Person, office["somsri"]), DEBTOR)
        arunee = session.get(Person, office["arunee"])
        contract = arunee.memberships[0].contract
        session.add(MeasureApplication(person_id=arunee.id, contract_id=contract.id, measure_id="M6",
                                       answers={"hardship": "elderly"}, status="submitted",
                                       submitted_at=clock.now() - timedelta(days=7),
                                       status_changed_at=clock.now() - timedelta(days=7)))
        session.commit()
    replies = line.say("มาตรการ", user=DEBTOR)
    replies = press(line, replies[1], "อายุมาก", user=DEBTOR)
    carousel = press(line, replies[0], "ภายใน 30 วัน", user=DEBTOR)[0]
    line.tap(carousel["contents"]["contents"][0]["footer"]["contents"][0]["action"]["data"], user=DEBTOR)
    with Session(db) as session:
        somsri = session.scalars(select(MeasureApplication).where(
            MeasureApplication.person_id == office["somsri"])).one()
        thalang = session.scalars(select(MeasureApplication).where(
            MeasureApplication.person_id == office["arunee"])).one()
        return {"somsri": somsri.id, "arunee": thalang.id, "measure": somsri.measure_id, "person": office["somsri"]}


def url(application_id: int) -> str:
    return f"/console/applications/{application_id}"


def step(client, application_id: int, status: str, note: str = "", token: str | None = None):  # type: ignore[no-untyped-def]
    if token is None:
        token = csrf_of(page(client, url(application_id)).get_data(as_text=True))
    return client.post(url(application_id), data={"status": status, "note": note, "csrf_token": token},
                       base_url=HTTPS)


def status_of(db, application_id: int) -> str:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return session.get(MeasureApplication, application_id).status


def pushed_to(fake, user: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["text"] for r in fake.requests("/v2/bot/message/push") if r["body"]["to"] == user
            for m in r["body"]["messages"]]


def audit_trail(db) -> list[tuple[int, str, str, str]]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(DataAccess.person_id, DataAccess.action, DataAccess.viewer, DataAccess.viewer_name)
            .order_by(DataAccess.id))]


def test_the_queue_filters_by_status_measure_and_district(app, applied):
    province = signed_in(app, PROVINCE_OFFICER)
    html = page(province, "/console/applications").get_data(as_text=True)
    assert html.index("อรุณี ใจดี") < html.index("สมศรี ใจดี")  # what has waited longest first
    assert "รออำเภอตรวจสอบ" in html and "ตรวจสอบโดย -" in html
    assert 'href="/console/applications">คำขอมาตรการ</a>' in html  # in the menu
    thalang = page(province, "/console/applications?district=ถลาง").get_data(as_text=True)
    assert "อรุณี ใจดี" in thalang and "สมศรี ใจดี" not in thalang
    only_m6 = page(province, "/console/applications?measure=M6").get_data(as_text=True)
    assert "อรุณี ใจดี" in only_m6 and ("สมศรี ใจดี" in only_m6) == (applied["measure"] == "M6")
    assert "สมศรี ใจดี" not in page(province, "/console/applications?status=approved").get_data(as_text=True)
    odd = page(province, "/console/applications?status=nonsense&measure=zz&district=nowhere&page=-3")
    assert odd.status_code == 200 and "สมศรี ใจดี" in odd.get_data(as_text=True)  # odd filters are ignored

    muang = page(signed_in(app, MUANG_OFFICER), "/console/applications?district=ถลาง").get_data(as_text=True)
    assert "สมศรี ใจดี" in muang and "อรุณี ใจดี" not in muang and 'name="district"' not in muang


def test_an_application_shows_the_person_the_contract_and_the_answers(app, applied, db):
    client = signed_in(app, MUANG_OFFICER)
    html = page(client, url(applied["somsri"])).get_data(as_text=True)
    assert "สมศรี ใจดี" in html and "PKT-2567-0101" in html and "ผู้กู้หลัก" in html and "ชั้น 3" in html
    assert "ตอนนี้มีเรื่องใดตรงกับคุณหรือผู้กู้ไหมคะ</dt><dd>อายุมาก" in html  # the question as asked, the answer
    assert "ถ้ามีส่วนลดดอกเบี้ยผิดนัด คุณพอจะปิดหนี้ได้แค่ไหนคะ</dt><dd>ภายใน 30 วัน" in html
    assert re.findall(r'name="status" value="(\w+)"', html) == ["under_review"]  # only the steps they may take
    person = page(client, f"/console/people/{applied['person']}").get_data(as_text=True)
    assert f'href="/console/applications/{applied["somsri"]}"' in person
    assert (applied["person"], "console.application", MUANG_OFFICER, "กมลชนก") in audit_trail(db)


def test_a_district_officer_reviews_and_a_province_officer_approves(app, applied, db, fake):
    muang, province = signed_in(app, MUANG_OFFICER), signed_in(app, PROVINCE_OFFICER)
    before = page(province, url(applied["somsri"])).get_data(as_text=True)
    assert 'name="status"' not in before and "ขั้นของเจ้าหน้าที่อำเภอ" in before  # not the province's step yet
    assert step(province, applied["somsri"], "under_review").status_code == 403

    reviewed = step(muang, applied["somsri"], "under_review", note="เอกสารครบ")
    assert reviewed.status_code == 302
    assert "แจ้งผู้ขอทาง LINE แล้ว" in page(muang, reviewed.headers["Location"]).get_data(as_text=True)
    [told] = pushed_to(fake, DEBTOR)
    assert "สมศรี" in told and "ตรวจดูคำขอ" in told and "จังหวัดพิจารณา" in told
    assert applied["measure"] not in told and "เอกสารครบ" not in told  # no internal code, no officer's note
    assert step(muang, applied["somsri"], "approved").status_code == 403  # a district officer does not decide

    html = page(province, url(applied["somsri"])).get_data(as_text=True)
    assert re.findall(r'name="status" value="(\w+)"', html) == ["approved", "rejected"]
    assert "อำเภอตรวจสอบแล้ว · กมลชนก" in html and "เอกสารครบ" in html
    assert step(province, applied["somsri"], "approved").status_code == 302
    approved = pushed_to(fake, DEBTOR)[1]
    assert "ได้รับอนุมัติแล้ว" in approved and "ขั้นต่อไป" in approved and applied["measure"] not in approved

    with Session(db) as session:
        row = session.get(MeasureApplication, applied["somsri"])
        staff = {s.line_user_id: s.id for s in session.scalars(select(StaffMember))}
        assert (row.status, row.reviewed_by, row.decided_by) == ("approved", "กมลชนก", "วิไลวรรณ")
        assert (row.reviewed_by_staff_id, row.decided_by_staff_id) == (staff[MUANG_OFFICER], staff[PROVINCE_OFFICER])
    trail = audit_trail(db)
    assert (applied["person"], "console.application_review", MUANG_OFFICER, "กมลชนก") in trail
    assert (applied["person"], "console.application_approve", PROVINCE_OFFICER, "วิไลวรรณ") in trail
    queue = page(province, "/console/applications?status=approved").get_data(as_text=True)
    assert "ตรวจสอบโดย กมลชนก" in queue and "อนุมัติแล้วโดย วิไลวรรณ" in queue


def test_who_reviewed_cannot_also_decide_even_after_moving_to_the_province(app, applied, db, fake):
    muang = signed_in(app, MUANG_OFFICER)
    assert step(muang, applied["somsri"], "under_review").status_code == 302
    with Session(db) as session:  # the reviewer now works at the province office
        session.scalars(select(StaffMember).where(StaffMember.line_user_id == MUANG_OFFICER)).one().district_id = None
        session.commit()
    promoted = signed_in(app, MUANG_OFFICER)
    html = page(promoted, url(applied["somsri"])).get_data(as_text=True)
    assert 'name="status"' not in html and "ต้องเป็นเจ้าหน้าที่อีกท่านหนึ่ง" in html
    refused = step(promoted, applied["somsri"], "approved", token=csrf_of(html))
    assert refused.status_code == 403 and "ต้องเป็นเจ้าหน้าที่อีกท่านหนึ่ง" in refused.get_data(as_text=True)
    assert status_of(db, applied["somsri"]) == "under_review" and len(pushed_to(fake, DEBTOR)) == 1


def test_a_rejection_needs_a_note_and_the_person_is_told_kindly(app, applied, db, fake):
    assert step(signed_in(app, MUANG_OFFICER), applied["somsri"], "under_review").status_code == 302
    province = signed_in(app, PROVINCE_OFFICER)
    blank = step(province, applied["somsri"], "rejected", note="   ")
    assert blank.status_code == 400 and "ต้องบันทึกเหตุผล" in blank.get_data(as_text=True)
    assert status_of(db, applied["somsri"]) == "under_review"
    note = "ผู้ค้ำประกันยังไม่ยินยอมครบทุกคน"
    assert step(province, applied["somsri"], "rejected", note=note).status_code == 302
    told = pushed_to(fake, DEBTOR)[-1]
    assert "ยังไม่ผ่านการพิจารณา" in told and "ไม่ต้องกังวล" in told and note not in told
    with Session(db) as session:
        row = session.get(MeasureApplication, applied["somsri"])
        assert (row.status, row.decision_note, row.note) == ("rejected", note, note)
    assert (applied["person"], "console.application_reject", PROVINCE_OFFICER, "วิไลวรรณ") in audit_trail(db)
    stale = step(province, applied["somsri"], "approved")  # a form left open in another tab
    assert stale.status_code == 409 and "ดำเนินการไปก่อน" in stale.get_data(as_text=True)


def test_a_district_officer_cannot_reach_another_districts_application(app, applied, db):
    thalang = signed_in(app, THALANG_OFFICER)
    assert page(thalang, url(applied["somsri"])).status_code == 404
    token = csrf_of(page(thalang, url(applied["arunee"])).get_data(as_text=True))
    assert step(thalang, applied["somsri"], "under_review", token=token).status_code == 404
    assert status_of(db, applied["somsri"]) == "submitted"
    assert "สมศรี ใจดี" not in page(thalang, "/console/applications").get_data(as_text=True)
    assert page(thalang, url(10**12)).status_code == 404


def test_a_step_without_its_csrf_token_is_refused(app, applied, db):
    client = signed_in(app, MUANG_OFFICER)
    refused = client.post(url(applied["somsri"]), data={"status": "under_review"}, base_url=HTTPS)
    assert refused.status_code == 400 and "โหลดใหม่" in refused.get_data(as_text=True)
    assert status_of(db, applied["somsri"]) == "submitted"
    assert app.test_client().post(url(applied["somsri"]), data={"status": "under_review"},
                                  base_url=HTTPS).status_code == 401  # not signed in


def test_the_admin_token_may_look_but_not_decide(app, applied, db):
    client = app.test_client()
    assert client.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS).status_code == 302
    html = page(client, url(applied["somsri"])).get_data(as_text=True)
    assert 'name="status"' not in html and "เข้าระบบด้วยบัญชี LINE ของตนเอง" in html
    assert step(client, applied["somsri"], "under_review", token=csrf_of(html)).status_code == 403
    assert status_of(db, applied["somsri"]) == "submitted"


def test_the_api_takes_the_officer_from_x_officer_with_the_same_rules(app, applied, db, fake):
    client = app.test_client()
    path = f"/api/applications/{applied['somsri']}"

    def post(body, officer=None):  # type: ignore[no-untyped-def]
        return client.post(path, json=body, headers={**AUTH, **({"X-Officer": officer} if officer else {})})

    assert post({"status": "under_review"}).status_code == 400  # nobody named
    mixed = post({"status": "under_review", "officer": "Somchai"}, officer="Kamonchanok")
    assert mixed.status_code == 400 and mixed.get_json()["problems"][0]["field"] == "officer"
    # a province officer named by name (one officer has it): the review is the district's
    assert post({"status": "under_review"}, officer="วิไลวรรณ").status_code == 403
    reviewed = post({"status": "under_review"}, officer=MUANG_OFFICER)  # by LINE user id
    assert reviewed.status_code == 200 and reviewed.get_json()["reviewed_by"] == "กมลชนก"
    assert "ตรวจดูคำขอ" in pushed_to(fake, DEBTOR)[0]
    again = post({"status": "approved", "officer": "กมลชนก"})  # the body's officer, as before X-Officer
    assert again.status_code == 403 and "province" in again.get_json()["detail"]
    unnoted = post({"status": "rejected"}, officer=PROVINCE_OFFICER)
    assert unnoted.status_code == 400 and unnoted.get_json()["problems"][0]["field"] == "note"
    decided = post({"status": "approved"}, officer=PROVINCE_OFFICER)
    assert decided.status_code == 200 and decided.get_json()["decided_by"] == "วิไลวรรณ"
    assert len(pushed_to(fake, DEBTOR)) == 2
    trail = audit_trail(db)
    assert (applied["person"], "api.application_review", "api", MUANG_OFFICER) in trail
    assert (applied["person"], "api.application_approve", "api", PROVINCE_OFFICER) in trail
    listed = client.get("/api/applications?status=approved", headers=AUTH).get_json()
    assert [(r["reviewed_by"], r["decided_by"]) for r in listed] == [("กมลชนก", "วิไลวรรณ")]


def test_other_programs_naming_officers_by_text_keep_two_people(app, applied):
    client = app.test_client()
    path = f"/api/applications/{applied['arunee']}"
    assert client.post(path, json={"status": "under_review"},
                       headers={**AUTH, "X-Officer": "Somchai P."}).status_code == 200
    same = client.post(path, json={"status": "approved", "officer": "somchai  p."}, headers=AUTH)
    assert same.status_code == 403 and "another officer" in same.get_json()["detail"]
    assert client.post(path, json={"status": "approved", "officer": "Wilaiwan"}, headers=AUTH).status_code == 200
