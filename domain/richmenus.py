"""Rich menus, the rules without the pictures: which menu a person sees, how a menu's areas tile
its image, and the limits LINE sets on a rich menu.

A person's roles decide their menu: no role is a guest (LINE's default menu, nothing linked
to them), one role is that role's menu, and a staff role held with the debtor role gives two
menus joined by tabs, the staff role's first. A menu is named by a key: the role whose menu it
is, and for a tabbed menu the other role (`officer-with-debtor`, `debtor-with-officer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GUEST = "guest"
DEBTOR = "debtor"
STAFF_ROLES = ("officer", "volunteer")
ROLES = (DEBTOR, *STAFF_ROLES)

# LINE's limits on a rich menu (Messaging API reference, "Rich menu object" and "Upload rich menu image")
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT = 800, 2500, 250
MIN_RATIO = 1.45  # width / height
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg")
MAX_AREAS = 20
MAX_CHAT_BAR_TEXT = 14
MAX_NAME = 300
MAX_ACTION_LABEL = 20
MAX_TEXT = 300  # a message action's text, a postback's data or display text
ALIAS_ID = re.compile(r"[a-z0-9_-]{1,32}")
RICH_MENU_ACTIONS = ("postback", "message", "uri", "datetimepicker", "richmenuswitch")


@dataclass(frozen=True, order=True)
class MenuKey:
    """One menu: whose (`role`) and, on a tabbed menu, the other role a tab switches to."""

    role: str
    other: str | None = None

    @property
    def key(self) -> str:
        return self.role if self.other is None else f"{self.role}-with-{self.other}"

    @property
    def tabs(self) -> tuple[str, ...]:
        """The tabs along the top, the staff role's first; () for a menu without tabs."""
        if self.other is None:
            return ()
        return (self.role, self.other) if self.role in STAFF_ROLES else (self.other, self.role)

    @classmethod
    def parse(cls, key: str) -> MenuKey | None:
        """The menu a key names, if it is one of ALL_MENUS."""
        return next((menu for menu in ALL_MENUS if menu.key == key), None)


def roles_of(staff_role: str | None, debtor: bool) -> tuple[str, ...]:
    """A person's roles, in the order their menus come: the staff role, then the debtor's."""
    return (*((staff_role,) if staff_role in STAFF_ROLES else ()), *((DEBTOR,) if debtor else ()))


def menus_for(roles: Sequence[str]) -> tuple[MenuKey, ...]:
    """The menus a person with these roles may see, the one linked first; () for a guest."""
    if not roles:
        return ()
    if len(roles) == 1:
        return (MenuKey(roles[0]),)
    first, second = roles[0], roles[1]
    return MenuKey(first, second), MenuKey(second, first)


def wanted_menu(roles: Sequence[str], showing: str | None) -> str | None:
    """The key of the menu to link: the tab they switched to while it is still theirs, else their
    first menu; None (nothing linked: LINE shows the default, the guest menu) for a guest."""
    mine = menus_for(roles)
    if not mine:
        return None
    keys = [menu.key for menu in mine]
    return showing if showing in keys else keys[0]


ALL_MENUS: tuple[MenuKey, ...] = (
    MenuKey(GUEST), MenuKey(DEBTOR), *(MenuKey(role) for role in STAFF_ROLES),
    *(menu for role in STAFF_ROLES for menu in menus_for((role, DEBTOR))),
)


@dataclass(frozen=True)
class Bounds:
    """A tappable rectangle of the image, in its pixels."""

    x: int
    y: int
    width: int
    height: int

    def as_json(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


def split(start: int, length: int, parts: int) -> list[tuple[int, int]]:
    """`length` pixels from `start` cut into `parts` runs (start, size) that tile it exactly."""
    if parts < 1:
        raise ValueError("at least one part")
    edges = [start + length * i // parts for i in range(parts + 1)]
    return [(edges[i], edges[i + 1] - edges[i]) for i in range(parts)]


def grid(width: int, top: int, height: int, row_sizes: Sequence[int]) -> list[list[Bounds]]:
    """Rows of equal height from `top` down `height` pixels, row i cut into row_sizes[i] equal cells."""
    rows = split(top, height, len(row_sizes))
    return [[Bounds(x, y, w, h) for x, w in split(0, width, count)]
            for (y, h), count in zip(rows, row_sizes, strict=True)]


def rich_menu_problems(body: Mapping[str, Any], aliases: Iterable[str] = ()) -> list[str]:
    """What LINE would refuse in a rich menu object (and in the alias ids it is to get)."""
    problems: list[str] = []
    size = body.get("size") or {}
    width, height = size.get("width"), size.get("height")
    if not (isinstance(width, int) and isinstance(height, int)):
        return ["size: width and height must be whole pixels"]
    if not MIN_WIDTH <= width <= MAX_WIDTH or height < MIN_HEIGHT or width / height < MIN_RATIO:
        problems.append(f"size: {width}x{height} is not {MIN_WIDTH}-{MAX_WIDTH} wide, at least {MIN_HEIGHT} "
                        f"high, with width/height at least {MIN_RATIO}")
    name, chat_bar = body.get("name") or "", body.get("chatBarText") or ""
    if not 1 <= len(name) <= MAX_NAME:
        problems.append(f"name: 1 to {MAX_NAME} characters")
    if not 1 <= len(chat_bar) <= MAX_CHAT_BAR_TEXT:
        problems.append(f"chatBarText: 1 to {MAX_CHAT_BAR_TEXT} characters, not {len(chat_bar)}")
    areas = body.get("areas") or []
    if not 1 <= len(areas) <= MAX_AREAS:
        problems.append(f"areas: 1 to {MAX_AREAS}, not {len(areas)}")
    for index, area in enumerate(areas):
        problems += [f"areas[{index}].{p}" for p in _area_problems(area, width, height)]
    problems += [f"alias {alias!r}: [a-z0-9_-], 1 to 32 characters" for alias in aliases
                 if not ALIAS_ID.fullmatch(alias)]
    return problems


def image_problems(width: int, height: int, image_size: tuple[int, int], data_bytes: int,
                   content_type: str) -> list[str]:
    """What LINE would refuse in a rich menu's image: its type, its weight, its size against the menu's."""
    problems = []
    if content_type not in IMAGE_TYPES:
        problems.append(f"image: {content_type} is not PNG or JPEG")
    if data_bytes > MAX_IMAGE_BYTES:
        problems.append(f"image: {data_bytes} bytes, over {MAX_IMAGE_BYTES}")
    if image_size != (width, height):
        problems.append(f"image: {image_size[0]}x{image_size[1]}, not the menu's {width}x{height}")
    return problems


def _area_problems(area: Mapping[str, Any], width: int, height: int) -> list[str]:
    problems = []
    b = area.get("bounds") or {}
    x, y, w, h = (b.get(k) for k in ("x", "y", "width", "height"))
    if not all(isinstance(v, int) for v in (x, y, w, h)):
        return ["bounds: x, y, width, height in whole pixels"]
    assert isinstance(x, int) and isinstance(y, int) and isinstance(w, int) and isinstance(h, int)
    if x < 0 or y < 0 or w < 1 or h < 1 or x + w > width or y + h > height:
        problems.append(f"bounds: ({x}, {y}, {w}, {h}) outside the {width}x{height} menu")
    action = area.get("action") or {}
    kind = action.get("type")
    if kind not in RICH_MENU_ACTIONS:
        return [*problems, f"action.type: {kind!r} is not one of {', '.join(RICH_MENU_ACTIONS)}"]
    if len(action.get("label") or "") > MAX_ACTION_LABEL:
        problems.append(f"action.label: at most {MAX_ACTION_LABEL} characters")
    needs = {"message": ("text",), "postback": ("data",), "richmenuswitch": ("richMenuAliasId", "data")}
    for field in needs.get(kind, ()):
        value = action.get(field)
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT:
            problems.append(f"action.{field}: 1 to {MAX_TEXT} characters")
    if kind == "richmenuswitch" and not ALIAS_ID.fullmatch(str(action.get("richMenuAliasId") or "")):
        problems.append("action.richMenuAliasId: [a-z0-9_-], 1 to 32 characters")
    return problems
