"""Whom a district officer may see, asked one row at a time (services.visits.in_scope and the
predicates it is built of), checked against its definition on a register of every kind of person.

The rule (PDPA: access only for those who need it): someone on a contract of the officer's
district is theirs; someone on no contract at all has no district and every officer sees them;
someone only on other districts' contracts is not theirs. A person on contracts in two districts
belongs to both. The same rule decides a person's page, a search, the map, the inbox and the list's
field updates, each of which puts it inside a query of its own (the map's joins memberships and
contracts itself).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import ContactRequest, Contract, FieldUpdate, Membership, Person
from services.areas import area_ids_under
from services.followups import field_update_rows
from services.inbox import inbox, inbox_total
from services.mapping import map_pins
from services.visits import find_people, in_scope, person_in_scope
from tests import factories as f

AT = datetime(2026, 11, 20, 9, 0, tzinfo=BANGKOK)


@pytest.fixture
def register(db):  # type: ignore[no-untyped-def]
    """Two districts and one of each kind of person, all named กานดา so that one search finds every one."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        thalang = f.area(session, "ถลาง", "เทพกระษัตรี")
        here = f.contract(session, where=chalong)
        there = f.contract(session, where=thalang)
        also_here = f.contract(session, where=chalong, status="closed")
        people = {key: f.person(session, first_name="กานดา", last_name=key, lat=7.9, lng=98.3)
                  for key in ("ours", "theirs", "both", "nobody", "closed_ours", "guarantor_there")}
        f.member(session, here, people["ours"])
        f.member(session, there, people["theirs"])
        f.member(session, here, people["both"])
        f.member(session, there, people["both"], role="guarantor")
        f.member(session, also_here, people["closed_ours"])
        f.member(session, there, people["guarantor_there"], role="guarantor")
        ids = {key: who.id for key, who in people.items()}
        session.commit()
        return {"people": ids, "muang": chalong.parent_id, "thalang": thalang.parent_id}


def by_definition(session: Session, area_ids: list[int]) -> set[int]:
    """The rule, worked out in Python from every membership."""
    held: dict[int, set[int]] = {}
    for person_id, area_id in session.execute(
            select(Membership.person_id, Contract.area_id).join(Contract)):
        held.setdefault(person_id, set()).add(area_id)
    return {person_id for person_id in session.scalars(select(Person.id))
            if person_id not in held or held[person_id] & set(area_ids)}


def test_each_query_that_scopes_people_agrees_with_the_rule(db, register, clock):
    people = register["people"]
    expected = {"muang": {"ours", "both", "nobody", "closed_ours"}, "thalang": {"theirs", "both", "nobody",
                                                                               "guarantor_there"}}
    with Session(db) as session:
        for district, keys in expected.items():
            area_ids = area_ids_under(session, register[district])
            mine = {people[key] for key in keys}
            assert by_definition(session, area_ids) == mine
            assert set(session.scalars(select(Person.id).where(in_scope(area_ids)))) == mine
            assert {pid for pid in people.values() if person_in_scope(session, pid, area_ids)} == mine
            assert {p.id for p in find_people(session, "กานดา", area_ids).people} == mine
            assert {pin.person_id for pin in map_pins(session, clock.today(), area_ids)} == mine
        everyone = set(people.values())
        assert set(session.scalars(select(Person.id).where(in_scope(None)))) == everyone
        assert {p.id for p in find_people(session, "กานดา", None).people} == everyone


def test_the_inbox_and_the_field_updates_keep_to_the_same_rule(db, register):
    people = register["people"]
    with Session(db) as session:
        for n, key in enumerate(people):
            session.add(ContactRequest(line_user_id=f"U{n:032x}", topic="payment", message=key, created_at=AT,
                                       person_id=people[key]))
            session.add(FieldUpdate(author="U" + "ab" * 16, text=key, person_id=people[key], created_at=AT,
                                    updated_at=AT))
        # nobody named, from an account linked to no one: every officer sees it
        session.add(ContactRequest(line_user_id="U" + "cd" * 16, topic="other", message="?", created_at=AT))
        session.commit()
        muang = area_ids_under(session, register["muang"])
        assert inbox_total(session, muang) == 4 + 1  # ours, both, nobody, closed_ours; and the unnamed one
        assert inbox_total(session, area_ids_under(session, register["thalang"])) == 4 + 1
        assert inbox_total(session, None) == len(people) + 1
        shown = {row.unshown["text"] for row in field_update_rows(session, date(2026, 11, 20), muang)}
        assert shown == {"ours", "both", "nobody", "closed_ours"}


def test_a_request_that_names_no_one_belongs_to_whoever_its_account_is_linked_to(db, register):
    """The inbox finds the person behind such a request through the account's link, for each
    request its own: with two of them, one per district, each officer sees only theirs."""
    people = register["people"]
    with Session(db) as session:
        for key in ("ours", "theirs"):
            account = "U" + key[0] * 32
            f.link(session, session.get(Person, people[key]), account)
            session.add(ContactRequest(line_user_id=account, topic="payment", message=key, created_at=AT))
        session.commit()
        for district, mine in (("muang", "ours"), ("thalang", "theirs")):
            area_ids = area_ids_under(session, register[district])
            assert inbox_total(session, area_ids) == 1
            assert [row.request.message for row in inbox(session, date(2026, 11, 20), area_ids)] == [mine]
        assert inbox_total(session, None) == 2


def test_the_map_shows_a_district_officer_only_their_districts_contracts_of_a_person(db, register, clock):
    """Someone on a contract in each district is on both officers' maps, each with their own
    district's project only (as on the person's page)."""
    both = register["people"]["both"]
    with Session(db) as session:
        codes = {}
        for district in ("muang", "thalang"):
            pins = {pin.person_id: pin for pin in map_pins(session, clock.today(),
                                                          area_ids_under(session, register[district]))}
            codes[district] = pins[both].project_codes
        everywhere = {pin.person_id: pin for pin in map_pins(session, clock.today(), None)}[both].project_codes
    assert len(codes["muang"]) == len(codes["thalang"]) == 1 and codes["muang"] != codes["thalang"]
    assert sorted(everywhere) == sorted(codes["muang"] + codes["thalang"])
