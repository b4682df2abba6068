"""Officers and volunteers take their role with a one-time invite code typed in LINE."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import StaffMember
from tests import factories as f
from tests.helpers import USER

OFFICER = "U" + "0f" * 16
THIRD = "U" + "7" * 32


def invite(app, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output.split()[0]


def test_an_officer_takes_the_role_and_gets_the_officer_words(app, line, db, clock):
    with Session(db) as session:
        f.area(session, "เมืองภูเก็ต", "ฉลอง")
        session.commit()
    assert "ยังไม่เข้าใจ" in line.say("วันนี้", user=OFFICER)[0]["text"]  # nothing revealed before
    code = invite(app, "officers", "invite", "--name", "กมลชนก", "--district", "เมืองภูเก็ต")
    welcome = line.say(f"เจ้าหน้าที่ {code.lower()[:4]}-{code[4:]}", user=OFFICER)[0]["text"]
    assert "ยินดีต้อนรับค่ะ คุณกมลชนก" in welcome and "เมืองภูเก็ต" in welcome
    assert "รายการติดตาม" in line.say("วันนี้", user=OFFICER)[0]["text"]
    assert "ถูกใช้ไปแล้ว" in line.say(f"officer {code}", user=THIRD)[0]["text"]
    listing = app.test_cli_runner().invoke(args=["officers", "list"]).output
    assert OFFICER in listing and "active" in listing
    assert app.test_cli_runner().invoke(args=["officers", "revoke", OFFICER]).exit_code == 0
    assert "ยังไม่เข้าใจ" in line.say("วันนี้", user=OFFICER)[0]["text"]


def test_wrong_expired_and_mismatched_codes(app, line, db, clock):
    code = invite(app, "officers", "invite", "--name", "ธนากร")
    assert "ไม่ใช่รหัสสำหรับอาสา" in line.say(f"อาสา {code}")[0]["text"]
    clock.advance(days=7, minutes=1)
    assert "หมดอายุ" in line.say(f"เจ้าหน้าที่ {code}")[0]["text"]
    for left in (2, 1):
        assert f"ลองได้อีก {left} ครั้ง" in line.say("เจ้าหน้าที่ ABCD2345")[0]["text"]
    assert "พักไว้ 1 ชั่วโมง" in line.say("เจ้าหน้าที่ ABCD2346")[0]["text"]
    fresh = invite(app, "officers", "invite", "--name", "ธนากร")
    assert "พักไว้" in line.say(f"เจ้าหน้าที่ {fresh}")[0]["text"]  # even a good code, during the lock
    clock.advance(hours=1, minutes=1)
    assert "ยินดีต้อนรับ" in line.say(f"เจ้าหน้าที่ {fresh}")[0]["text"]
    with db.connect() as connection:
        assert connection.execute(select(StaffMember.role)).scalar_one() == "officer"


def test_someone_asking_for_an_officer_is_not_taken_for_a_code(line):
    assert "อยากคุยเรื่องอะไร" in line.say("เจ้าหน้าที่ ช่วยโทรหาหน่อยค่ะ")[0]["text"]
    assert "อยากคุยเรื่องอะไร" in line.say("เจ้าหน้าที่")[0]["text"]


def test_volunteer_invites_need_their_area(app, line, db):
    result = app.test_cli_runner().invoke(args=["volunteers", "invite", "--name", "รัตนา"])
    assert result.exit_code != 0 and "--district" in result.output
    with Session(db) as session:
        f.area(session, "เมืองภูเก็ต", "ฉลอง")
        session.commit()
    code = invite(app, "volunteers", "invite", "--name", "รัตนา", "--district", "เมืองภูเก็ต")
    assert "อาสาสมัคร" in line.say(f"อาสา {code}", user=USER)[0]["text"]


def test_an_officer_binds_a_group_with_a_code_and_nobody_else_can(app, line, db, clock):
    from models import LineGroup
    from tests.helpers import GROUP

    with Session(db) as session:
        f.area(session, "เมืองภูเก็ต", "ฉลอง")
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()
    result = app.test_cli_runner().invoke(args=["groups", "invite", "--district", "เมืองภูเก็ต",
                                                "--subdistrict", "ฉลอง"])
    assert result.exit_code == 0, result.output
    code = result.output.split()[0]
    assert line.say(f"ลงทะเบียนกลุ่ม {code}", user=USER, group=GROUP) == []  # not an officer: silence
    assert "ไม่ถูกต้อง" in texts_of(line.say("ลงทะเบียนกลุ่ม ABCD2345", user=OFFICER, group=GROUP))
    bound = texts_of(line.say(f"ลงทะเบียนกลุ่ม {code}", user=OFFICER, group=GROUP))
    assert "ลงทะเบียนกับกองทุน" in bound and "ฉลอง" in bound
    with db.connect() as connection:
        group = connection.execute(select(LineGroup)).one()
    assert group.bound_at is not None and group.area_id is not None
    other = "C" + "8" * 32
    assert "ใช้ลงทะเบียนกลุ่มไปแล้ว" in texts_of(line.say(f"register {code}", user=OFFICER, group=other))


def texts_of(messages: list[dict]) -> str:  # type: ignore[type-arg]
    return " ".join(m.get("text", "") for m in messages)
