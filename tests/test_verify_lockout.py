"""Guessing a person's birth date from many LINE accounts: the lockout per person, end to end.

Five wrong answers lock one LINE account (VERIFY_MAX_FAILURES); without a limit per person
too, N accounts would give 5N guesses a day. VERIFY_MAX_FAILURES_PER_PERSON (10 by
default) failed tries at one national ID in a Bangkok day, from every account together,
shut verification as that person until midnight, and the person's officers hear of it once.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import LineLink, Outbox, StaffMember, VerificationAttempt
from tests import factories as f
from tests.helpers import press

NATIONAL_ID = "3830100622191"
BORN = "14/02/2515"  # the right answer: 14 Feb 1972
WRONG = ("01/01/2500", "02/02/2501", "03/03/2502", "04/04/2503", "05/05/2504")
ATTACKERS = ["U" + f"a{n}" * 16 for n in range(1, 5)]  # four accounts
FIFTH = "U" + "b5" * 16
DISTRICT_OFFICER = "U" + "0d" * 16
PROVINCE_OFFICER = "U" + "0e" * 16
OTHER_DISTRICT_OFFICER = "U" + "0c" * 16
VOLUNTEER = "U" + "0b" * 16
REVOKED_OFFICER = "U" + "0a" * 16
PERSON_LOCKED = "พักการยืนยันตัวตนด้วยเลขบัตรประชาชนนี้"
ACCOUNT_LOCKED = "พักการยืนยันตัวตนของบัญชีนี้"
PUSH = "/v2/bot/message/push"


@pytest.fixture
def debtor(db, clock):  # type: ignore[no-untyped-def]
    """สมศรี, borrower in เมืองภูเก็ต; officers of her district, of the province and of another district."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        kathu = f.area(session, "กะทู้", "กมลา")
        who = f.person(session, national_id=NATIONAL_ID, birth_date=date(1972, 2, 14))
        f.member(session, f.contract(session, where=chalong), who)
        now = clock.now()
        session.add_all([
            StaffMember(line_user_id=DISTRICT_OFFICER, name="กมลชนก", role="officer",
                        district_id=chalong.parent_id, created_at=now),
            StaffMember(line_user_id=PROVINCE_OFFICER, name="ธนากร", role="officer", created_at=now),
            StaffMember(line_user_id=OTHER_DISTRICT_OFFICER, name="วิภา", role="officer",
                        district_id=kathu.parent_id, created_at=now),
            StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer",
                        district_id=chalong.parent_id, created_at=now),
            StaffMember(line_user_id=REVOKED_OFFICER, name="สุดา", role="officer",
                        district_id=chalong.parent_id, created_at=now, revoked_at=now),
        ])
        session.commit()
        return who.id


def _begin(line, user: str) -> None:  # type: ignore[no-untyped-def]
    press(line, line.say("ยืนยันตัวตน", user=user)[0], "ยินยอม ดำเนินการต่อ", user=user)


def _guess(line, user: str, national: str, answers) -> list[str]:  # type: ignore[no-untyped-def]
    """One account's tries at an ID, until the answers run out or verification is refused."""
    _begin(line, user)
    said = []
    for answer in answers:
        asked = line.say(national, user=user)[0]["text"]
        if "พิมพ์วันเดือนปีเกิด" not in asked:  # refused before the second question
            said.append(asked)
            break
        said.append(reply := line.say(answer, user=user)[0]["text"])
        if "ไม่ตรงกับทะเบียน" not in reply:
            break
    return said


def _alerts(fake) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return [r["body"] for r in fake.requests(PUSH) if r["status"] == 200]


def _count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_four_accounts_guessing_lock_the_person_and_the_fifth_with_the_right_date_is_refused(
        line, db, fake, debtor):
    # The fifth account is already at the second question when the guessing starts.
    _begin(line, FIFTH)
    assert "พิมพ์วันเดือนปีเกิด" in line.say(NATIONAL_ID, user=FIFTH)[0]["text"]

    said = {user: _guess(line, user, NATIONAL_ID, WRONG) for user in ATTACKERS}

    # The first two accounts each get four "no match" and then their own account's lock;
    # the second one's fifth is the person's tenth failure today, and the others are
    # refused as soon as they type the ID.
    for user in ATTACKERS[:2]:
        assert all("ไม่ตรงกับทะเบียน" in text for text in said[user][:4])
        assert ACCOUNT_LOCKED in said[user][4]
    assert len(said[ATTACKERS[2]]) == 1 and PERSON_LOCKED in said[ATTACKERS[2]][0]
    assert "076-211-040" in said[ATTACKERS[2]][0]
    assert said[ATTACKERS[3]] == said[ATTACKERS[2]]
    assert _count(db, VerificationAttempt, VerificationAttempt.succeeded.is_(False)) == 10

    # The right date, from the account that asked before the lock, and again from the start:
    # the same kind refusal, and nobody is linked.
    right = line.say(BORN, user=FIFTH)[0]["text"]
    assert right == said[ATTACKERS[2]][0]
    assert "พรุ่งนี้" in right and "เจ้าหน้าที่" in right
    assert _guess(line, FIFTH, NATIONAL_ID, [BORN]) == [right]
    assert _count(db, LineLink) == 0

    # Her district's officer and the province's officer: one alert each, 1:1, with her name
    # and a masked ID; nobody else, and never the ID in clear.
    alerts = _alerts(fake)
    assert sorted(a["to"] for a in alerts) == sorted([DISTRICT_OFFICER, PROVINCE_OFFICER])
    for alert in alerts:
        text = json.dumps(alert, ensure_ascii=False)
        assert "สมศรี แก้วประดับ" in text and "3-xxxx-xxxxx-19-1" in text and "2 บัญชี LINE" in text
        assert NATIONAL_ID not in text and "38301" not in text and BORN not in text
    assert _count(db, Outbox, Outbox.origin == "verify.person_locked") == 2


def test_tries_after_the_lock_add_no_alert_and_no_failure(line, db, fake, debtor):
    for user in ATTACKERS[:2]:
        _guess(line, user, NATIONAL_ID, WRONG)
    assert len(_alerts(fake)) == 2
    for user in (*ATTACKERS[2:], FIFTH):
        assert PERSON_LOCKED in _guess(line, user, NATIONAL_ID, WRONG)[0]
    assert len(_alerts(fake)) == 2  # once a day, however many keep trying
    assert _count(db, VerificationAttempt) == 10


def test_the_lock_lifts_at_midnight_in_bangkok(line, db, fake, clock, debtor):
    clock.set(datetime(2026, 11, 20, 23, 30, tzinfo=BANGKOK))  # 16:30 UTC: late in the Bangkok day
    for user in ATTACKERS[:2]:
        _guess(line, user, NATIONAL_ID, WRONG)
    clock.set(datetime(2026, 11, 20, 23, 59, 59, tzinfo=BANGKOK))
    assert PERSON_LOCKED in _guess(line, FIFTH, NATIONAL_ID, [BORN])[0]
    clock.set(datetime(2026, 11, 21, 0, 0, tzinfo=BANGKOK))  # still 20 Nov in UTC
    assert "ยืนยันตัวตนเรียบร้อย" in _guess(line, FIFTH, NATIONAL_ID, [BORN])[0]
    assert _count(db, LineLink, LineLink.line_user_id == FIFTH) == 1


def test_a_new_day_alerts_the_officers_again(line, db, fake, clock, debtor):
    for user in ATTACKERS[:2]:
        _guess(line, user, NATIONAL_ID, WRONG)
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=BANGKOK))  # the accounts' own 24 hours are not over
    for user in ATTACKERS[2:]:
        _guess(line, user, NATIONAL_ID, WRONG)
    assert sorted(a["to"] for a in _alerts(fake)) == sorted([DISTRICT_OFFICER, PROVINCE_OFFICER] * 2)


def test_an_id_not_on_the_register_locks_alike_and_alerts_nobody(line, db, fake, debtor):
    unknown = f.national_id(9_999_997)
    registered = [_guess(line, user, NATIONAL_ID, WRONG) for user in ATTACKERS[:2]]
    fake.reset()
    unregistered = [_guess(line, user, unknown, WRONG) for user in ATTACKERS[2:]]
    assert registered == unregistered  # the replies tell nothing of which ID is on the register
    assert _alerts(fake) == []
    assert _guess(line, FIFTH, unknown, WRONG) == _guess(line, FIFTH, NATIONAL_ID, [BORN])


def test_the_typed_id_is_not_kept(line, db, debtor):
    _guess(line, ATTACKERS[0], NATIONAL_ID, WRONG[:1])
    with db.connect() as connection:
        stored = connection.execute(select(VerificationAttempt.subject)).scalar_one()
    assert stored and NATIONAL_ID not in stored and len(stored) == 40
