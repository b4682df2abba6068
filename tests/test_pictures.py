"""Pictures volunteers send (`domain.pictures`, `bot.line.LineGateway.message_content`): read from
LINE a chunk at a time and cut off past the limit, then kept only once they decode.

A 200 MB "image" was read whole before its size was checked (the worker grew to 343 MB and
stayed there), and a file of JPEG magic bytes followed by HTML was kept (issue 16, item 11).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import create_app
from config.settings import Settings
from devtools.fakeline import events as ev
from domain.pictures import MAX_KEPT_PIXELS, checked_picture
from models import FieldUpdate, StaffMember
from tests.conftest import SECRET
from tests.helpers import before_the_reply, served, texts

VOLUNTEER = "U" + "cd" * 16
LIMIT = 1024 * 1024  # UPLOAD_MAX_BYTES in these tests
ORIENTATION, MODEL = 0x0112, 0x0110  # EXIF tags


def _jpeg(size: tuple[int, int] = (64, 48), *, mode: str = "RGB", exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 120 if mode == "L" else (200, 120, 40)).save(out, "JPEG", exif=exif or Image.Exif())
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header claims `width` × `height` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + chunk(b"IEND", b""))


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --------------------------------------------------------------------------- which pictures are kept


def test_a_photo_is_kept_re_encoded_upright_and_without_its_exif():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the phone was held on its side: turn 90° clockwise to view
    exif[MODEL] = "Phone of the volunteer"
    picture = checked_picture(_jpeg((64, 48), exif=exif))
    assert picture is not None and (picture.content_type, picture.extension) == ("image/jpeg", "jpg")
    kept = _opened(picture.data)
    assert kept.format == "JPEG" and kept.size == (48, 64)
    assert not dict(kept.getexif()) and b"Phone of the volunteer" not in picture.data


def test_a_png_stays_a_png():
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(out, "PNG")
    picture = checked_picture(out.getvalue())
    assert picture is not None and (picture.content_type, picture.extension) == ("image/png", "png")
    assert _opened(picture.data).size == (30, 20)


@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff\xe0" + b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # the magic bytes and nothing of a picture
    _jpeg()[:300],  # cut short
    b"\x89PNG\r\n\x1a\n" + b"<html></html>",
    b"GIF89a" + b"\x00" * 50,
    b"",
], ids=["jpeg-magic-then-html", "jpeg-magic-then-zeros", "truncated-jpeg", "png-magic-then-html", "gif", "empty"])
def test_what_does_not_decode_is_not_kept(data):
    assert checked_picture(data) is None


def test_what_follows_a_picture_is_dropped():
    picture = checked_picture(_jpeg() + b"<html><body>not a picture</body></html>")
    assert picture is not None and b"<html>" not in picture.data


def test_a_decompression_bomb_is_refused_from_its_header():
    assert checked_picture(_png_claiming(100_000, 100_000)) is None  # 10 billion pixels in 300 bytes
    assert checked_picture(_png_claiming(5_000, 5_000)) is None  # more than a PNG may have to be decoded


def test_a_jpeg_of_more_pixels_than_are_kept_is_decoded_at_a_smaller_scale():
    picture = checked_picture(_jpeg((4200, 4200), mode="L"))  # 17.6 million pixels
    assert picture is not None
    width, height = _opened(picture.data).size
    assert (width, height) == (2100, 2100) and width * height <= MAX_KEPT_PIXELS


@hypothesis_settings(max_examples=60, deadline=None)
@given(magic=st.sampled_from([b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n"]),
       tail=st.binary(max_size=400))
def test_any_bytes_are_either_refused_or_kept_as_a_picture_that_decodes(magic, tail):
    picture = checked_picture(magic + tail)
    if picture is not None:
        assert _opened(picture.data).format in ("JPEG", "PNG")


# --------------------------------------------------------------------------- from LINE, end to end


@pytest.fixture
def settings(settings: Settings) -> Settings:  # the suite's settings, with a 1 MB limit for pictures
    return settings.with_(upload_max_bytes=LIMIT)


@pytest.fixture
def volunteer(db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", created_at=clock.now()))
        session.commit()


def _send_picture(line, message_id: str) -> str:  # type: ignore[no-untyped-def]
    return texts(line.send("message", user=VOLUNTEER, message=ev.image_message(message_id)))


def _photos(db) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(FieldUpdate.photos)).scalar_one()


@pytest.mark.parametrize("declared", [True, False], ids=["with-its-length", "chunked"])
def test_a_picture_past_the_limit_is_cut_off_not_read_to_the_end(line, fake, db, volunteer, settings, declared):
    line.say("#อัปเดต เยี่ยมบ้าน ไม่พบผู้กู้", user=VOLUNTEER)
    huge = ev.new_message_id()
    fake.put_generated_content(huge, _jpeg(), 32 * LIMIT, "image/jpeg", declare_length=declared)
    assert "ใหญ่เกิน 1 MB" in _send_picture(line, huge)
    served = fake.content_served(huge)
    assert served["finished"] and not served["complete"]  # the app hung up …
    assert served["sent"] < served["size"] // 2  # … long before the end (what was sent sat in socket buffers)
    assert _photos(db) == [] and not list(Path(settings.uploads_dir).rglob("*.*"))
    # and the connection it closed is not reused half-read: the next picture comes through whole
    small = ev.new_message_id()
    fake.put_content(small, _jpeg(), "image/jpeg")
    assert "แนบรูป" in _send_picture(line, small)
    assert fake.content_served(small)["complete"]


def test_jpeg_magic_bytes_followed_by_html_are_refused_and_nothing_is_kept(line, fake, db, volunteer, settings):
    line.say("#อัปเดต เยี่ยมบ้าน ไม่พบผู้กู้", user=VOLUNTEER)
    forged = ev.new_message_id()
    fake.put_content(forged, b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "image/jpeg")
    reply = _send_picture(line, forged)
    assert "เปิดเป็นรูปไม่ได้" in reply and "JPEG หรือ PNG" in reply
    assert _photos(db) == [] and not list(Path(settings.uploads_dir).rglob("*.*"))


def test_a_real_photo_is_kept_decoded_and_without_its_exif(line, fake, db, volunteer, settings):
    line.say("#อัปเดต เยี่ยมบ้าน ไม่พบผู้กู้", user=VOLUNTEER)
    exif = Image.Exif()
    exif[MODEL] = "Phone of the volunteer"
    photo = ev.new_message_id()
    fake.put_content(photo, _jpeg((64, 48), exif=exif), "image/jpeg")
    assert "แนบรูป" in _send_picture(line, photo)
    [kept] = _photos(db)
    path = Path(str(kept["path"]))
    assert path.is_relative_to(settings.uploads_dir) and path.suffix == ".jpg"
    assert kept["content_type"] == "image/jpeg" and kept["bytes"] == path.stat().st_size
    stored = _opened(path.read_bytes())
    assert stored.format == "JPEG" and stored.size == (64, 48) and not dict(stored.getexif())
    # quick enough here that no loading animation was called for (LOADING_AFTER_SECONDS, a second)
    assert fake.requests("/v2/bot/chat/loading/start") == []


def _slow_photo(settings, clock, fake, *, arrives_after: float) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """A volunteer's photo for an update, LINE's data host taking `arrives_after` seconds to send it, with
    LOADING_AFTER_SECONDS at 0.1: the loading animations asked for before the reply (there must be one)."""
    with served(create_app(settings.with_(loading_after_seconds=0.1), clock=clock), fake, SECRET) as chat:
        chat.say("#อัปเดต เยี่ยมบ้าน ไม่พบผู้กู้", user=VOLUNTEER)
        photo = ev.new_message_id()
        fake.put_content(photo, _jpeg((64, 48)), "image/jpeg")
        fake.inject(f"/v2/bot/message/{photo}/content", 200, delay=arrives_after, accept=True)
        event = chat.event("message", user=VOLUNTEER, message=ev.image_message(photo))
        chat.deliver(event)
        assert "แนบรูป" in texts(chat.replies_to(event))
    first = before_the_reply(fake, "/v2/bot/chat/loading/start", event)
    assert first == fake.requests("/v2/bot/chat/loading/start")  # none after the reply
    return first


def test_a_photo_slow_to_arrive_shows_the_loading_animation_before_the_answer(app, settings, clock, fake, volunteer):
    """LINE's data host takes its time with the picture: the animation shows meanwhile (issue 15, item 9),
    once the answer has taken longer than LOADING_AFTER_SECONDS, and it lands before the reply."""
    [loading] = _slow_photo(settings, clock, fake, arrives_after=1.5)
    assert loading["status"] == 202 and loading["body"] == {"chatId": VOLUNTEER, "loadingSeconds": 20}


def test_an_animation_still_being_started_lands_before_the_reply(app, settings, clock, fake, volunteer):
    """The answer was ready while LINE was still taking the animation's call: the reply waits for that
    call (at most its short timeout), as an animation started after the reply would spin on alone."""
    fake.inject("/v2/bot/chat/loading/start", 202, body={}, delay=1.2)
    [loading] = _slow_photo(settings, clock, fake, arrives_after=0.5)
    assert loading["status"] == 202
