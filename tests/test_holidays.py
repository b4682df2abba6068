"""Holidays files (domain/data/holidays-*.toml): validated before they change the contact hours."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.contact_hours import is_rest_day
from domain.holidays import HolidayFileError, parse_holidays, year_to_load
from models import StaffMember

OFFICER = "U" + "0f" * 16

FILE_2569 = Path(__file__).resolve().parents[1] / "domain" / "data" / "holidays-2569.toml"


def document(*entries: dict, year: object = 2026) -> dict:  # type: ignore[type-arg]
    return {"year": year, "holiday": list(entries)}


def test_a_valid_document_comes_back_sorted():
    year, days = parse_holidays(document({"date": date(2026, 12, 31), "name": " วันสิ้นปี "},
                                         {"date": date(2026, 1, 1), "name": "วันขึ้นปีใหม่"}))
    assert year == 2026
    assert days == [(date(2026, 1, 1), "วันขึ้นปีใหม่"), (date(2026, 12, 31), "วันสิ้นปี")]


@pytest.mark.parametrize(("doc", "message"), [
    ({"holiday": [{"date": date(2026, 1, 1), "name": "x"}]}, "top-level year"),
    (document({"date": date(2026, 1, 1), "name": "x"}, year="2026"), "top-level year"),
    (document({"date": date(2026, 1, 1), "name": "x"}, year=2569), "Buddhist Era year: write 2026"),
    (document(), "no \\[\\[holiday\\]\\] entries"),
    ({"year": 2026}, "no \\[\\[holiday\\]\\] entries"),
    (document({"date": date(2026, 1, 1), "name": "ok"}, {"date": date(2027, 1, 1), "name": "x"}),
     "holiday #2 \\(2027-01-01\\): the date is not in 2026"),
    (document({"date": date(2026, 1, 1), "name": "  "}), "holiday #1 \\(2026-01-01\\): name is missing or empty"),
    (document({"date": date(2026, 1, 1)}), "holiday #1 \\(2026-01-01\\): name is missing"),
    (document({"date": date(2026, 1, 1), "name": "a"}, {"date": date(2026, 4, 13), "name": "b"},
              {"date": date(2026, 1, 1), "name": "c"}),
     "holiday #3 \\(2026-01-01\\): the same date is already holiday #1"),
    (document({"date": "2026-01-01", "name": "x"}), "holiday #1: date must be a TOML date"),
    (document({"date": datetime(2026, 1, 1, 9, 0), "name": "x"}), "holiday #1: date must be a TOML date"),
    (document({"name": "x"}), "holiday #1: date must be a TOML date .* got missing"),
    (document("2026-01-01"), "holiday #1: expected a \\[\\[holiday\\]\\] table"),
])
def test_mistakes_are_named_precisely(doc, message):
    with pytest.raises(HolidayFileError, match=message):
        parse_holidays(doc)


def test_errors_from_a_real_toml_text():
    text = ('year = 2026\n[[holiday]]\ndate = 2026-05-01\nname = "วันแรงงาน"\n'
            '[[holiday]]\ndate = 2025-05-04\nname = "x"\n')
    with pytest.raises(HolidayFileError, match="holiday #2 \\(2025-05-04\\)"):
        parse_holidays(tomllib.loads(text))


def test_the_bundled_2569_file_parses_and_has_the_fixed_holidays():
    with FILE_2569.open("rb") as handle:
        raw = tomllib.load(handle)
    year, days = parse_holidays(raw)
    listed = dict(days)
    assert year == 2026 and 15 <= len(days) <= 25
    assert isinstance(raw.get("source"), str) and raw["source"]
    for fixed in (date(2026, 1, 1), date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15),
                  date(2026, 12, 5), date(2026, 12, 10), date(2026, 12, 31)):
        assert fixed in listed, fixed


def test_the_bundled_2569_file_is_the_announced_one_with_its_sources():
    """It was written from memory, without the Royal Ploughing Ceremony (issue 15, item 10)."""
    text = FILE_2569.read_text(encoding="utf-8")
    _, days = parse_holidays(tomllib.loads(text))
    listed = dict(days)
    assert "พืชมงคล" in listed[date(2026, 5, 13)]
    assert date(2026, 1, 2) in listed  # the one special holiday the Cabinet kept
    assert date(2026, 6, 2) not in listed and date(2026, 7, 31) not in listed  # proposed, then withdrawn
    cited = [line for line in text.splitlines() if line.startswith("#") and "https://" in line]
    assert len(cited) >= 5  # every date above is checked against a source named in the file


def test_the_bundled_file_has_a_substitution_day_for_each_weekend_holiday():
    with FILE_2569.open("rb") as handle:
        _, days = parse_holidays(tomllib.load(handle))
    listed = dict(days)
    for day, name in days:
        if day.weekday() < 5 or "ชดเชย" in name:
            continue
        # the substitution is the first working day after, not already a holiday itself
        substitute = day + timedelta(days=1)
        while substitute.weekday() >= 5 or (substitute in listed and "ชดเชย" not in listed[substitute]):
            substitute += timedelta(days=1)
        assert "ชดเชย" in listed.get(substitute, ""), (day, name)
        assert is_rest_day(substitute, listed)


@given(st.dates(date(2020, 1, 1), date(2040, 12, 31)), st.sets(st.integers(2019, 2042)))
def test_next_years_holidays_are_asked_for_from_the_first_of_december(today, loaded):
    wanted = year_to_load(today, loaded)
    if today < date(today.year, 12, 1) or today.year + 1 in loaded:
        assert wanted is None
    else:
        assert wanted == today.year + 1


def test_the_officers_digest_warns_from_december_until_next_year_is_loaded(app, db, fake, clock, tmp_path):
    with Session(db) as session:
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()

    def digest_on(day: date) -> str:
        fake.reset()
        clock.set(datetime(day.year, day.month, day.day, 9, tzinfo=BANGKOK))
        assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0
        [push] = [r for r in fake.requests("/v2/bot/message/push") if r["body"]["to"] == OFFICER]
        return json.dumps(push["body"], ensure_ascii=False)

    assert "วันหยุดราชการปี" not in digest_on(date(2026, 11, 30))
    warned = digest_on(date(2026, 12, 1))
    assert "วันหยุดราชการปี 2570" in warned and "รายการติดตาม" in warned
    next_year = tmp_path / "holidays-2570.toml"
    next_year.write_text('year = 2027\nsource = "test"\n[[holiday]]\ndate = 2027-01-01\nname = "วันขึ้นปีใหม่"\n',
                         encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["holidays", "load", str(next_year)]).exit_code == 0
    assert "วันหยุดราชการปี" not in digest_on(date(2026, 12, 2))
