"""`#อัปเดต`: volunteers and officers report from the field; a photo or location right after attaches."""

from __future__ import annotations

from domain.field import named_people, typed_choice, update_text
from domain.pictures import checked_picture
from handlers import common, visits
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import field as msgs
from messages.flows import FieldLinkStep
from messages.line_json import Message
from messages.payloads import LinkUpdate
from models import FieldUpdate
from services import field
from services.areas import officer_area_ids
from services.visits import person_in_scope


def is_update(text: str) -> bool:
    return update_text(text) is not None


def on_update(ctx: Context) -> list[Message]:
    """A new field update from a volunteer or an officer (the router answers anyone else as usual)."""
    body = update_text(ctx.text) or ""
    if not body:
        return msgs.empty_update()
    recorded = field.record_update(ctx.session, author=ctx.user_id or "", group_id=ctx.group_id, text=body,
                                   now=ctx.now, area_ids=officer_area_ids(ctx.session, ctx.as_staff()))
    received = msgs.update_received(recorded.project_code, ctx.in_group)
    if len(recorded.named) <= 1:
        return received
    # several people of that name: ask the author, 1:1 and never in the group
    choices = [(c.person_id, msgs.person_choice(c.name, c.places))
               for c in field.candidates(ctx.session, recorded.named)]
    _await_choice(ctx, recorded.update.id, choices)
    if ctx.in_group:
        ctx.push(ctx.user_id or "", msgs.which_one(recorded.update.id, choices), origin="field.ambiguous")
        return received
    return received + msgs.which_one(recorded.update.id, choices)


def _await_choice(ctx: Context, update_id: int, choices: list[tuple[int, str]]) -> None:
    """The author's 1:1 chat waits for the answer (a tap, or a typed number) while photos and
    places attach; a flow they are in the middle of is left alone (the buttons still answer)."""
    private = ctx.private_conversation
    if private.active and private.flow != FieldLinkStep.CHOOSE.flow:
        return
    private.start(FieldLinkStep.CHOOSE, update=update_id, choices=[list(choice) for choice in choices])


def _waiting_choices(ctx: Context, update_id: int) -> list[tuple[int, str]] | None:
    """The choices the author's 1:1 chat is waiting on for this update, if it is."""
    private = ctx.private_conversation
    if private.flow != FieldLinkStep.CHOOSE.flow or private.data.get("update") != update_id:
        return None
    return [(int(person_id), str(label)) for person_id, label in private.data.get("choices", [])]


def on_link_update(ctx: Context, payload: LinkUpdate) -> list[Message]:
    """The author's answer to "which one?": only they may link their own update."""
    return _link(ctx, payload.update, payload.person)


def _link(ctx: Context, update_id: int, person_id: int) -> list[Message]:
    update = field.field_update(ctx.session, update_id)
    if update is None or update.author != ctx.user_id:
        return common.not_understood(ctx)
    if _waiting_choices(ctx, update_id) is not None:
        ctx.private_conversation.finish()  # answered: typed or tapped
    if person_id == 0:
        return msgs.left_unlinked()
    person = person_in_scope(ctx.session, person_id, officer_area_ids(ctx.session, ctx.as_staff()))
    if person is None or not named_people(update.text, [(person.id, person.first_name, person.last_name)]):
        return common.not_understood(ctx)  # not one of the people the update names
    field.link_person(update, person.id, ctx.now)
    visits.offer_pin(ctx, update)  # a location already attached can now become their pin
    return msgs.linked_to(person.full_name)


def on_choice(ctx: Context, answer: str) -> list[Message]:
    """A typed number (`1`, `๒`, `คนที่ 2`) or "none of them" while the choice waits."""
    data = ctx.conversation.data
    update_id = int(data.get("update") or 0)
    choices = _waiting_choices(ctx, update_id) or []
    if not choices:  # nothing left to choose from (a step kept from an older version): start afresh
        ctx.conversation.finish()
        return common.not_understood(ctx)
    if answer.strip() == msgs.NONE_OF_THEM:
        return _link(ctx, update_id, 0)
    number = typed_choice(answer, len(choices[:12]))
    if number is None:
        return msgs.not_a_choice(update_id, choices)
    return _link(ctx, update_id, choices[number - 1][0])


def ask_choice(ctx: Context) -> list[Message]:
    data = ctx.conversation.data
    update_id = int(data.get("update") or 0)
    return msgs.still_to_choose(update_id, _waiting_choices(ctx, update_id) or [])


def on_location(ctx: Context) -> list[Message]:
    update = _recent_update(ctx)
    if update is None:
        return common.media_received(ctx)
    lat, lng = ctx.location or (None, None)
    field.attach_location(update, lat, lng, ctx.now)
    visits.offer_pin(ctx, update)  # about one person: ask the author 1:1 whether it is their home
    return msgs.location_attached() + _still_to_choose(ctx, update)


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
    return msgs.picture_attached() + _still_to_choose(ctx, update)


def _still_to_choose(ctx: Context, update: FieldUpdate) -> list[Message]:
    """In the author's 1:1 chat, a new message hides the last one's buttons: while the update still
    waits for its person, the reply asks again, buttons and all (a group reply hides nothing 1:1)."""
    if ctx.in_group or update.person_id is not None:
        return []
    choices = _waiting_choices(ctx, update.id)
    return msgs.still_to_choose(update.id, choices) if choices else []


def _recent_update(ctx: Context) -> FieldUpdate | None:
    """The same person's update in the same chat within the last ten minutes."""
    if ctx.staff is None:  # only a volunteer's or an officer's updates take photos and places
        return None
    return field.recent_update(ctx.session, ctx.user_id or "", ctx.group_id, ctx.now)


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(FieldLinkStep, {
    FieldLinkStep.CHOOSE: Step(on_choice, ask_choice),  # photos and places attach meanwhile (on_image, on_location)
})
