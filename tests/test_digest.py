"""The officers' LINE digest: pages of the follow-up list, with room kept for what is not in the register."""

from __future__ import annotations

import json
from datetime import date

from domain.followups import FollowupRow
from messages.followups import digest, shown


def row(reason: str, n: int) -> dict[str, object]:
    return {"project_code": f"PKT-{n:04d}", "project_name": "กลุ่ม", "reason": reason,
            "reason_text": f"{reason} {n}", "next_action": "ทำต่อ"}


def test_a_long_register_list_does_not_push_out_appointments_updates_and_promises() -> None:
    rows = ([row("time_barred", n) for n in range(30)] + [row("in_default", n) for n in range(100, 170)]
            + [row("promise_broken", 900), row("appointment", 901), row("field_update", 902)])
    messages = digest(rows, date(2026, 11, 20), "เมืองภูเก็ต")
    shown = json.dumps([m.to_dict() for m in messages], ensure_ascii=False)
    for kept in ("promise_broken 900", "appointment 901", "field_update 902", "time_barred 0", "in_default 100"):
        assert kept in shown
    assert "in_default 169" not in shown and "แสดง 60 จาก 103 รายการ" in shown
    assert shown.index("time_barred 29") < shown.index("in_default 100") < shown.index("promise_broken 900")


def test_a_short_list_is_shown_whole() -> None:
    rows = [row("in_default", n) for n in range(5)] + [row("field_update", 9)]
    shown = json.dumps([m.to_dict() for m in digest(rows, date(2026, 11, 20), "กะทู้")], ensure_ascii=False)
    assert all(f"in_default {n}" in shown for n in range(5)) and "field_update 9" in shown and "แสดง" not in shown


def test_rows_are_worded_from_their_values() -> None:
    """The stored list keeps values; the sentences officers read are made from them when shown."""
    position = {"overdue_amount": "1234.50", "overdue_installments": 2, "last_payment_date": "2021-12-31",
                "days_to_prescription": 41}
    worded = {reason: shown(FollowupRow({"reason": reason, **position}))["reason_text"]
              for reason in ("time_barred", "prescription_near", "in_default")}
    assert worded == {
        "time_barred": "ขาดอายุความ: ไม่มีการชำระเกิน 5 ปี (ชำระล่าสุด 31 ธ.ค. 2564) ค้าง 1,234.50 บาท",
        "prescription_near": "สิ้นสุดสัญญา: อีก 41 วันจะครบ 5 ปี (31 ธ.ค. 2569) ค้าง 1,234.50 บาท",
        "in_default": "ผิดนัดชำระ 2 งวด รวม 1,234.50 บาท",
    }
    broken = shown(FollowupRow({"reason": "promise_broken", "amount": "500.00", "due_on": "2026-11-30",
                                "paid": "0.00"}, {"officer": "กมลชนก"}))
    assert broken["reason_text"] == ("ยังไม่ได้ตามที่สัญญา: สัญญาว่าจะชำระ 500.00 บาท ภายใน 30 พ.ย. 2569 "
                                     "(บันทึกโดย กมลชนก) ยังไม่พบการชำระ")
    assert broken["next_action"].startswith("สอบถามความเป็นอยู่") and broken["paid"] == "0.00"
