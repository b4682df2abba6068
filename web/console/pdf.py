"""PDFs the console prints: A4 pages in Sarabun, embedded and shaped, so Thai reads right anywhere.

Sarabun comes from its package (fontpkg-sarabun, OFL); fpdf2 embeds the glyphs used and shapes
the text with HarfBuzz (uharfbuzz), so vowels and tone marks sit where Thai puts them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import fontpkg_sarabun

if TYPE_CHECKING:
    from fpdf import FPDF

from messages.forms import SIGN, TICK, Form, Letter

FONT = "Sarabun"
FONT_FILES = fontpkg_sarabun.ROOT / "files"
MARGIN = 20  # mm
LINE = 7  # mm, for 14-point text
logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph at INFO


def new_pdf(title: str, *, landscape: bool = False) -> FPDF:
    from fpdf import FPDF  # when a PDF is made: fpdf2 and fontTools cost every web worker about 22 MB

    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.set_title(title)
    pdf.set_creator("wdf-line-bot")
    pdf.add_font(FONT, "", FONT_FILES / "Sarabun-Regular.ttf")
    pdf.add_font(FONT, "B", FONT_FILES / "Sarabun-Bold.ttf")
    pdf.set_text_shaping(True)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()
    pdf.set_font(FONT, size=14)
    return pdf


def heading(pdf: FPDF, text: str, size: int = 20) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=14)
    pdf.ln(4)


def paragraph(pdf: FPDF, text: str, *, indent: bool = True) -> None:
    pdf.multi_cell(0, LINE, (" " * 12 if indent else "") + text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _signatures(pdf: FPDF, signatures: Sequence[tuple[str, str]]) -> None:
    half = (pdf.w - 2 * MARGIN) / 2
    for what, name in signatures:
        if pdf.will_page_break(3 * LINE):
            pdf.add_page()
        pdf.set_x(MARGIN + half - 10)
        pdf.cell(half + 10, LINE, f"{SIGN} {'.' * 36} {what}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(MARGIN + half - 10)
        pdf.cell(half - 10, LINE, f"({name})", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def form_pdf(form: Form) -> bytes:
    """A form to fill in by hand (or prefilled): its sections with fields, boxes to tick and lines to
    write on, then a line for each signer."""
    pdf = new_pdf(form.title)
    heading(pdf, form.title, size=17)
    for line in form.place_and_date:
        pdf.cell(0, LINE, line, align="R", new_x="LMARGIN", new_y="NEXT")
    writing = pdf.w - 2 * MARGIN
    for section in form.sections:
        if pdf.will_page_break(3 * LINE):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(0, LINE, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=13)
        for label, value in section.fields:
            pdf.multi_cell(0, LINE, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        for line in section.text.splitlines():
            pdf.multi_cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")
        for choice in section.choices:
            pdf.set_x(MARGIN + 6)
            pdf.multi_cell(writing - 6, LINE, f"{TICK} {choice}", new_x="LMARGIN", new_y="NEXT")
        for _ in range(section.lines):
            pdf.cell(0, LINE + 1, "", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=14)
    _signatures(pdf, form.signatures)
    return bytes(pdf.output())


def letter_pdf(letter: Letter) -> bytes:
    """A letter to print and sign: title, where and when, the paragraphs, a line for each signer."""
    pdf = new_pdf(letter.title)
    heading(pdf, letter.title)
    for line in letter.place_and_date:
        pdf.cell(0, LINE, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for text in letter.paragraphs:
        paragraph(pdf, text)
    pdf.ln(4)
    _signatures(pdf, letter.signatures)
    return bytes(pdf.output())


def table_pdf(title: str, lines: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> bytes:
    """A report as a table on landscape A4: the title, a few lines about it, then the rows (first the header)."""
    from fpdf.fonts import FontFace

    pdf = new_pdf(title, landscape=True)
    heading(pdf, title, size=18)
    for line in lines:
        pdf.cell(0, LINE, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    first_width = 1.6
    widths = (first_width, *([1.0] * (len(rows[0]) - 1))) if rows else ()
    with pdf.table(col_widths=widths, text_align=("LEFT", *(["RIGHT"] * (len(widths) - 1))),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
                   line_height=7) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(str(value))
    if note:
        pdf.ln(4)
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 6, note, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
