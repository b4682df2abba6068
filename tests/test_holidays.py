"""Holidays files (domain/data/holidays-*.toml): validated before they change the contact hours."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from domain.contact_hours import is_rest_day
from domain.holidays import HolidayFileError, parse_holidays

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
