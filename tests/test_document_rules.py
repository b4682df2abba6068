"""Pure rules for uploaded documents: what the bytes are, and names safe to keep and hand back."""

from __future__ import annotations

import re
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from domain.documents import (
    CONTENT_TYPES,
    JPEG,
    NAME_LIMIT,
    PDF,
    PNG,
    attachment_header,
    safe_filename,
    sniff,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def test_the_three_kinds_are_known_by_their_first_bytes() -> None:
    assert sniff(PDF_BYTES) == PDF
    assert sniff(PDF_BYTES + b"\x00" * 900) == PDF  # %%EOF within the last kilobyte
    assert sniff(JPEG_HEAD + b"anything") == JPEG
    assert sniff(PNG_HEAD + b"anything") == PNG


def test_anything_else_is_nothing() -> None:
    for data in (b"", b"%PDF", b"%PDF-1.4 no end", b"%PDF-x.y\n%%EOF", PDF_BYTES + b"\x00" * 2000,
                 b"<html><script>alert(1)</script></html>", b"GIF89a", b"\xff\xd8", b"\x89PNG\r\n",
                 b"PK\x03\x04 a docx", b" %PDF-1.4\n%%EOF"):
        assert sniff(data) is None, data[:20]


@given(st.binary(max_size=64))
def test_bytes_without_a_known_signature_are_refused(data: bytes) -> None:
    known = data.startswith((JPEG_HEAD[:3], PNG_HEAD)) or re.match(rb"%PDF-\d\.\d", data)
    assert (sniff(data) is not None) == bool(known and (not data.startswith(b"%PDF") or b"%%EOF" in data))


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_a_signature_decides_whatever_follows(middle: bytes, tail: bytes) -> None:
    assert sniff(JPEG_HEAD + middle) == JPEG
    assert sniff(PNG_HEAD + middle) == PNG
    assert sniff(b"%PDF-1.7\n" + middle + b"%%EOF" + tail[:10]) == PDF


def test_file_names_lose_folders_and_gain_the_real_extension() -> None:
    assert safe_filename("สัญญากู้ยืมเงิน.pdf", PDF) == "สัญญากู้ยืมเงิน.pdf"
    assert safe_filename("C:\\Users\\พี่\\scan 01.PDF", PDF) == "scan 01.PDF"
    assert safe_filename("../../etc/passwd", PDF) == "passwd.pdf"
    assert safe_filename("photo.jpeg", JPEG) == "photo.jpeg"
    assert safe_filename("report.docx", PDF) == "report.pdf"  # the bytes are a PDF, whatever the name said
    assert safe_filename("payload.html", JPEG) == "payload.jpg"
    assert safe_filename("", PNG) == "document.png"
    assert safe_filename("...", PNG) == "document.png"
    assert safe_filename("a\x00b\r\nc\u202egpj.exe", JPEG) == "abcgpj.jpg"  # no controls, no RTL override
    assert safe_filename('x";filename="evil.pdf', PDF) == "x__filename=_evil.pdf"


@given(st.text(max_size=400), st.sampled_from(CONTENT_TYPES))
def test_a_kept_name_is_short_plain_and_ends_in_what_the_file_is(raw: str, content_type: str) -> None:
    name = safe_filename(raw, content_type)
    assert 0 < len(name) <= NAME_LIMIT
    assert not re.search(r"[\x00-\x1f\x7f\"\\/:*?<>|;]", name)
    assert name.lower().endswith({PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}[content_type])
    assert not name.startswith((".", " "))
    name.encode("utf-8")  # no lone surrogates
    assert safe_filename(name, content_type) == name  # already safe: kept as it is


def test_a_thai_name_downloads_by_rfc_5987_with_an_ascii_fallback() -> None:
    header = attachment_header("หนังสือรับสภาพหนี้.pdf", "document-7")
    assert header == ("attachment; filename=\"document-7.pdf\"; "
                      "filename*=UTF-8''%E0%B8%AB%E0%B8%99%E0%B8%B1%E0%B8%87%E0%B8%AA%E0%B8%B7%E0%B8%AD"
                      "%E0%B8%A3%E0%B8%B1%E0%B8%9A%E0%B8%AA%E0%B8%A0%E0%B8%B2%E0%B8%9E%E0%B8%AB%E0%B8%99"
                      "%E0%B8%B5%E0%B9%89.pdf")
    assert attachment_header("scan 01.pdf", "document-7").startswith('attachment; filename="scan 01.pdf"; ')


@given(st.text(max_size=300), st.sampled_from(CONTENT_TYPES))
def test_no_name_breaks_out_of_the_header(raw: str, content_type: str) -> None:
    name = safe_filename(raw, content_type)
    header = attachment_header(name, "document-1")
    match = re.fullmatch(r"attachment; filename=\"([ -~]*)\"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)", header)
    assert match, header
    assert '"' not in match.group(1) and "\\" not in match.group(1)
    assert unquote(match.group(2), encoding="utf-8", errors="strict") == name
