"""The rich menus people tap, as data: each role's buttons (label, picture, what a tap sends), the
tabs of a person with two roles, and the words under the chat bar.

Every button sends a word of messages/commands.py or a payload of messages/payloads.py that the
router answers for that role (tests/test_richmenus.py checks it); `bot.richmenus` draws the
pictures and lays the buttons out. A label is short and may break into two lines with "\\n".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.field import UPDATE_TAGS
from domain.richmenus import DEBTOR, GUEST, MenuKey
from messages import commands as words
from messages.payloads import MenuTab


@dataclass(frozen=True)
class Button:
    """One tappable area: its label (Thai, drawn large), its picture, and the word it sends."""

    label: str
    icon: str  # a picture bot.richmenu_art draws: id_card, heart, bank, phone, question, coins, ...
    word: str

    def action(self) -> dict[str, Any]:
        """The LINE action of the area: the word, sent as if typed (people see it in the chat)."""
        return {"type": "message", "label": one_line(self.label)[:20], "text": self.word}


# The buttons of each role's menu, row by row (a row of two buttons draws them wider).
MENUS: dict[str, tuple[tuple[Button, ...], ...]] = {
    GUEST: (
        (Button("ยืนยันตัวตน", "id_card", words.VERIFY[0]),
         Button("มาตรการ\nช่วยเหลือ", "heart", words.RELIEF[0])),
        (Button("วิธีชำระเงิน", "bank", words.PAY[1]),
         Button("ติดต่อ\nเจ้าหน้าที่", "phone", words.CONTACT[0]),
         Button("ช่วยเหลือ", "question", words.HELP[0])),
    ),
    DEBTOR: (
        (Button("ยอดหนี้", "coins", words.BALANCE[0]),
         Button("วิธีชำระเงิน", "bank", words.PAY[1]),
         Button("นัดหมาย", "calendar", words.APPOINTMENT[0])),
        (Button("มาตรการ\nช่วยเหลือ", "heart", words.RELIEF[0]),
         Button("ติดต่อ\nเจ้าหน้าที่", "phone", words.CONTACT[0]),
         Button("ช่วยเหลือ", "question", words.HELP[0])),
    ),
    "officer": (
        (Button("รายการ\nวันนี้", "list", words.TODAY[0]),
         Button("ค้นหา", "search", words.FIND[0]),
         Button("บันทึก\nเยี่ยม", "house", words.VISIT[0])),
        (Button("นัดหมาย", "calendar", words.APPOINTMENT[0]),
         Button("เข้าระบบ\nเว็บ", "screen", words.CONSOLE[0]),
         Button("ช่วยเหลือ", "question", words.HELP[0])),
    ),
    "volunteer": (
        (Button("ส่งข่าว\nจากพื้นที่", "megaphone", UPDATE_TAGS[0]),
         Button("ติดต่อ\nเจ้าหน้าที่", "phone", words.CONTACT[0])),
        (Button("มาตรการ\nช่วยเหลือ", "heart", words.RELIEF[0]),
         Button("วิธีชำระเงิน", "bank", words.PAY[1]),
         Button("ช่วยเหลือ", "question", words.HELP[0])),
    ),
}

# What each role's tab says, on the menu of a person with two roles.
TAB_LABELS = {"officer": "เจ้าหน้าที่", "volunteer": "อาสาสมัคร", DEBTOR: "เงินกู้ของฉัน"}

CHAT_BAR_TEXT = "เมนู"  # under the chat, where the menu opens and closes (LINE allows 14 characters)


def buttons(menu: MenuKey) -> tuple[tuple[Button, ...], ...]:
    """The rows of buttons of a menu (a tabbed menu shows the buttons of its own role)."""
    return MENUS[menu.role]


def tab_action(target: MenuKey, alias_id: str) -> dict[str, Any]:
    """A tab's action: LINE switches to the menu behind `alias_id` and tells the bot which one."""
    return {"type": "richmenuswitch", "label": TAB_LABELS[target.role], "richMenuAliasId": alias_id,
            "data": MenuTab(menu=target.key).pack()}


def one_line(label: str) -> str:
    return " ".join(label.split())
