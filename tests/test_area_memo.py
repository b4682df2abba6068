"""The area walks an officer's list repeats are remembered within a transaction, and forgotten on any write."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Area
from services.areas import AreaBook, area_ids_under, district_names
from tests import factories as f


def test_a_remembered_walk_never_hides_a_change_to_the_tree(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        first = area_ids_under(session, "เมืองภูเก็ต")
        assert chalong.id in first and area_ids_under(session, "เมืองภูเก็ต") == first
        rawai = f.area(session, "เมืองภูเก็ต", "ราไวย์")  # an ORM write, flushed
        assert rawai.id in area_ids_under(session, "เมืองภูเก็ต")
        village = AreaBook(session).area("ภูเก็ต", "เมืองภูเก็ต", "ราไวย์", "หมู่ 1")  # a Core insert
        assert village.id in area_ids_under(session, "เมืองภูเก็ต")
        assert district_names(session)[village.id] == "เมืองภูเก็ต"
        session.execute(update(Area).where(Area.id == rawai.parent_id).values(name="เมือง"))  # a Core update
        assert area_ids_under(session, "เมืองภูเก็ต") == [] and village.id in area_ids_under(session, "เมือง")
        assert district_names(session)[village.id] == "เมือง"
        session.rollback()
        assert area_ids_under(session, "เมือง") == []  # what the rollback undid is not remembered
