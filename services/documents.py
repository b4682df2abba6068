"""Documents and photos kept under UPLOADS_DIR: checking an upload, storing it by its hash, finding it again.

A document's file is named by the SHA-256 of its bytes (`documents/ab/abcd…`), so the same
file uploaded twice is kept once, and no part of any path comes from what a browser sent.
Each upload is a `Document` row; the caller owns the transaction (the file is written
before the row is added, and only once every check has passed).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.documents import JPEG, PNG, safe_filename, sniff
from models import Document, FieldUpdate, Membership
from models.console import DOCUMENT_KINDS

DOCUMENTS_FOLDER = "documents"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


class Refused(ValueError):
    """An upload that is not kept, and why (for a precise answer): no_file, empty, too_large,
    wrong_type, image_too_big, kind, contract."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def picture_decodes(data: bytes, content_type: str) -> bool:
    """Whether Pillow reads the bytes through as a picture of that type (not HTML behind a JPEG header).

    A picture of more pixels than Pillow's decompression-bomb limit raises DecompressionBombWarning
    (made an error here) or DecompressionBombError: refused as too big.
    """
    # Imported when a picture is checked: Pillow costs every web worker about 2 MB (bench/import_rss.py)
    # that the webhook's text messages never use.
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != _PILLOW_FORMATS[content_type]:
                    return False
                if content_type == JPEG:  # decode at 1/8 scale: every byte is still read, in little memory
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise Refused("image_too_big") from None
        except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
            return False
    return True


def checked_type(data: bytes, *, max_bytes: int) -> str:
    """The content type of an upload that may be kept; Refused otherwise."""
    if not data:
        raise Refused("empty")
    if len(data) > max_bytes:
        raise Refused("too_large")
    content_type = sniff(data)
    if content_type is None or (content_type in _PILLOW_FORMATS and not picture_decodes(data, content_type)):
        raise Refused("wrong_type")
    return content_type


def document_path(uploads_dir: str, sha256: str) -> Path:
    """Where the file with this hash is kept; built only from the hash (anything else is refused)."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 in hex")
    return Path(uploads_dir) / DOCUMENTS_FOLDER / sha256[:2] / sha256


def _keep(path: Path, data: bytes) -> None:
    """Write the file once: to a temporary name beside it, then renamed into place (never half a file)."""
    if path.is_file() and path.stat().st_size == len(data):
        return  # the same bytes, kept before
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def store_document(session: Session, uploads_dir: str, data: bytes, *, kind: str, filename: str,
                   contract_id: int | None, person_id: int | None, uploaded_by: str, now: datetime,
                   max_bytes: int) -> Document:
    """Check an upload, keep its bytes by their hash and add its row; Refused (and nothing written) when bad."""
    if kind not in DOCUMENT_KINDS:
        raise Refused("kind")
    if contract_id is None and person_id is None:
        raise ValueError("a document is about a contract or a person")
    content_type = checked_type(data, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    _keep(document_path(uploads_dir, digest), data)
    document = Document(contract_id=contract_id, person_id=person_id, kind=kind,
                        filename=safe_filename(filename, content_type), content_type=content_type, size=len(data),
                        sha256=digest, uploaded_by=uploaded_by[:200], uploaded_at=now)
    session.add(document)
    session.flush()
    return document


def document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def document_file(uploads_dir: str, found: Document) -> Path | None:
    """The kept file of a document, if it is there (a row whose hash is not a hash names no file)."""
    try:
        path = document_path(uploads_dir, found.sha256)
    except ValueError:
        return None
    return path if path.is_file() else None


def people_concerned(session: Session, contract_id: int | None, person_id: int | None) -> list[int]:
    """Whose personal data a document or an update is: the people on its contract, and its person."""
    people = list(session.scalars(select(Membership.person_id).where(Membership.contract_id == contract_id)
                                  .order_by(Membership.id))) if contract_id is not None else []
    return list(dict.fromkeys([*people, *([person_id] if person_id is not None else [])]))


def photo_file(uploads_dir: str, update: FieldUpdate, index: int) -> tuple[Path, str] | None:
    """The file and content type of an update's photo, only if it lies in that update's own
    folder under UPLOADS_DIR (resolved, so neither `..` nor a symbolic link leads out of it)."""
    photos: Sequence[object] = update.photos or []
    if not 0 <= index < len(photos):
        return None
    entry = photos[index]
    if not isinstance(entry, dict):
        return None
    raw, content_type = entry.get("path"), entry.get("content_type")
    if not isinstance(raw, str) or not raw or "\x00" in raw or content_type not in _PILLOW_FORMATS:
        return None
    folder = (Path(uploads_dir) / str(update.id)).resolve()
    path = Path(raw).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return path, content_type
