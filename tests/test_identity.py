"""The second factor of verification (domain.identity.second_factor_matches)."""

from __future__ import annotations

from datetime import date

from domain.identity import (
    check_national_id,
    format_be_date,
    format_national_id,
    parse_birth_date,
    second_factor_matches,
)

BORN = date(1972, 2, 14)


def test_the_birth_date_on_file_is_the_factor_and_phone_digits_then_never_do():
    assert second_factor_matches(BORN, "0934567812", BORN, None)
    assert not second_factor_matches(BORN, "0934567812", date(1972, 2, 15), None)
    assert not second_factor_matches(BORN, "0934567812", None, "7812")


def test_without_a_birth_date_the_last_four_phone_digits_are():
    assert second_factor_matches(None, "0934567812", None, "7812")
    assert not second_factor_matches(None, "0934567812", None, "5678")  # the last four, not any four
    assert not second_factor_matches(None, "0934567812", BORN, None)


def test_with_neither_on_file_nothing_matches():
    assert not second_factor_matches(None, None, None, "7812")
    assert not second_factor_matches(None, "", None, "7812")
    assert not second_factor_matches(None, None, BORN, None)


def test_a_national_id_is_shown_in_the_cards_groups_and_reads_back_as_typed():
    shown = format_national_id("3830100622191")
    assert shown == "3-8301-00622-19-1"
    assert check_national_id(shown).digits == "3830100622191" and check_national_id(shown).problem is None
    assert format_national_id("12345") == "12345"  # not an ID: left as it is


def test_a_birth_date_is_shown_as_the_bot_asks_for_it_and_reads_back():
    assert format_be_date(date(1972, 2, 14)) == "14/02/2515"
    assert parse_birth_date(format_be_date(date(1957, 9, 9))) == date(1957, 9, 9)
