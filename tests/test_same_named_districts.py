"""A register of several provinces: a district's name is not unique across the country
(อำเภอเฉลิมพระเกียรติ is in five provinces). An officer's district is their district, by its id:
their list in LINE, the morning digest, the prescription alert, the district report and every
console page show their own district's people and figures, never those of a district of the same
name elsewhere. Commands and the API say which one they mean by the province. An officer of one
province's office sees, is alerted about and decides for that province only."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from messages.payloads import ProjectCard
from models import Area, FieldUpdate, LineGroup, MeasureApplication, Person, StaffMember
from services.identity import officers_of_person
from tests import factories as f
from tests.helpers import quick_replies, texts
from tests.test_console import HTTPS, csrf_of, page, signed_in

KORAT = "U" + "1a" * 16  # the officer of เฉลิมพระเกียรติ in นครราชสีมา
SARABURI = "U" + "2b" * 16  # the one of เฉลิมพระเกียรติ in สระบุรี, invited with the CLI
NATIONAL = "U" + "4d" * 16  # an officer without a district: every district of the register
PROVINCIAL = "U" + "5e" * 16  # an officer of นครราชสีมา's office: that province only
AUTH = {"Authorization": "Bearer test-admin-token"}
TWIN = "เฉลิมพระเกียรติ"
OWN, THEIRS = "NMA-2567-0001", "SRI-2567-0001"
OWN_ENDED, THEIRS_ENDED = "NMA-2561-0090", "SRI-2561-0090"
REPORTED = datetime(2026, 11, 10, 10, tzinfo=BANGKOK)


@pytest.fixture
def twins(db, clock):  # type: ignore[no-untyped-def]
    """Two districts named เฉลิมพระเกียรติ, one in นครราชสีมา and one in สระบุรี, each with a
    contract in default and one 90 days from its 5-year limit; an officer of the first."""
    with Session(db) as session:
        korat = f.area(session, TWIN, "ท่าช้าง", province="นครราชสีมา")
        saraburi = f.area(session, TWIN, "พุแค", province="สระบุรี")
        for where, code, ended, first_name, news in ((korat, OWN, OWN_ENDED, "บุญมี", 1),
                                                     (saraburi, THEIRS, THEIRS_ENDED, "ลำดวน", 2)):
            contract = f.contract(session, where=where, code=code, project_name=f"กลุ่มทอผ้า{first_name}")
            f.member(session, contract, f.person(session, first_name=first_name, last_name="ศรีสุข"))
            for _ in range(news):  # field updates in the report period of 16 Nov 2026 (2 to 15 Nov)
                session.add(FieldUpdate(author="U" + "3c" * 16, text="กลุ่มประชุมกันที่ศาลา", photos=[],
                                        contract_id=contract.id, created_at=REPORTED, updated_at=REPORTED))
            # contract-ended, its last payment 5 years less 90 days before 2026-11-20
            old = f.contract(session, where=where, code=ended, contract_date=date(2018, 1, 10),
                             first_due_date=date(2018, 2, 10), principal=24000)
            f.payment(session, old, date(2022, 2, 18), "500.00")
        session.add(StaffMember(line_user_id=KORAT, name="กมลชนก", role="officer", district_id=korat.parent_id,
                                created_at=clock.now()))
        session.commit()
        return {"korat": korat.parent_id, "saraburi": saraburi.parent_id}


def person_id(db, first_name: str) -> int:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return session.scalars(select(Person.id).where(Person.first_name == first_name)).one()


def shown(messages: list[dict]) -> str:  # type: ignore[type-arg]
    return json.dumps(messages, ensure_ascii=False)


def test_an_officers_list_in_line_is_of_their_own_district_only(line, twins):
    said = shown(line.say("วันนี้", user=KORAT))
    assert OWN in said and THEIRS not in said and "ลำดวน" not in said
    assert "ไม่พบ" in texts(line.tap(ProjectCard(code=THEIRS).pack(), user=KORAT))
    assert "บุญมี ศรีสุข" in texts(line.tap(ProjectCard(code=OWN).pack(), user=KORAT))


def test_the_cli_asks_which_province_then_the_invited_officer_sees_only_theirs(app, line, db, twins):
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["officers", "invite", "--name", "ธนากร", "--district", TWIN])
    assert refused.exit_code != 0
    assert f"2 districts are named '{TWIN}' (in นครราชสีมา, สระบุรี): name its province too" in refused.output
    unknown = cli.invoke(args=["officers", "invite", "--name", "ธนากร", "--district", TWIN, "--province", "ภูเก็ต"])
    assert unknown.exit_code != 0 and f"no district '{TWIN}' in 'ภูเก็ต'" in unknown.output
    invited = cli.invoke(args=["officers", "invite", "--name", "ธนากร", "--district", TWIN, "--province", "สระบุรี"])
    assert invited.exit_code == 0, invited.output
    code = invited.output.split()[0]
    assert "ยินดีต้อนรับ" in line.say(f"เจ้าหน้าที่ {code}", user=SARABURI)[0]["text"]
    with Session(db) as session:
        staff = session.scalars(select(StaffMember).where(StaffMember.line_user_id == SARABURI)).one()
        assert staff.district_id == twins["saraburi"]
    said = shown(line.say("วันนี้", user=SARABURI))
    assert THEIRS in said and OWN not in said and "บุญมี" not in said


def test_groups_are_bound_to_the_district_of_the_province_named(app, db, clock, twins):
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["groups", "invite", "--district", TWIN, "--subdistrict", "พุแค"])
    assert refused.exit_code != 0 and "name its province too" in refused.output
    made = cli.invoke(args=["groups", "invite", "--district", TWIN, "--province", "สระบุรี", "--subdistrict", "พุแค"])
    assert made.exit_code == 0, made.output
    with Session(db) as session:
        session.add(LineGroup(group_id="C" + "9" * 32, name="กลุ่มพุแค", joined_at=clock.now()))
        session.commit()
    bound = cli.invoke(args=["groups", "bind", "C" + "9" * 32, "--district", TWIN, "--province", "สระบุรี",
                             "--subdistrict", "พุแค"])
    assert bound.exit_code == 0, bound.output
    with Session(db) as session:
        group = session.scalars(select(LineGroup)).one()
        area = session.get(Area, group.area_id)
        assert area is not None and area.name == "พุแค" and area.parent_id == twins["saraburi"]


def test_the_digest_and_the_prescription_alert_are_of_their_own_district(app, fake, clock, twins):
    the_morning_is_their_own(app, fake, clock, KORAT)


def the_morning_is_their_own(app, fake, clock, officer: str) -> None:  # type: ignore[no-untyped-def]
    """The clock at 08:05: the officer's digest and prescription alert name NMA's contracts, not SRI's."""
    clock.set(datetime(2026, 11, 20, 8, 5, tzinfo=BANGKOK))
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    pushed = [shown(r["body"]["messages"]) for r in fake.requests("/v2/bot/message/push")
              if r["status"] == 200 and r["body"]["to"] == officer]
    digest = [p for p in pushed if "รายการติดตามวันนี้" in p]
    alert = [p for p in pushed if "อีก 90 วันจะครบ 5 ปี" in p]
    assert digest and alert
    assert OWN in digest[0] and THEIRS not in digest[0]
    assert OWN_ENDED in alert[0] and THEIRS_ENDED not in alert[0]


def test_console_pages_are_of_their_own_district(app, db, twins):
    client = signed_in(app, KORAT)
    listed = page(client, "/console/").get_data(as_text=True)
    assert OWN in listed and THEIRS not in listed
    exported = page(client, "/console/export.csv").get_data(as_text=True)
    codes = {row[2] for row in csv.reader(io.StringIO(exported.lstrip("\ufeff")))}
    assert OWN in codes and THEIRS not in codes
    assert page(client, f"/console/people/{person_id(db, 'ลำดวน')}").status_code == 404
    assert page(client, f"/console/people/{person_id(db, 'บุญมี')}").status_code == 200
    dashboard = page(client, "/console/dashboard").get_data(as_text=True)
    assert re.search(r"<td>ชั้น 2</td><td>2</td>", dashboard)  # the officer's two contracts, of the four
    reports = page(client, "/console/reports?day=2026-11-16").get_data(as_text=True)
    assert re.search(rf"<tr><td>{TWIN}</td>(<td>0</td>){{8}}<td>1</td></tr>", reports)  # its one field update


def test_the_api_narrows_a_name_by_its_province(app, twins):
    client = app.test_client()

    def codes(query: str) -> set[str]:
        response = client.get(f"/api/followups?{query}", headers=AUTH)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {row["project_code"] for row in response.get_json()}

    assert codes(f"district={TWIN}") == {OWN, OWN_ENDED, THEIRS, THEIRS_ENDED}  # the name: every district of it
    assert codes(f"district={TWIN}&province=สระบุรี") == {THEIRS, THEIRS_ENDED}
    assert codes("province=นครราชสีมา") == {OWN, OWN_ENDED}
    missing = client.get("/api/followups?province=ภูเก็ต", headers=AUTH)
    assert missing.status_code == 404 and missing.get_json() == {
        "error": "not_found", "detail": "no province 'ภูเก็ต' in the register"}
    assert client.get(f"/api/followups?district={TWIN}&province=ภูเก็ต", headers=AUTH).status_code == 404
    report = client.get(f"/api/reports/visits?district={TWIN}&province=สระบุรี", headers=AUTH)
    assert report.status_code == 200 and report.get_json()["province"] == "สระบุรี"
    assert report.get_json()["updates"] == 2
    assert client.get(f"/api/reports/visits?district={TWIN}", headers=AUTH).get_json()["updates"] == 3


def test_the_cli_report_names_the_province_when_names_repeat(app, twins):
    cli = app.test_cli_runner()
    def updates(*args: str) -> str:
        result = cli.invoke(args=["reports", "district", *args, "--week", "2026-11-16"])
        assert result.exit_code == 0, result.output
        return re.findall(r"ข่าวจากพื้นที่ \d+ เรื่อง", result.output)[0]

    assert updates("--district", TWIN, "--province", "นครราชสีมา") == "ข่าวจากพื้นที่ 1 เรื่อง"
    assert updates("--province", "สระบุรี") == "ข่าวจากพื้นที่ 2 เรื่อง"
    titled = cli.invoke(args=["reports", "district", "--province", "สระบุรี", "--week", "2026-11-16"]).output
    assert titled.startswith("📋 รายงานการติดตาม จังหวัดสระบุรี\n")
    assert updates("--district", TWIN) == "ข่าวจากพื้นที่ 3 เรื่อง"  # the name alone: both
    assert cli.invoke(args=["reports", "district", "--province", "ภูเก็ต"]).exit_code != 0


def test_an_officer_of_every_district_tells_the_two_apart_in_the_console(app, db, clock, twins):
    with Session(db) as session:
        session.add(StaffMember(line_user_id=NATIONAL, name="ธนากร", role="officer", created_at=clock.now()))
        session.commit()
    client = signed_in(app, NATIONAL)
    korat, saraburi = f"{TWIN} (นครราชสีมา)", f"{TWIN} (สระบุรี)"
    everything = page(client, "/console/").get_data(as_text=True)
    assert f"<option>{korat}</option><option>{saraburi}</option>" in everything
    assert OWN in everything and THEIRS in everything
    chosen = page(client, "/console/", query_string={"district": saraburi}).get_data(as_text=True)
    assert THEIRS in chosen and OWN not in chosen
    assert f"<option selected>{saraburi}</option>" in chosen and "<option>พุแค</option>" in chosen
    assert "ท่าช้าง" not in chosen  # the subdistricts offered are the chosen district's
    exported = page(client, "/console/export.csv", query_string={"district": saraburi}).get_data(as_text=True)
    assert THEIRS in exported and OWN not in exported
    dashboard = page(client, "/console/dashboard", query_string={"district": korat}).get_data(as_text=True)
    assert re.search(r"<td>ชั้น 2</td><td>2</td>", dashboard)
    assert re.search(r"<td>ชั้น 2</td><td>4</td>", page(client, "/console/dashboard").get_data(as_text=True))
    reports = page(client, "/console/reports?day=2026-11-16").get_data(as_text=True)
    assert re.search(rf"<tr><td>{re.escape(korat)}</td>(<td>0</td>){{8}}<td>1</td></tr>", reports)
    assert re.search(rf"<tr><td>{re.escape(saraburi)}</td>(<td>0</td>){{8}}<td>2</td></tr>", reports)
    one = page(client, "/console/reports", query_string={"day": "2026-11-16", "district": saraburi})
    assert re.search(rf"<tr><td>{re.escape(saraburi)}</td>(<td>0</td>){{8}}<td>2</td></tr>", one.get_data(as_text=True))
    applications = page(client, "/console/applications").get_data(as_text=True)
    assert korat in applications and saraburi in applications


def test_an_officer_of_one_province_sees_that_province_only(app, line, db, fake, clock, twins):
    cli = app.test_cli_runner()
    unknown = cli.invoke(args=["officers", "invite", "--name", "วิไลวรรณ", "--province", "ไม่มีจังหวัดนี้"])
    assert unknown.exit_code != 0 and "no province 'ไม่มีจังหวัดนี้' in the register" in unknown.output
    invited = cli.invoke(args=["officers", "invite", "--name", "วิไลวรรณ", "--province", "นครราชสีมา"])
    assert invited.exit_code == 0, invited.output
    welcome = line.say(f"เจ้าหน้าที่ {invited.output.split()[0]}", user=PROVINCIAL)[0]["text"]
    assert "ยินดีต้อนรับ" in welcome and "จังหวัดนครราชสีมา" in welcome
    assert "จังหวัดนครราชสีมา" in cli.invoke(args=["officers", "list"]).output

    said = shown(line.say("วันนี้", user=PROVINCIAL))  # LINE
    assert OWN in said and THEIRS not in said and "จังหวัดนครราชสีมา" in said
    assert "ไม่พบ" in texts(line.tap(ProjectCard(code=THEIRS).pack(), user=PROVINCIAL))

    client = signed_in(app, PROVINCIAL)  # the console
    listed = page(client, "/console/").get_data(as_text=True)
    assert OWN in listed and THEIRS not in listed and "จังหวัดนครราชสีมา" in listed
    assert f"<option>{TWIN} (นครราชสีมา)</option>" in listed and "(สระบุรี)</option>" not in listed
    other = page(client, "/console/", query_string={"district": f"{TWIN} (สระบุรี)"}).get_data(as_text=True)
    assert THEIRS not in other and OWN in other  # another province's district is not theirs to choose
    assert page(client, f"/console/people/{person_id(db, 'ลำดวน')}").status_code == 404
    assert re.search(r"<td>ชั้น 2</td><td>2</td>", page(client, "/console/dashboard").get_data(as_text=True))
    reports = page(client, "/console/reports?day=2026-11-16").get_data(as_text=True)
    assert re.search(r"<tr><td>เฉลิมพระเกียรติ \(นครราชสีมา\)</td>(<td>0</td>){8}<td>1</td></tr>", reports)
    assert "(สระบุรี)" not in reports and re.search(r'<tr class="total"><td>[^<]+</td>(<td>0</td>){8}<td>1</td>',
                                                     reports)
    assert page(client, "/console/import").status_code == 403 and "นำเข้าทะเบียน</a>" not in listed

    with Session(db) as session:  # measure applications, reviewed in each district: the decision is theirs
        ids = {}
        for first_name in ("บุญมี", "ลำดวน"):
            who = session.scalars(select(Person).where(Person.first_name == first_name)).one()
            application = MeasureApplication(person_id=who.id, contract_id=who.memberships[0].contract_id,
                                             measure_id="M1", answers={}, status="under_review",
                                             submitted_at=clock.now(), status_changed_at=clock.now(),
                                             reviewed_by="กมลชนก", reviewed_at=clock.now())
            session.add(application)
            session.flush()
            ids[first_name] = application.id
        session.commit()
        assert KORAT not in officers_of_person(session, person_id(db, "ลำดวน"))
        assert PROVINCIAL in officers_of_person(session, person_id(db, "บุญมี"))
        assert PROVINCIAL not in officers_of_person(session, person_id(db, "ลำดวน"))
    token = csrf_of(page(client, f"/console/applications/{ids['บุญมี']}").get_data(as_text=True))
    theirs = client.post(f"/console/applications/{ids['ลำดวน']}", data={"status": "approved", "csrf_token": token},
                         base_url=HTTPS)
    assert theirs.status_code in (403, 404)
    mine = client.post(f"/console/applications/{ids['บุญมี']}", data={"status": "approved", "csrf_token": token},
                       base_url=HTTPS)
    assert mine.status_code == 302
    with Session(db) as session:
        assert session.get(MeasureApplication, ids["บุญมี"]).status == "approved"
        assert session.get(MeasureApplication, ids["ลำดวน"]).status == "under_review"

    the_morning_is_their_own(app, fake, clock, PROVINCIAL)


def test_a_verified_person_s_message_is_told_to_their_own_officers_only(app, line, db, fake, clock, twins):
    """What a person leaves for an officer (their words, their phone) goes to the officers who look
    after them, not to the officers of a district of the same name elsewhere; an account not
    verified has no district, and every officer hears of it."""
    boonmee, stranger = "U" + "7a" * 16, "U" + "7b" * 16
    with Session(db) as session:
        f.link(session, session.scalars(select(Person).where(Person.first_name == "บุญมี")).one(), boonmee)
        session.add(StaffMember(line_user_id=SARABURI, name="ลำใย", role="officer", district_id=twins["saraburi"],
                                created_at=clock.now()))
        session.commit()

    def leave(user: str) -> set[str]:
        fake.reset()
        topics = line.say("ติดต่อเจ้าหน้าที่", user=user)[0]
        asked = line.tap(next(i["action"]["data"] for i in topics["quickReply"]["items"]
                              if i["action"]["label"] == "นัดหมาย"), user=user)
        assert asked
        line.say("ขอเลื่อนนัดค่ะ โทรกลับได้", user=user)
        line.say("0812345678", user=user)
        assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0  # the outbox is sent
        return {r["body"]["to"] for r in fake.requests("/v2/bot/message/push")
                if "ขอเลื่อนนัดค่ะ" in texts(r["body"]["messages"])}

    assert leave(boonmee) == {KORAT}
    assert leave(stranger) == {KORAT, SARABURI}


def test_an_update_about_someone_elsewhere_stays_with_their_own_officers(app, line, db, clock, twins):
    """A volunteer of one district writes about a project of a district of the same name elsewhere:
    the officers of that project's district read it on their list, the volunteer's own officers do not
    (it is about someone who is not theirs); an update about nobody yet stays with the author's district."""
    volunteer = "U" + "8a" * 16
    with Session(db) as session:
        session.add(StaffMember(line_user_id=volunteer, name="รัตนา", role="volunteer", district_id=twins["korat"],
                                created_at=clock.now()))
        session.add(StaffMember(line_user_id=SARABURI, name="ลำใย", role="officer", district_id=twins["saraburi"],
                                created_at=clock.now()))
        session.commit()
    line.say(f"#อัปเดต {THEIRS} ผู้กู้ป่วยเข้าโรงพยาบาล", user=volunteer)
    line.say("#อัปเดต ประชุมกลุ่มที่ศาลาวัดวันนี้", user=volunteer)

    def updates(officer: str) -> str:
        said = ""
        replies = line.say("วันนี้", user=officer)
        for _ in range(10):  # every page: the updates come after the rows waiting
            said += shown(replies)
            more = [a["data"] for m in replies if "quickReply" in m for a in quick_replies(m)
                    if a.get("label", "").startswith("ถัดไป")]
            if not more:
                break
            replies = line.tap(more[0], user=officer)
        return said

    korat, saraburi = updates(KORAT), updates(SARABURI)
    assert "ประชุมกลุ่มที่ศาลาวัด" in korat and "ผู้กู้ป่วย" not in korat
    assert "ผู้กู้ป่วย" in saraburi and "ประชุมกลุ่มที่ศาลาวัด" not in saraburi
