"""The second factor of verification (domain.identity.second_factor_matches)."""

from __future__ import annotations

from datetime import date

from domain.identity import second_factor_matches

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
