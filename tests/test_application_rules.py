"""Who may move a measure application, and the two-person rule (domain/applications.py)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.applications import (
    NEXT_STATUSES,
    Officer,
    Refusal,
    Standing,
    StepKind,
    can_move,
    name_key,
    refusal,
    same_officer,
    step_kind,
    steps_open_to,
)
from models.measures import APPLICATION_STATUSES

MUANG, THALANG = 10, 20
statuses = st.sampled_from(APPLICATION_STATUSES)
targets = st.one_of(statuses, st.text(max_size=12))
names = st.text(alphabet="กมลชนกวิไ abcKAM\t", min_size=1, max_size=12)  # Thai, Latin in both cases, spaces
districts = st.one_of(st.none(), st.sampled_from([MUANG, THALANG]))
known = st.builds(Officer, name=names, staff_id=st.integers(1, 6), district_id=districts)
by_name = st.builds(Officer, name=names)
officers = st.one_of(known, by_name)
notes = st.one_of(st.none(), st.text(max_size=8))
standings = st.builds(Standing, status=statuses, district_id=st.sampled_from([MUANG, THALANG]),
                      reviewer=st.one_of(st.none(), officers))

district_officer = Officer("กมลชนก", staff_id=1, district_id=MUANG)
province_officer = Officer("วิไลวรรณ", staff_id=2, district_id=None)
other_district = Officer("สุดารัตน์", staff_id=3, district_id=THALANG)


@given(standings, targets, officers, notes)
def test_nothing_is_allowed_that_the_status_does_not_allow(standing, new, officer, note):
    if refusal(standing, new, officer, note) is None:
        assert can_move(standing.status, new)
    if not can_move(standing.status, new):
        assert refusal(standing, new, officer, note) is Refusal.MOVE


@given(standings, targets, known, notes)
def test_district_officers_review_and_province_officers_decide(standing, new, officer, note):
    allowed = refusal(standing, new, officer, note) is None
    kind = step_kind(standing.status, new)
    if allowed and kind is StepKind.REVIEW:
        assert officer.district_id == standing.district_id  # of the contract's district, never the province
    if allowed and kind is StepKind.DECISION:
        assert officer.district_id is None
    if allowed and kind is StepKind.FOLLOW_UP:
        assert officer.district_id in (None, standing.district_id)


KORAT, SARABURI = 1, 2
provinces = st.one_of(st.none(), st.sampled_from([KORAT, SARABURI]))


@given(standings, provinces, targets, names, st.one_of(st.none(), st.sampled_from([KORAT, SARABURI])), notes)
def test_a_provinces_officer_moves_only_that_provinces_applications(standing, province, new, name, own, note):
    """On a register of several provinces an officer of one province's office (no district) takes
    the province's steps for its contracts, and none for another province's."""
    placed = Standing(standing.status, standing.district_id, standing.reviewer, province)
    officer = Officer(name, staff_id=9, district_id=None, province_id=own)
    found = refusal(placed, new, officer, note)
    if own is not None and own != province:
        assert found in (Refusal.MOVE, Refusal.DISTRICT_STEP, Refusal.OUT_OF_AREA)
        assert found is not None
    else:  # the same as an officer of the whole register
        assert found == refusal(placed, new, Officer(name, staff_id=9, district_id=None), note)


@given(st.sampled_from(["approved", "rejected"]), officers, notes)
def test_who_reviewed_never_decides(new, reviewer, note):
    standing = Standing("under_review", MUANG, reviewer)
    assert refusal(standing, new, reviewer, note) is not None
    as_province = Officer(reviewer.name, reviewer.staff_id, None)  # even once moved to the province
    assert refusal(standing, new, as_province, note) is not None
    assert new not in steps_open_to(standing, as_province)


@given(standings, officers, st.text(alphabet=" \t\n\u3000", max_size=4))
def test_a_rejection_needs_a_note_that_says_something(standing, officer, blank):
    for note in (None, blank):
        assert refusal(standing, "rejected", officer, note) is not None


@given(officers, officers)
def test_same_officer_is_symmetric_and_reflexive(a, b):
    assert same_officer(a, a)
    assert same_officer(a, b) == same_officer(b, a)


@given(names, st.integers(1, 5), st.integers(1, 5))
def test_by_staff_id_when_both_are_known_else_by_name(name, first, second):
    assert same_officer(Officer(name, first), Officer(name, second)) == (first == second)  # namesakes are two people
    assert same_officer(Officer(name, first), Officer(f"  {name.upper()} "))  # a name alone cannot tell them apart
    assert same_officer(Officer(name), Officer(" ".join(name.split()).casefold()))


@given(standings, officers)
def test_the_steps_open_to_an_officer_are_those_the_rule_allows(standing, officer):
    open_steps = steps_open_to(standing, officer)
    assert set(open_steps) <= NEXT_STATUSES[standing.status]
    for new in NEXT_STATUSES[standing.status]:
        assert (new in open_steps) == (refusal(standing, new, officer, "why") is None)


def test_the_approval_path_with_two_officers():
    submitted = Standing("submitted", MUANG, None)
    assert steps_open_to(submitted, district_officer) == ["under_review"]
    assert refusal(submitted, "under_review", province_officer, None) is Refusal.DISTRICT_STEP
    assert refusal(submitted, "under_review", other_district, None) is Refusal.OUT_OF_AREA
    assert refusal(submitted, "approved", province_officer, None) is Refusal.MOVE  # not before the review
    assert refusal(submitted, "rejected", province_officer, "ซ้ำ") is Refusal.MOVE  # nor turned down unreviewed
    reviewed = Standing("under_review", MUANG, district_officer)
    assert refusal(reviewed, "approved", district_officer, None) is Refusal.PROVINCE_STEP
    assert steps_open_to(reviewed, province_officer) == ["approved", "rejected"]
    assert refusal(reviewed, "rejected", province_officer, " ") is Refusal.NOTE_NEEDED
    assert refusal(reviewed, "rejected", province_officer, "ผู้ค้ำยังไม่ยินยอมครบ") is None
    # the reviewer, since moved to the province office, still may not decide what they reviewed
    promoted = Officer("กมลชนก", staff_id=1, district_id=None)
    assert refusal(reviewed, "approved", promoted, None) is Refusal.SAME_OFFICER
    approved = Standing("approved", MUANG, district_officer)
    assert steps_open_to(approved, district_officer) == ["active", "failed"]
    assert steps_open_to(approved, other_district) == []


def test_officers_known_only_by_name():
    """Another program names officers in X-Officer: the two-person rule holds by that name."""
    reviewed = Standing("under_review", MUANG, Officer("Kamonchanok"))
    assert refusal(reviewed, "approved", Officer("kamonchanok "), None) is Refusal.SAME_OFFICER
    assert refusal(reviewed, "approved", Officer("Wilaiwan"), None) is None
    assert refusal(Standing("submitted", MUANG, None), "under_review", Officer("anyone"), None) is None
    known_reviewer = Standing("under_review", MUANG, district_officer)
    assert refusal(known_reviewer, "approved", Officer("กมลชนก"), None) is Refusal.SAME_OFFICER


@given(names)
def test_a_name_key_ignores_case_and_spacing(name):
    assume(name.strip())
    assert name_key(f" {name} ") == name_key(name) == name_key(name_key(name))
