"""The pictures of the rich menus, drawn with Pillow when they are deployed.

One layout per menu (`layout`): 2500×1686 pixels, the tabs of a person with two roles along the
top, the role's buttons below in rows. Each button is a white tile with a round picture drawn
from simple shapes (no emoji font needed) and its Thai label large and dark, in Sarabun (the
Thai government's typeface, from the `fontpkg-sarabun` package, so the drawing is the same on
every machine). Drawn at twice the size and scaled down, for smooth edges.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import fontpkg_sarabun

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

from domain.richmenus import GUEST, Bounds, MenuKey, grid
from messages.richmenus import TAB_LABELS, Button, buttons

WIDTH, HEIGHT = 2500, 1686
TAB_HEIGHT = 250
SCALE = 2  # drawn at twice the size, then scaled down: smooth circles and lines
LABEL_SIZE = 150  # font size in pixels of the final image: Thai letters about 100 pixels tall
MIN_LABEL_SIZE = 110
TAB_SIZE = 110
LINE_STEP = 1.2  # from one line's middle to the next's, in font sizes
FONT_FILE = Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Bold.ttf"

INK = "#1B1B1B"
WHITE = "#FFFFFF"
# (deep colour for pictures and tabs, light colour behind the tiles) per role
COLOURS = {
    GUEST: ("#0B7A3E", "#DDEFE3"),
    "debtor": ("#0B7A3E", "#DDEFE3"),
    "officer": ("#1D4E9E", "#DCE5F4"),
    "volunteer": ("#A34A06", "#F6E6D8"),
}


@dataclass(frozen=True)
class Layout:
    """Where everything of one menu goes, in pixels of the final image."""

    menu: MenuKey
    tabs: tuple[tuple[MenuKey, Bounds], ...]  # the other menus' tabs and the menu's own
    cells: tuple[tuple[Button, Bounds], ...]

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT


def layout(menu: MenuKey) -> Layout:
    """The tabs along the top (if any) and the buttons in rows below."""
    rows = buttons(menu)
    top = TAB_HEIGHT if menu.tabs else 0
    cells = grid(WIDTH, top, HEIGHT - top, [len(row) for row in rows])
    tabs: tuple[tuple[MenuKey, Bounds], ...] = ()
    if menu.tabs:
        first, second = menu.tabs
        strip = grid(WIDTH, 0, TAB_HEIGHT, [2])[0]
        mine = {menu.role: menu, menu.other: MenuKey(menu.other or "", menu.role)}
        tabs = ((mine[first], strip[0]), (mine[second], strip[1]))
    return Layout(menu, tabs, tuple((button, bounds) for row, line in zip(rows, cells, strict=True)
                                    for button, bounds in zip(row, line, strict=True)))


def draw(plan: Layout) -> bytes:
    """The menu's picture as PNG bytes (well under LINE's 1 MB: a few flat colours)."""
    return _draw(plan)


@lru_cache(maxsize=16)
def _draw(plan: Layout) -> bytes:  # the same menu is drawn once per process (tests, the demo)
    # Pillow is imported when a menu is drawn (rarely: when menus are deployed), not by every web
    # worker that imports this module (about 2 MB each, bench/import_rss.py).
    from PIL import Image, ImageDraw

    deep, light = COLOURS[plan.menu.role]
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), light)
    pen = ImageDraw.Draw(image)
    for target, bounds in plan.tabs:
        _tab(pen, target, _scaled(bounds), selected=target == plan.menu)
    for button, bounds in plan.cells:
        _tile(pen, button, _scaled(bounds), deep)
    out = io.BytesIO()
    # 2×2 pixels averaged into one; then the few colours a menu has (a phone on a slow line loads
    # a 70 kB picture, not a 300 kB one)
    small = image.reduce(SCALE).quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    small.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _scaled(b: Bounds) -> Bounds:
    return Bounds(b.x * SCALE, b.y * SCALE, b.width * SCALE, b.height * SCALE)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT_FILE.is_file():
        raise FileNotFoundError(f"the rich menus' font is missing: {FONT_FILE} (pip install fontpkg-sarabun)")
    from PIL import ImageFont  # as in _draw

    return ImageFont.truetype(str(FONT_FILE), size * SCALE, layout_engine=ImageFont.Layout.RAQM)


def _tab(pen: ImageDraw.ImageDraw, target: MenuKey, b: Bounds, *, selected: bool) -> None:
    deep, light = COLOURS[target.role]
    gap = 10 * SCALE
    box = (b.x + gap, b.y + gap, b.x + b.width - gap, b.y + b.height + (0 if selected else -gap))
    pen.rounded_rectangle(box, radius=40 * SCALE, fill=WHITE if selected else deep,
                          corners=(True, True, not selected, not selected))
    if selected:  # the chosen tab opens into the menu below it, marked by a bar in its colour
        pen.rectangle((box[0], box[1], box[2], box[1] + 16 * SCALE), fill=deep)
    label = TAB_LABELS[target.role]
    _lines(pen, [label], (b.x + b.width // 2, b.y + b.height // 2 + (gap // 2 if selected else 0)),
           TAB_SIZE, b.width - 4 * gap, deep if selected else WHITE)


def _tile(pen: ImageDraw.ImageDraw, button: Button, b: Bounds, deep: str) -> None:
    """A white tile: the picture in a circle above, the label below; every tile of a row alike."""
    gap = 12 * SCALE
    pen.rounded_rectangle((b.x + gap, b.y + gap, b.x + b.width - gap, b.y + b.height - gap),
                          radius=48 * SCALE, fill=WHITE)
    room = int(2 * LABEL_SIZE * LINE_STEP * SCALE)  # two lines, whether or not this label has two
    margin, space = b.height * 7 // 100, b.height * 4 // 100
    radius = min((b.height - 2 * margin - space - room) // 2, b.width // 5)
    cx, cy = b.x + b.width // 2, b.y + margin + radius
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=deep)
    ICONS[button.icon](pen, cx, cy, radius * 6 // 10, deep)
    text_top = cy + radius + space
    _lines(pen, button.label.split("\n"), (cx, (text_top + b.y + b.height - margin) // 2), LABEL_SIZE,
           b.width - 8 * gap, INK)


def _lines(pen: ImageDraw.ImageDraw, lines: list[str], centre: tuple[int, int], size: int, room: int,
           colour: str) -> None:
    """Lines of text centred on `centre`, smaller only if the widest would not fit in `room`."""
    font = _font(size)
    while size > MIN_LABEL_SIZE and max(font.getlength(line) for line in lines) > room:
        size -= 5
        font = _font(size)
    step = int(size * LINE_STEP * SCALE)
    first = centre[1] - step * (len(lines) - 1) // 2
    for index, line in enumerate(lines):
        pen.text((centre[0], first + index * step), line, font=font, fill=colour, anchor="mm")


# --- the pictures: white shapes inside a circle of radius r*10/6 around (x, y) -------------------

Icon = Callable[["ImageDraw.ImageDraw", int, int, int, str], None]  # pen, centre x and y, size, the circle's colour


def _id_card(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    w = r // 12
    pen.rounded_rectangle((x - r, y - r * 2 // 3, x + r, y + r * 2 // 3), radius=r // 6, outline=WHITE, width=w)
    pen.ellipse((x - r * 2 // 3, y - r // 3, x - r // 6, y + r // 6), fill=WHITE)
    pen.pieslice((x - r * 3 // 4, y + r // 6, x - r // 12, y + r * 2 // 3), 180, 360, fill=WHITE)
    for dy in (-r // 4, r // 12, r * 5 // 12):
        pen.line((x + r // 6, y + dy - r // 12, x + r * 3 // 4, y + dy - r // 12), fill=WHITE, width=w)


def _heart(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    lobe, top, apart = r * 11 // 20, y - r * 3 // 10, r * 9 // 20
    apex = (x, y + r)
    for cx in (x - apart, x + apart):
        pen.ellipse((cx - lobe, top - lobe, cx + lobe, top + lobe), fill=WHITE)
    left, right = (_tangent(apex, (cx, top), lobe, outer) for cx, outer in ((x - apart, 1), (x + apart, -1)))
    pen.polygon([left, (x - apart, top), (x + apart, top), right, apex], fill=WHITE)


def _tangent(p: tuple[int, int], c: tuple[int, int], radius: int, side: int) -> tuple[int, int]:
    """Where a line from `p` touches the circle around `c`, on one side (1) or the other (-1)."""
    dx, dy = c[0] - p[0], c[1] - p[1]
    distance = math.hypot(dx, dy)
    reach = math.sqrt(distance ** 2 - radius ** 2)
    angle = math.atan2(dy, dx) - side * math.asin(radius / distance)
    return round(p[0] + reach * math.cos(angle)), round(p[1] + reach * math.sin(angle))


def _bank(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.polygon([(x - r, y - r // 3), (x, y - r), (x + r, y - r // 3)], fill=WHITE)
    for i in range(4):
        cx = x - r * 3 // 4 + i * r // 2
        pen.rectangle((cx - r // 10, y - r // 4, cx + r // 10, y + r * 3 // 5), fill=WHITE)
    pen.rectangle((x - r, y + r * 7 // 10, x + r, y + r * 9 // 10), fill=WHITE)


def _phone(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.rounded_rectangle((x - r * 11 // 20, y - r, x + r * 11 // 20, y + r), radius=r // 5, fill=WHITE)
    pen.rectangle((x - r * 2 // 5, y - r * 3 // 4, x + r * 2 // 5, y + r // 2), fill=hole)
    pen.ellipse((x - r // 10, y + r * 13 // 20, x + r // 10, y + r * 17 // 20), fill=hole)


def _question(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.text((x, y), "?", font=_font(r * 3 // SCALE), fill=WHITE, anchor="mm")


def _coins(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    h = r // 3
    for i in range(4):
        top = y + r * 2 // 3 - (i + 1) * h
        pen.ellipse((x - r * 4 // 5, top, x + r * 4 // 5, top + h * 3 // 2), fill=WHITE,
                    outline=hole, width=max(2, r // 20))


def _calendar(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.rounded_rectangle((x - r, y - r * 3 // 4, x + r, y + r), radius=r // 6, fill=WHITE)
    pen.rectangle((x - r, y - r * 3 // 4 + r // 6, x + r, y - r // 4), fill=WHITE)
    pen.rectangle((x - r * 4 // 5, y - r // 8, x + r * 4 // 5, y + r * 4 // 5), fill=hole)
    for row in range(2):
        for col in range(3):
            cx, cy = x - r // 2 + col * r // 2, y + r // 8 + row * r * 2 // 5
            pen.rectangle((cx - r // 8, cy - r // 10, cx + r // 8, cy + r // 10), fill=WHITE)
    for dx in (-r // 2, r // 2):
        pen.rounded_rectangle((x + dx - r // 10, y - r, x + dx + r // 10, y - r // 2), radius=r // 20, fill=WHITE)


def _list(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    for i in range(3):
        cy = y - r * 2 // 3 + i * r * 2 // 3
        pen.ellipse((x - r, cy - r // 6, x - r * 2 // 3, cy + r // 6), fill=WHITE)
        pen.rounded_rectangle((x - r // 2, cy - r // 8, x + r, cy + r // 8), radius=r // 16, fill=WHITE)


def _search(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    w = r // 5
    pen.ellipse((x - r, y - r, x + r // 3, y + r // 3), outline=WHITE, width=w)
    pen.line((x + r // 8, y + r // 8, x + r * 9 // 10, y + r * 9 // 10), fill=WHITE, width=w * 3 // 2)


def _house(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.polygon([(x - r * 11 // 10, y - r // 8), (x, y - r), (x + r * 11 // 10, y - r // 8)], fill=WHITE)
    pen.rectangle((x - r * 3 // 4, y - r // 4, x + r * 3 // 4, y + r * 9 // 10), fill=WHITE)
    pen.rectangle((x - r // 5, y + r * 3 // 10, x + r // 5, y + r * 9 // 10), fill=hole)


def _screen(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.rounded_rectangle((x - r, y - r * 3 // 4, x + r, y + r // 2), radius=r // 8, fill=WHITE)
    pen.rectangle((x - r * 17 // 20, y - r * 3 // 5, x + r * 17 // 20, y + r * 7 // 20), fill=hole)
    pen.polygon([(x - r // 4, y + r * 3 // 4), (x + r // 4, y + r * 3 // 4), (x + r // 8, y + r // 2),
                 (x - r // 8, y + r // 2)], fill=WHITE)
    pen.rectangle((x - r // 2, y + r * 3 // 4, x + r // 2, y + r * 9 // 10), fill=WHITE)


def _megaphone(pen: ImageDraw.ImageDraw, x: int, y: int, r: int, hole: str) -> None:
    pen.polygon([(x - r * 3 // 4, y - r // 4), (x + r * 3 // 5, y - r * 4 // 5), (x + r * 3 // 5, y + r * 4 // 5),
                 (x - r * 3 // 4, y + r // 4)], fill=WHITE)
    pen.rectangle((x - r, y - r // 4, x - r * 3 // 5, y + r // 4), fill=WHITE)
    pen.polygon([(x - r * 3 // 4, y + r // 5), (x - r // 3, y + r // 5), (x - r // 6, y + r * 4 // 5),
                 (x - r // 2, y + r * 4 // 5)], fill=WHITE)
    for dy in (-r // 2, 0, r // 2):
        pen.line((x + r * 4 // 5, y + dy * 4 // 5, x + r * 11 // 10, y + dy), fill=WHITE, width=r // 10)


ICONS: dict[str, Icon] = {
    "id_card": _id_card, "heart": _heart, "bank": _bank, "phone": _phone, "question": _question,
    "coins": _coins, "calendar": _calendar, "list": _list, "search": _search, "house": _house,
    "screen": _screen, "megaphone": _megaphone,
}
