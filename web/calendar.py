"""Add-to-calendar files (.ics) for bookings: a stable UID, SEQUENCE on change, CANCEL when cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, abort

from bot.runtime import runtime
from domain.clock import BANGKOK
from messages.appointments import calendar_description
from models import AppointmentSession, Booking
from services.appointments import booking_by_id
from services.calendar import booking_of_token

bp = Blueprint("calendar", __name__)


def booking_calendar(booking: Booking, appointment: AppointmentSession, now: datetime) -> bytes:
    """The iCalendar file of one booking, in Asia/Bangkok with its VTIMEZONE."""
    # Imported when a calendar file is asked for: icalendar costs every web worker about 3.5 MB
    # (bench/import_rss.py) that the webhook never uses.
    from icalendar import Calendar, Event

    cancelled = booking.status != "booked"
    calendar = Calendar()
    calendar.add("prodid", "-//WDF Phuket//LINE bot//TH")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.id}@wdf-line-bot")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    start = booking.slot_start.astimezone(BANGKOK)
    end = start + timedelta(minutes=appointment.slot_minutes) if appointment.slot_minutes else \
        appointment.ends_at.astimezone(BANGKOK)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", appointment.title)
    event.add("location", appointment.place)
    event.add("description", calendar_description(appointment.title, appointment.documents))
    if appointment.map_url:
        event.add("url", appointment.map_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@bp.get("/calendar/<token>.ics")
def booking_ics(token: str) -> Response:
    rt = runtime()
    booking_id = booking_of_token(rt.settings, token)
    if booking_id is None:
        abort(404)
    with rt.sessions() as session:
        booking = booking_by_id(session, booking_id)
        if booking is None:
            abort(404)
        body = booking_calendar(booking, booking.session, rt.clock.now())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="wdf-appointment-{booking_id}.ics"'})
