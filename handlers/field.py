"""`#อัปเดต`: volunteers and officers report from the field; a photo or location right after attaches."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from linebot.v3.messaging import Message
from sqlalchemy import literal, select

from domain.field import ATTACH_WINDOW_MINUTES, named_people, picture_kind, project_codes, update_text
from handlers import common, visits
from handlers.context import Context
from messages import field as msgs
from messages.payloads import LinkUpdate
from models import Contract, FieldUpdate, Person, StaffMember
from services.queries import area_path, staff_member


def _reporter(ctx: Context) -> StaffMember | None:
    """A volunteer or an officer: the people whose updates count."""
    return staff_member(ctx.session, ctx.user_id)


def is_update(text: str) -> bool:
    return update_text(text) is not None


def on_update(ctx: Context) -> list[Message]:
    """A new field update; anyone who is not a volunteer or officer is answered as usual."""
    if _reporter(ctx) is None:
        return common.not_understood(ctx)
    body = update_text(ctx.text) or ""
    if not body:
        return msgs.empty_update()
    update = FieldUpdate(author=ctx.user_id or "", group_id=ctx.group_id, text=body, photos=[],
                         created_at=ctx.now, updated_at=ctx.now)
    codes = project_codes(body)
    contract = ctx.session.scalars(select(Contract).where(Contract.project_code.in_(codes))).first() if codes else None
    linked = None
    matches: list[int] = []
    if contract is not None:
        update.contract_id, linked = contract.id, contract.project_code
    else:
        # the database finds names inside the text, rather than sending the register here
        people = ctx.session.execute(select(Person.id, Person.first_name, Person.last_name).where(
            literal(body).contains(Person.first_name), literal(body).contains(Person.last_name))).all()
        matches = named_people(body, people)
        if len(matches) == 1:
            update.person_id = matches[0]
    ctx.session.add(update)
    if len(matches) > 1:  # ask the author, 1:1 and never in the group
        ctx.session.flush()
        ctx.push(ctx.user_id or "", msgs.which_one(update.id, _choices(ctx, matches)), origin="field.ambiguous")
    return msgs.update_received(linked, ctx.in_group)


def _choices(ctx: Context, person_ids: list[int]) -> list[tuple[int, str]]:
    """How the author tells people of the same name apart: their projects and villages (no IDs)."""
    choices = []
    for person in ctx.session.scalars(select(Person).where(Person.id.in_(person_ids)).order_by(Person.id)):
        places = [f"{m.contract.project_code} {area_path(m.contract.area).get('village') or ''}".strip()
                  for m in person.memberships]
        choices.append((person.id, person.full_name + (
            f" ({', '.join(places[:2])})" if places else " (ไม่มีสัญญาในทะเบียน)")))
    return choices


def on_link_update(ctx: Context, payload: LinkUpdate) -> list[Message]:
    """The author's answer to "which one?": only they may link their own update."""
    update = ctx.session.get(FieldUpdate, payload.update)
    if ctx.in_group or update is None or update.author != ctx.user_id or _reporter(ctx) is None:
        return [] if ctx.in_group else common.not_understood(ctx)
    if payload.person == 0:
        return msgs.left_unlinked()
    person = ctx.session.get(Person, payload.person)
    if person is None or not named_people(update.text, [(person.id, person.first_name, person.last_name)]):
        return common.not_understood(ctx)  # not one of the people the update names
    update.person_id, update.updated_at = person.id, ctx.now
    visits.offer_pin(ctx, update)  # a location already attached can now become their pin
    return msgs.linked_to(person.full_name)


def on_location(ctx: Context) -> list[Message]:
    update = _recent_update(ctx)
    if update is None:
        return common.media_received(ctx)
    update.lat, update.lng = ctx.location or (None, None)
    update.updated_at = ctx.now
    visits.offer_pin(ctx, update)  # about one person: ask the author 1:1 whether it is their home
    return msgs.attached("ตำแหน่ง")


def on_image(ctx: Context) -> list[Message]:
    update = _recent_update(ctx)
    if update is None or ctx.fetch_content is None:
        return common.media_received(ctx)
    data = ctx.fetch_content(ctx.message_id)
    if data is None:
        return msgs.picture_refused("ดึงรูปจาก LINE ไม่ได้ ลองส่งใหม่อีกครั้ง")
    if len(data) > ctx.settings.upload_max_bytes:
        return msgs.picture_refused(f"ใหญ่เกิน {ctx.settings.upload_max_bytes // (1024 * 1024)} MB")
    kind = picture_kind(data)
    if kind is None:
        return msgs.picture_refused("รับเฉพาะรูป JPEG หรือ PNG")
    ctx.session.flush()  # the update's id names its folder
    folder = Path(ctx.settings.uploads_dir) / str(update.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ctx.message_id}.{kind[1]}"
    path.write_bytes(data)
    update.photos = [*update.photos, {"path": str(path), "content_type": kind[0], "bytes": len(data)}]
    update.updated_at = ctx.now
    return msgs.attached("รูป")


def _recent_update(ctx: Context) -> FieldUpdate | None:
    """The same person's update in the same chat within the last ten minutes."""
    if _reporter(ctx) is None:
        return None
    return ctx.session.scalars(select(FieldUpdate).where(
        FieldUpdate.author == (ctx.user_id or ""),
        FieldUpdate.group_id.is_(None) if ctx.group_id is None else FieldUpdate.group_id == ctx.group_id,
        FieldUpdate.created_at >= ctx.now - timedelta(minutes=ATTACH_WINDOW_MINUTES))
        .order_by(FieldUpdate.created_at.desc())).first()
