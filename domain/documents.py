"""Documents officers upload: what the bytes really are, and names that are safe to hand back.

Pure rules of bytes and strings. What a file claims to be (its name, the browser's content
type) is never trusted: only its first and last bytes are.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
CONTENT_TYPES = (PDF, JPEG, PNG)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_KNOWN_SUFFIXES = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}

_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
PDF_EOF_WINDOW = 1024  # a PDF ends with %%EOF, give or take a trailing newline or some padding
JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NAME_LIMIT = 200  # the documents table keeps this many characters of the officer's file name
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]")


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, by their magic numbers: PDF (a header and an %%EOF near
    the end), JPEG or PNG; None for anything else, an empty file included.

    A picture whose first bytes are right may still be something else behind them (HTML with
    a JPEG header): the caller decodes pictures before trusting them.
    """
    if _PDF_HEADER.match(data):
        return PDF if b"%%EOF" in data[-PDF_EOF_WINDOW:] else None
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    return None


def safe_filename(raw: str, content_type: str) -> str:
    """The name to keep and offer back: no folders, no control or shell-special characters,
    at most NAME_LIMIT characters, ending in the extension of what the file really is."""
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if not _invisible(c))  # control, format (RTL override), lone surrogates
    name = _UNSAFE.sub("_", name).strip(" ._")
    kept = next((s for s in _KNOWN_SUFFIXES[content_type] if name.lower().endswith(s)), None)
    if kept is not None:
        stem, suffix = name[:-len(kept)], name[-len(kept):]
    else:  # no extension, or one that is not what the bytes are (`scan.docx` that is a PDF)
        before, dot, ext = name.rpartition(".")
        stem = before if dot and before and 0 < len(ext) <= 5 and ext.isascii() and ext.isalnum() else name
        suffix = EXTENSIONS[content_type]
    stem = stem[:NAME_LIMIT - len(suffix)].rstrip(" ._") or "document"
    return stem + suffix


def _invisible(char: str) -> bool:
    return unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp")


def attachment_header(filename: str, fallback_stem: str) -> str:
    """`Content-Disposition` for a download: an ASCII name for old browsers (`fallback_stem`
    when a Thai name leaves nothing readable), and the real name as RFC 5987 `filename*`,
    percent-encoded UTF-8, so no character of it can end the header or add a parameter."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = "".join(c for c in unicodedata.normalize("NFKD", stem) if c.isascii() and c.isprintable())
    ascii_stem = _UNSAFE.sub("_", ascii_stem).replace("%", "_").strip(" ._")
    if not ascii_stem.strip("-_ ."):
        ascii_stem = fallback_stem
    ascii_ext = "".join(c for c in ext if c.isascii() and c.isalnum())
    ascii_name = f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
