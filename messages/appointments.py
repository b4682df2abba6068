"""Booking a court-mediation, clinic or mobile-unit appointment, in words and cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.appointments import BookingView, SessionView  # the values the cards show
from domain.clock import BANGKOK
from messages.common import flow_controls
from messages.flows import AppointmentStep, answer
from messages.format import thai_day_date
from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)
from messages.payloads import BookingAction

KIND_NAMES = {"court": "ไกล่เกลี่ยก่อนฟ้อง (ศาล)", "clinic": "คลินิกแก้หนี้", "mobile": "หน่วยเคลื่อนที่เร็ว"}

# What a session is called when whoever publishes it gives no title (the place says where:
# no province is written into a default).
DEFAULT_TITLES = {"court": "ไกล่เกลี่ยก่อนฟ้องที่ศาล", "clinic": "คลินิกแก้หนี้",
                  "mobile": "หน่วยเคลื่อนที่เร็ว กองทุนพัฒนาบทบาทสตรี"}

# A title that holds one of these words already says its kind: the kind's name is not put
# in front of it again ("คลินิกแก้หนี้: คลินิกแก้หนี้" is what that looked like).
KIND_WORDS = {"court": ("ไกล่เกลี่ย",), "clinic": ("คลินิก",), "mobile": ("หน่วยเคลื่อนที่",)}

# What people type after `นัดหมาย` to ask for one kind: `นัดหมาย ไกล่เกลี่ย`.
ASKED_KINDS = {"court": ("ไกล่เกลี่ย", "ศาล", "court", "mediation"), "clinic": ("คลินิก", "clinic"),
               "mobile": ("หน่วยเคลื่อนที่", "mobile")}


def session_title(kind: str, title: str | None) -> str:
    """The title given, or the kind's own ("" for a kind that does not exist: refused later)."""
    return title or DEFAULT_TITLES.get(kind, "")


def says_kind(kind: str, title: str) -> bool:
    """Whether the title already names the session's kind."""
    compact = title.replace(" ", "")
    return any(word in compact for word in KIND_WORDS.get(kind, ()))


def session_heading(kind: str, title: str) -> str:
    """A session in one line: its title, after its kind's name only when the title does not say it."""
    if not title.strip():
        return KIND_NAMES[kind]
    return title if says_kind(kind, title) else f"{KIND_NAMES[kind]}: {title}"


def asked_kind(text: str) -> str | None:
    """The kind of session typed after `นัดหมาย`, if any."""
    compact = text.replace(" ", "").casefold()
    return next((kind for kind, words in ASKED_KINDS.items() if compact and any(w in compact for w in words)), None)

# The court route's two-day checklist (domain.appointments.COURT_CHECKLIST), as officers read it.
CHECKLIST_NAMES = {
    "day1_date_venue_fixed": "วันที่ 1: ศาลกำหนดวันและสถานที่",
    "day1_civil_record_pulled": "วันที่ 1: คัดทะเบียนราษฎรลูกหนี้",
    "day1_request_form_printed": "วันที่ 1: พิมพ์คำร้องขอไกล่เกลี่ย",
    "day1_evidence_ready": "วันที่ 1: เตรียมพยานหลักฐาน",
    "day2_mediated": "วันที่ 2: ไกล่เกลี่ยแล้ว",
    "day2_settlement_recorded": "วันที่ 2: บันทึกข้อตกลง",
    "day2_outcome": "วันที่ 2: บันทึกผล",
}


def _when(start: datetime, end: datetime | None = None) -> str:
    start = start.astimezone(BANGKOK)
    span = f"{start:%H:%M}" + (f"–{end.astimezone(BANGKOK):%H:%M}" if end else "")
    return f"{thai_day_date(start.date())} เวลา {span} น."


def choose_session(sessions: Sequence[SessionView]) -> list[Message]:
    bubbles = [FlexBubble(size="kilo", body=FlexBox(layout="vertical", spacing="sm", contents=[
        *([] if says_kind(s.kind, s.title) else [
            FlexText(text=KIND_NAMES[s.kind], size="xs", color="#06C755", weight="bold")]),
        FlexText(text=s.title or KIND_NAMES[s.kind], weight="bold", wrap=True),
        FlexText(text=_when(s.starts_at, s.ends_at), size="sm", wrap=True),
        FlexText(text=s.place, size="sm", wrap=True, color="#555555"),
        FlexText(text=f"ว่าง {s.seats_left} ที่", size="xs", color="#C0392B" if s.seats_left < 3 else "#1B5E20"),
    ]), footer=FlexBox(layout="vertical", contents=[FlexButton(style="primary", color="#06C755", height="sm",
        action=PostbackAction(label="เลือกรอบนี้", display_text=f"เลือก {s.title}",
                              data=answer(AppointmentStep.SESSION, str(s.id))))]))
        for s in sessions[:10]]
    return [TextMessage(text="เลือกรอบนัดที่สะดวกได้เลยค่ะ 🗓️"),
            FlexMessage(alt_text="รอบนัดที่เปิดให้จอง", contents=FlexCarousel(contents=bubbles),
                        quick_reply=QuickReply(items=flow_controls(back=False)))]


def no_sessions(office_phone: str) -> list[Message]:
    return [TextMessage(text="ตอนนี้ยังไม่มีรอบนัดที่เปิดให้จองค่ะ เจ้าหน้าที่จะประกาศรอบใหม่เร็ว ๆ นี้ "
                             f"หรือโทรนัดได้ที่ {office_phone}")]


def choose_slot(slots: Sequence[tuple[int, datetime]]) -> list[Message]:
    items = [QuickReplyItem(action=PostbackAction(
        label=f"{start.astimezone(BANGKOK):%H:%M} น.", display_text=f"{start.astimezone(BANGKOK):%H:%M} น.",
        data=answer(AppointmentStep.SLOT, str(seat)))) for seat, start in slots[:11]]
    return [TextMessage(text="เลือกเวลาที่สะดวกค่ะ", quick_reply=QuickReply(items=items + flow_controls(back=True)))]


def confirm(view: SessionView, start: datetime) -> list[Message]:
    yes = QuickReplyItem(action=PostbackAction(label="ยืนยันนัด", display_text="ยืนยันนัด",
                                               data=answer(AppointmentStep.CONFIRM, "yes")))
    return [TextMessage(text=f"ยืนยันนัดนี้ไหมคะ\n{session_heading(view.kind, view.title)}\n{_when(start)}\n{view.place}",
                        quick_reply=QuickReply(items=[yes, *flow_controls(back=True)]))]


def booking_card(view: BookingView, *, heading: str = "นัดหมายของคุณ ✅") -> FlexBubble:
    buttons = [FlexButton(style="primary", color="#06C755", height="sm",
                          action=URIAction(label="เพิ่มลงปฏิทิน", uri=view.calendar_url))]
    if view.map_url:
        buttons.append(FlexButton(style="secondary", height="sm", action=URIAction(label="ดูแผนที่", uri=view.map_url)))
    buttons += [
        FlexButton(style="link", height="sm", action=PostbackAction(
            label="เปลี่ยนนัด", display_text="เปลี่ยนนัด", data=BookingAction(op="change", booking=view.id).pack())),
        FlexButton(style="link", height="sm", action=PostbackAction(
            label="ยกเลิกนัด", display_text="ยกเลิกนัด", data=BookingAction(op="cancel", booking=view.id).pack())),
    ]
    documents = [FlexText(text=f"• {d}", size="xs", wrap=True) for d in view.documents] or [
        FlexText(text="• บัตรประจำตัวประชาชน", size="xs")]
    return FlexBubble(size="kilo", body=FlexBox(layout="vertical", spacing="sm", contents=[
        FlexText(text=heading, size="xs", color="#06C755", weight="bold"),
        FlexText(text=session_heading(view.kind, view.title), weight="bold", wrap=True),
        FlexText(text=_when(view.starts_at, view.ends_at), size="sm", wrap=True),
        FlexText(text=view.place, size="sm", wrap=True, color="#555555"),
        FlexSeparator(margin="md"),
        FlexText(text="เอกสารที่ต้องนำมา", size="xs", weight="bold"),
        *documents,
    ]), footer=FlexBox(layout="vertical", spacing="xs", contents=buttons))


def booked(view: BookingView) -> list[Message]:
    return [FlexMessage(alt_text=f"นัดหมาย {thai_day_date(view.starts_at.astimezone(BANGKOK).date())} {view.place}",
                        contents=booking_card(view))]


def my_bookings(views: Sequence[BookingView]) -> list[Message]:
    cards = [booking_card(v) for v in views[:10]]
    book_more = QuickReplyItem(action=PostbackAction(label="จองนัดเพิ่ม", display_text="จองนัดเพิ่ม",
                                                     data=BookingAction(op="new", booking=0).pack()))
    return [FlexMessage(alt_text=f"นัดหมายของคุณ {len(views)} รายการ", contents=FlexCarousel(contents=cards),
                        quick_reply=QuickReply(items=[book_more]))]


def full(others: Sequence[SessionView], *, closed: bool = False) -> list[Message]:
    """No seat left in the session chosen (or it closed meanwhile): the other sessions with free seats."""
    text = "ขออภัยค่ะ รอบนี้ปิดรับจองแล้ว 🙏" if closed else "ขออภัยค่ะ รอบนี้เต็มแล้ว 🙏"
    if not others:
        return [TextMessage(text=text + " ตอนนี้ยังไม่มีรอบอื่นที่ว่าง เจ้าหน้าที่จะเปิดรอบใหม่เร็ว ๆ นี้")]
    return [TextMessage(text=text + " แต่ยังมีรอบอื่นที่ว่างอยู่ เลือกได้เลยค่ะ"), *choose_session(others)[1:]]


def slot_taken(slots: Sequence[tuple[int, datetime]]) -> list[Message]:
    """The time tapped was taken a moment before: the times still free."""
    return [TextMessage(text="ขออภัยค่ะ เวลานี้เพิ่งมีผู้จองไปก่อน 🙏 เลือกเวลาอื่นที่ยังว่างได้เลยค่ะ",
                        quick_reply=choose_slot(slots)[0]["quickReply"])]


def booked_instead(view: BookingView, asked: datetime) -> list[Message]:
    """Someone confirmed the time chosen a moment before: the next free time was booked, and can be changed."""
    return [TextMessage(text=f"ขออภัยค่ะ เวลา {asked.astimezone(BANGKOK):%H:%M} น. ที่เลือกเพิ่งมีผู้จองไปก่อน 🙏 "
                             f"เราจองเวลาที่ยังว่างให้แทน คือ {_when(view.starts_at)}\n"
                             "หากไม่สะดวก แตะ \"เปลี่ยนนัด\" ที่การ์ดด้านล่างเพื่อเลือกเวลาอื่นได้เลยค่ะ"),
            *booked(view)]


def already_booked(kind: str) -> list[Message]:
    return [TextMessage(text=f"คุณมีนัด{KIND_NAMES[kind]}อยู่แล้วค่ะ พิมพ์ \"นัดหมาย\" เพื่อดู เปลี่ยน หรือยกเลิก")]


def confirm_cancel(view: BookingView, sequence: int) -> list[Message]:
    """One tap on "ยกเลิกนัด" asks first: the booking stays unless the person says yes.

    The yes carries the booking's sequence: a yes tapped after the booking was moved is stale.
    """
    yes = QuickReplyItem(action=PostbackAction(
        label="ใช่ ยกเลิกนัดนี้", display_text="ใช่ ยกเลิกนัดนี้",
        data=BookingAction(op="cancel_yes", booking=view.id, seq=sequence).pack()))
    keep = QuickReplyItem(action=PostbackAction(
        label="ไม่ยกเลิก", display_text="ไม่ยกเลิก", data=BookingAction(op="keep", booking=view.id).pack()))
    return [TextMessage(
        text=f"ต้องการยกเลิกนัดนี้ใช่ไหมคะ\n{session_heading(view.kind, view.title)}\n{_when(view.starts_at)}\n"
        f"{view.place}", quick_reply=QuickReply(items=[yes, keep]))]


def kept(view: BookingView) -> list[Message]:
    """"ไม่ยกเลิก": the booking stays as it was."""
    return [TextMessage(text="นัดของคุณยังอยู่เหมือนเดิมค่ะ 🌼"),
            FlexMessage(alt_text=f"นัดหมาย {thai_day_date(view.starts_at.astimezone(BANGKOK).date())} {view.place}",
                        contents=booking_card(view))]


def _calendar_notice(text: str, calendar_url: str, alt: str) -> FlexMessage:
    """A notice with a button that updates the person's calendar (the link is never shown as text)."""
    return FlexMessage(alt_text=alt, contents=FlexBubble(
        size="kilo",
        body=FlexBox(layout="vertical", contents=[FlexText(text=text, wrap=True, size="sm")]),
        footer=FlexBox(layout="vertical", spacing="xs", contents=[
            FlexButton(style="secondary", height="sm", action=URIAction(label="ลบออกจากปฏิทิน", uri=calendar_url)),
            FlexButton(style="link", height="sm", action=PostbackAction(
                label="จองนัดใหม่", display_text="จองนัดใหม่", data=BookingAction(op="new", booking=0).pack())),
        ])))


def _calendar_update(calendar_url: str) -> FlexMessage:
    """A moved session: a button that brings the person's calendar up to date (no link shown as text)."""
    return FlexMessage(alt_text="อัปเดตนัดในปฏิทิน", contents=FlexBubble(
        size="kilo",
        body=FlexBox(layout="vertical", contents=[
            FlexText(text="หากเคยเพิ่มนัดนี้ลงปฏิทินไว้ แตะ \"อัปเดตปฏิทิน\" ค่ะ", wrap=True, size="sm")]),
        footer=FlexBox(layout="vertical", contents=[
            FlexButton(style="secondary", height="sm", action=URIAction(label="อัปเดตปฏิทิน", uri=calendar_url))])))


def cancelled(view: BookingView) -> list[Message]:
    text = (f"ยกเลิกนัด {_when(view.starts_at)} เรียบร้อยแล้วค่ะ\n"
            "หากเคยเพิ่มลงปฏิทินไว้ แตะ \"ลบออกจากปฏิทิน\" · จองใหม่ได้ทุกเมื่อ")
    return [_calendar_notice(text, view.calendar_url, f"ยกเลิกนัด {_when(view.starts_at)} เรียบร้อยแล้ว")]


# Why a card's button no longer acts on its booking (services.appointments.booking_state).
NOT_CURRENT = {
    "cancelled": "นัดนี้ถูกยกเลิกไปแล้วค่ะ",
    "past": "นัดนี้ผ่านไปแล้วค่ะ",
    "changed": "นัดนี้มีการเปลี่ยนแปลงหลังจากที่คุณเห็นการ์ดนี้ค่ะ จึงยังไม่ได้ยกเลิก",
    "unknown": "ปุ่มนี้มาจากการ์ดนัดเก่าค่ะ",
}


def not_current(reason: str, current: Sequence[BookingView]) -> list[Message]:
    """An old card's button: say kindly what happened, and show the bookings the person has now."""
    said = NOT_CURRENT.get(reason, NOT_CURRENT["unknown"])
    if not current:
        book = QuickReplyItem(action=PostbackAction(label="จองนัดใหม่", display_text="จองนัดใหม่",
                                                    data=BookingAction(op="new", booking=0).pack()))
        return [TextMessage(text=f"{said} ตอนนี้คุณยังไม่มีนัดที่จองไว้ จองใหม่ได้เลยค่ะ",
                            quick_reply=QuickReply(items=[book]))]
    return [TextMessage(text=f"{said} นี่คือนัดของคุณตอนนี้"), *my_bookings(current)]


def reminder(view: BookingView, *, tomorrow: bool) -> list[Message]:
    """1:1, the day before at 09:00 and the morning of at 08:00."""
    when = "พรุ่งนี้" if tomorrow else "วันนี้"
    documents = "\n".join(f"• {d}" for d in view.documents) or "• บัตรประจำตัวประชาชน"
    return [TextMessage(
        text=f"สวัสดีค่ะ 🌼 {when}คุณมีนัด{KIND_NAMES[view.kind]}\n{_when(view.starts_at, view.ends_at)}\n"
        f"ที่ {view.place}\nอย่าลืมนำเอกสาร\n{documents}\nหากมาไม่ได้ แจ้งเราได้ พิมพ์ \"นัดหมาย\" เพื่อเปลี่ยนหรือยกเลิก")]


def _alternative_lines(alternatives: Sequence[SessionView]) -> str:
    return "\n".join(f"• {_when(a.starts_at, a.ends_at)} ที่ {a.place} (ว่าง {a.seats_left} ที่)"
                     for a in alternatives[:3])


def session_cancelled(view: BookingView, alternatives: Sequence[SessionView]) -> list[Message]:
    """To everyone booked when officers cancel a session: an apology and the rounds with free seats."""
    if alternatives:
        offer = (f"ยังมีรอบ{KIND_NAMES[view.kind]}ที่ว่างอยู่ค่ะ\n{_alternative_lines(alternatives)}\n"
                 "แตะ \"จองรอบใหม่\" หรือพิมพ์ \"นัดหมาย\" เพื่อเลือกรอบที่สะดวกได้เลย")
    else:
        offer = "เจ้าหน้าที่จะแจ้งรอบใหม่ให้ทราบโดยเร็ว"
    rebook = QuickReply(items=[QuickReplyItem(action=MessageAction(label="จองรอบใหม่", text="นัดหมาย"))])
    return [TextMessage(
        text=f"ขออภัยเป็นอย่างสูงค่ะ 🙏 นัด{KIND_NAMES[view.kind]} {_when(view.starts_at)} ที่ {view.place} "
        f"ต้องยกเลิก\n{offer}", quick_reply=rebook if alternatives else None),
        _calendar_notice("หากเคยเพิ่มนัดนี้ลงปฏิทินไว้ แตะ \"ลบออกจากปฏิทิน\" ค่ะ", view.calendar_url,
                         "ลบนัดที่ยกเลิกออกจากปฏิทิน")]


def session_moved(view: BookingView, old_start: datetime, old_place: str) -> list[Message]:
    """To everyone booked when officers move a session: the new time and place, and how to change or cancel."""
    where = f"ที่ {view.place}" + (f" (เดิมที่ {old_place})" if old_place != view.place else "")
    return [TextMessage(
        text=f"เรียนแจ้งด้วยความขอบคุณค่ะ 🙏 นัด{KIND_NAMES[view.kind]}ของคุณ (เดิม {_when(old_start)}) "
        f"เปลี่ยนเป็น {_when(view.starts_at)} {where}\n"
        "ที่นั่งของคุณยังอยู่เหมือนเดิม ถ้าเวลาใหม่ไม่สะดวก พิมพ์ \"นัดหมาย\" เพื่อเปลี่ยนรอบหรือยกเลิกได้เลย"),
        _calendar_update(view.calendar_url)]


def others_booked(count: int) -> str:
    """A roster's line for the people booked whom a district officer may not see by name."""
    return f"และอีก {count:,} คนนอกพื้นที่ของคุณ (ไม่แสดงชื่อ)"


def officer_sessions(rows: Sequence[tuple[SessionView, Sequence[tuple[str, str]], int]]) -> list[Message]:
    """`นัดหมาย` from an officer: today's and tomorrow's sessions, counts and rosters (each with the
    people booked the officer may see by name, and how many others)."""
    if not rows:
        return [TextMessage(text="วันนี้และพรุ่งนี้ไม่มีรอบนัดค่ะ")]
    out: list[Message] = []
    for view, roster, others in rows[:5]:
        booked = len(roster) + others
        lines = "\n".join(f"{i}. {time} {name}" for i, (time, name) in enumerate(roster, start=1))
        if others:
            lines = f"{lines}\n{others_booked(others)}" if lines else others_booked(others)
        lines = lines or "ยังไม่มีผู้จอง"
        out.append(TextMessage(text=f"{session_heading(view.kind, view.title)}\n{_when(view.starts_at, view.ends_at)}\n"
                                    f"{view.place}\nจองแล้ว {booked}/{booked + view.seats_left}\n{lines}"))
    return out


def calendar_description(title: str, documents: Sequence[str]) -> str:
    """The description of a booking's calendar event: the documents to bring, or the session's title."""
    listed = "\n".join(f"- {d}" for d in documents)
    return "เอกสารที่ต้องนำมา:\n" + listed if listed else title
