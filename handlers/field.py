"""`#อัปเดต`: volunteers and officers report from the field; a photo or location right after attaches."""

from __future__ import annotations

from linebot.v3.messaging import Message

from domain.field import named_people, update_text
from domain.pictures import checked_picture
from handlers import common, visits
from handlers.context import Context
from messages import field as msgs
from messages.payloads import LinkUpdate
from models import FieldUpdate
from services import field
from services.identity import person_by_id


def is_update(text: str) -> bool:
    return update_text(text) is not None


def on_update(ctx: Context) -> list[Message]:
    """A new field update from a volunteer or an officer (the router answers anyone else as usual)."""
    body = update_text(ctx.text) or ""
    if not body:
        return msgs.empty_update()
    recorded = field.record_update(ctx.session, author=ctx.user_id or "", group_id=ctx.group_id, text=body,
                                   now=ctx.now)
    if len(recorded.named) > 1:  # ask the author, 1:1 and never in the group
        choices = [(c.person_id, msgs.person_choice(c.name, c.places))
                   for c in field.candidates(ctx.session, recorded.named)]
        ctx.push(ctx.user_id or "", msgs.which_one(recorded.update.id, choices), origin="field.ambiguous")
    return msgs.update_received(recorded.project_code, ctx.in_group)


def on_link_update(ctx: Context, payload: LinkUpdate) -> list[Message]:
    """The author's answer to "which one?": only they may link their own update."""
    update = field.field_update(ctx.session, payload.update)
    if update is None or update.author != ctx.user_id:
        return common.not_understood(ctx)
    if payload.person == 0:
        return msgs.left_unlinked()
    person = person_by_id(ctx.session, payload.person)
    if person is None or not named_people(update.text, [(person.id, person.first_name, person.last_name)]):
        return common.not_understood(ctx)  # not one of the people the update names
    field.link_person(update, person.id, ctx.now)
    visits.offer_pin(ctx, update)  # a location already attached can now become their pin
    return msgs.linked_to(person.full_name)


def on_location(ctx: Context) -> list[Message]:
    update = _recent_update(ctx)
    if update is None:
        return common.media_received(ctx)
    lat, lng = ctx.location or (None, None)
    field.attach_location(update, lat, lng, ctx.now)
    visits.offer_pin(ctx, update)  # about one person: ask the author 1:1 whether it is their home
    return msgs.location_attached()


def on_image(ctx: Context) -> list[Message]:
    update = _recent_update(ctx)
    if update is None or ctx.fetch_content is None:
        return common.media_received(ctx)
    if not ctx.message_id:  # not LINE's form of an id: a forged event, nothing to fetch
        return msgs.picture_not_fetched()
    ctx.loading(20)  # fetched from LINE, decoded and stored: seconds, on a slow line
    fetched = ctx.fetch_content(ctx.message_id)  # streamed, and cut off past UPLOAD_MAX_BYTES
    if fetched.too_big:
        return msgs.picture_too_big(ctx.settings.upload_max_bytes)
    if fetched.data is None:
        return msgs.picture_not_fetched()
    picture = checked_picture(fetched.data)  # decoded, re-encoded: a photo, and nothing else
    if picture is None:
        return msgs.picture_not_a_photo()
    field.attach_photo(ctx.session, update, picture, uploads_dir=ctx.settings.uploads_dir, now=ctx.now)
    return msgs.picture_attached()


def _recent_update(ctx: Context) -> FieldUpdate | None:
    """The same person's update in the same chat within the last ten minutes."""
    if ctx.staff is None:  # only a volunteer's or an officer's updates take photos and places
        return None
    return field.recent_update(ctx.session, ctx.user_id or "", ctx.group_id, ctx.now)
