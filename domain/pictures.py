"""Pictures people send (a volunteer's photo of a visit): what fetching one from LINE gave, and
which ones we keep.

A picture is kept only once Pillow has decoded it: magic bytes prove nothing (a file of JPEG
magic bytes followed by HTML passed the first check). What is kept is re-encoded from the decoded
pixels, so nothing else the file carried survives: data after the picture, or the EXIF block
with the phone's position and serial number (PDPA: keep no more than the visit needs; the
picture is first turned the way up the phone recorded).

A picture that claims more than MAX_PICTURE_PIXELS is refused from its header, before a pixel is
decoded (a few kilobytes of PNG can claim 100,000 × 100,000 pixels: a decompression bomb; Pillow's
own DecompressionBombError comes only past 179 million). A larger JPEG than MAX_KEPT_PIXELS is
decoded at a half, quarter or eighth of its size (JPEG's DCT scaling, which needs no memory for
the full size) and kept so; a PNG must fit as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

MAX_PICTURE_PIXELS = 64_000_000  # a 50-megapixel phone camera's original fits
MAX_KEPT_PIXELS = 4096 * 4096  # decoded and kept: at most about 64 MB of pixels while decoding
JPEG_QUALITY = 90
_KINDS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class Fetched:
    """What fetching a message's content (a picture) from LINE gave."""

    data: bytes | None = None  # None: LINE did not give it (expired, down, refused)
    too_big: bool = False  # larger than the limit: not read to the end, nothing kept


@dataclass(frozen=True)
class Picture:
    """A decoded picture, re-encoded, ready to keep."""

    data: bytes
    content_type: str
    extension: str


def checked_picture(data: bytes) -> Picture | None:
    """The picture re-encoded from its pixels when the bytes decode as a JPEG or PNG; else None."""
    # Imported when a picture comes: Pillow costs every web worker about 2 MB (bench/import_rss.py)
    # that a text message never uses.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=tuple(_KINDS)) as image:
            if image.width * image.height > MAX_PICTURE_PIXELS:
                return None
            image.verify()  # a PNG's chunks and their checksums, before any pixel is decoded
        with Image.open(io.BytesIO(data), formats=tuple(_KINDS)) as image:
            return _reencoded(image)
    except Exception:  # Pillow raises many kinds for a broken file (OSError, SyntaxError, ValueError …)
        return None


def _reencoded(image: Image.Image) -> Picture | None:
    from PIL import ImageOps  # with Image above, when a picture comes

    kind = image.format or ""
    width, height = image.size
    scale = _scale(width, height) if kind == "JPEG" else 1
    if scale == 0 or (kind == "PNG" and width * height > MAX_KEPT_PIXELS):
        return None
    if scale > 1:
        image.draft("RGB", (width // scale, height // scale))
    image.load()  # decodes every pixel: a truncated or damaged picture raises here
    if image.width * image.height > MAX_KEPT_PIXELS:
        return None
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")  # colours, not personal data: kept
    out = io.BytesIO()
    if kind == "JPEG":
        upright = image if image.mode in ("RGB", "L") else image.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc)
    else:
        image.save(out, "PNG", icc_profile=icc)
    content_type, extension = _KINDS[kind]
    return Picture(out.getvalue(), content_type, extension)


def _scale(width: int, height: int) -> int:
    """The smallest of JPEG's reduced scales (1, 1/2, 1/4, 1/8) at which the picture fits; 0 if none."""
    for scale in (1, 2, 4, 8):
        if -(-width // scale) * -(-height // scale) <= MAX_KEPT_PIXELS:
            return scale
    return 0
