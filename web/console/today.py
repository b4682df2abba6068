"""Today (`/console/`): the whole follow-up list, filtered, searched, paged and exported.

The rows and their order are those of `GET /api/followups` (one service builds both).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.console import Page, page_of
from domain.exports import neutralise_row
from domain.followups import FollowupRow
from domain.textnorm import to_ascii_digits
from domain.xlsx import stream_xlsx
from messages import inbox as inbox_words
from messages.balance import ROLE_NAMES
from messages.console import CLASS_CHOICES, CLASS_SHORT, EXPORT_COLUMNS, EXPORT_SHEET, REASON_CHOICES
from messages.followups import REASON_TITLES, REGISTER_REASON_WORDS, list_behind, shown
from messages.format import thai_date
from services.areas import area_ids_under, child_areas, find_area, ids_below
from services.contracts import project_codes_in
from services.followups import Keep, followup_batches, followup_list, made_at
from services.inbox import InboxItem, open_requests
from services.standing import Narrowing
from web.console.access import audit, db, district_filter, viewer

EXPORT_LIMIT = 200_000
BATCH = 5000  # rows read, worded and written at a time by the exports


@dataclass(frozen=True)
class Filters:
    district: str
    subdistrict: str
    village: str
    debtor_class: int | None
    reason: str
    q: str

    @property
    def narrowing(self) -> bool:
        """Filters beyond the district (`narrowed`)."""
        return bool(self.subdistrict or self.village or self.debtor_class or self.reason or self.q)

    def args(self) -> dict[str, str]:
        values = {"district": self.district, "subdistrict": self.subdistrict, "village": self.village,
                  "class": str(self.debtor_class or ""), "reason": self.reason, "q": self.q}
        return {k: v for k, v in values.items() if v}


def whole_number(raw: str | None) -> int | None:
    text = to_ascii_digits((raw or "").strip())
    return int(text) if text.isdigit() and len(text) < 7 else None


def read_filters() -> Filters:
    args = request.args
    own = viewer().district
    debtor_class = whole_number(args.get("class"))
    reason = args.get("reason", "")
    return Filters(
        district=own or args.get("district", "").strip()[:120],
        subdistrict=args.get("subdistrict", "").strip()[:120],
        village=args.get("village", "").strip()[:120],
        debtor_class=debtor_class if debtor_class in CLASS_SHORT else None,
        reason=reason if reason in REASON_TITLES else "",
        q=args.get("q", "").strip()[:100],
    )


def today() -> date:
    return runtime().clock.now().astimezone(BANGKOK).date()


def words_of(filters: Filters) -> list[str]:
    """The words typed in the search box, as they are compared (ASCII digits, casefolded)."""
    return to_ascii_digits(filters.q).casefold().split()


def matches(row: dict[str, Any], filters: Filters, codes: set[str] | None, words: list[str]) -> bool:
    """Whether a row (as the API shows it) is under the filters. A register row is found by its
    project's code, name and district and its reason's words (`REGISTER_REASON_WORDS`; not its
    figures), exactly as `services.standing.Narrowing` finds a stored one; the other rows also by
    what they say and whose they are. `words`: `words_of(filters)`, worked out once a request."""
    if codes is not None and row.get("project_code") not in codes:
        return False
    if filters.debtor_class and row.get("class") != filters.debtor_class:
        return False
    if filters.reason and row["reason"] != filters.reason:
        return False
    if words:
        if row["reason"] in REGISTER_REASON_WORDS:
            said = [REGISTER_REASON_WORDS[row["reason"]]]
        else:
            said = [row.get("reason_text") or "", (row.get("applicant") or {}).get("name") or ""]
        fields = [row.get("project_code") or "", row.get("project_name") or "", row.get("district") or "", *said]
        return all(any(word in field.casefold() for field in fields) for word in words)
    return True


def chosen_area(filters: Filters) -> list[int] | None:
    """The subdistrict or village chosen and the areas below it (None: no such narrowing; empty:
    no such area)."""
    if not filters.district or not (filters.subdistrict or filters.village):
        return None
    area = find_area(db(), viewer().scope(filters.district) or "", filters.subdistrict, filters.village)
    return [] if area is None else ids_below(db(), area.id)


def narrowed(filters: Filters) -> tuple[Narrowing, Keep] | tuple[None, None]:
    """The filters beyond the district: in SQL for the stored list's rows, and the same test for
    every other row (computed live, and the rows after the register's); (None, None) for none."""
    if not filters.narrowing:
        return None, None
    areas = chosen_area(filters)
    codes = None if areas is None else project_codes_in(db(), areas)
    words = words_of(filters)
    narrowing = Narrowing(reason=filters.reason or None, debtor_class=filters.debtor_class, contract_areas=areas,
                          words=[(word, frozenset(reason for reason, said in REGISTER_REASON_WORDS.items()
                                                  if word in said.casefold())) for word in words])

    def keep(row: FollowupRow) -> bool:
        # a register row is matched on its values alone: only the others need their words made
        register = row.fields["reason"] in REGISTER_REASON_WORDS
        return matches(row.fields if register else shown(row), filters, codes, words)

    return narrowing, keep


def filtered_batches(filters: Filters) -> Iterator[list[dict[str, Any]]]:
    """Every row under the filters (as the API shows them), in the list's order, a batch at a time."""
    narrowing, keep = narrowed(filters)
    for batch in followup_batches(db(), today(), viewer().scope(filters.district), narrowing=narrowing, keep=keep,
                                  batch=BATCH):
        yield [shown(row) for row in batch]


def listing(filters: Filters, wanted: int | None,
            size: int | None) -> tuple[list[dict[str, Any]], Page, datetime | None]:
    """One page of the list, and when its register rows were made if they are the stored list as it
    was (`ListParts.made_at`). Only that page's rows are built, in one read of the list when the
    page asked for exists (the first always does); filters beyond the district narrow the stored
    rows in SQL, so a national list is never read whole to be searched."""
    narrowing, keep = narrowed(filters)
    guess = page_of(wanted, size, 1 << 62)  # the page asked for, if the list is that long
    listed = followup_list(db(), today(), viewer().scope(filters.district), offset=guess.offset, limit=guess.size,
                           counted=False, narrowing=narrowing, keep=keep)
    page = page_of(wanted, size, listed.total)
    if page.offset != guess.offset:  # past the end: the last page
        listed = followup_list(db(), today(), viewer().scope(filters.district), offset=page.offset, limit=page.size,
                               counted=False, narrowing=narrowing, keep=keep)
    return [shown(row) for row in listed.rows], page, listed.made_at


def applicants(rows: list[dict[str, Any]]) -> list[int]:
    return [int(r["applicant"]["person_id"]) for r in rows if r.get("applicant")]


def area_choices(filters: Filters) -> dict[str, list[Any]]:
    """What the area filters offer: districts (province officers; `district_choices`' words),
    then the areas below the choice."""
    found: dict[str, list[Any]] = {"districts": [], "subdistricts": [], "villages": []}
    found["districts"] = district_filter()
    if filters.district:
        district = find_area(db(), viewer().scope(filters.district) or "")
        if district is not None and district.level == "district":
            found["subdistricts"] = child_areas(db(), district.id)
            subdistrict = find_area(db(), district.id, filters.subdistrict) if filters.subdistrict else None
            if subdistrict is not None and subdistrict.level == "subdistrict":
                found["villages"] = child_areas(db(), subdistrict.id)
    return found


def waiting(filters: Filters) -> list[InboxItem]:
    """Contact requests still open, for the top of the list (none when it is narrowed to a reason, class or search).

    A province officer who chose a district sees that district's.
    """
    if filters.reason or filters.debtor_class or filters.q:
        return []
    scope = viewer().scope(filters.district)
    return open_requests(db(), None if scope is None else area_ids_under(db(), scope), today())


def today_page() -> str:
    filters = read_filters()
    wanted = whole_number(request.args.get("page"))
    size = whole_number(request.args.get("size"))
    rows, page, behind = listing(filters, wanted, size)
    contact_requests = waiting(filters) if page.number == 1 else []
    audit(applicants(rows) + [item.person.id for item in contact_requests if item.person], "console.today")
    db().commit()
    return render_template("console/today.html", rows=rows, page=page, filters=filters, day=thai_date(today()),
                           behind=list_behind(behind) if behind else None,
                           contact_requests=contact_requests, inbox_words=inbox_words, roles=ROLE_NAMES,
                           choices=area_choices(filters), classes=CLASS_CHOICES, reasons=REASON_CHOICES,
                           class_short=CLASS_SHORT, reason_titles=REASON_TITLES,
                           clearable=bool(filters.args()) and filters.args() != {"district": viewer().district})


def export_values(index: int, row: dict[str, Any]) -> list[object]:
    """One row of an export, in EXPORT_COLUMNS order (money as numbers a spreadsheet adds up)."""
    overdue = row.get("overdue_amount")
    principal = row.get("outstanding_principal")
    return neutralise_row([
        index, REASON_TITLES.get(row["reason"], row["reason"]), row.get("project_code") or "",
        row.get("project_name") or "", row.get("district") or "",
        CLASS_SHORT.get(row.get("class") or 0, ""), float(overdue) if overdue else "",
        row.get("overdue_installments") or "", float(principal) if principal else "",
        row.get("last_payment_date") or "", row.get("days_to_prescription") if row.get("days_to_prescription")
        is not None else "", row.get("reason_text") or "", row.get("next_action") or "",
    ])


def exported(audited: str) -> Iterator[list[dict[str, Any]]]:
    """The rows an export writes, a batch at a time (at most EXPORT_LIMIT), each batch's
    people recorded in the audit trail before it is handed on."""
    left = EXPORT_LIMIT
    for batch in filtered_batches(read_filters()):
        batch = batch[:left]
        left -= len(batch)
        people = applicants(batch)  # in practice only the last batch's rows (applications) name people
        if people:
            audit(people, audited)
            db().commit()
        yield batch
        if not left:
            return


def numbered(batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[list[object]]]:
    """Each batch as the export's cells, rows numbered from 1 across batches."""
    index = 0
    for batch in batches:
        yield [export_values(index + n, row) for n, row in enumerate(batch, start=1)]
        index += len(batch)


def filename(extension: str) -> str:
    """`followups-2026-11-30.csv`; rows of the stored list as it was say when it was made:
    `followups-2026-11-30-as-of-2026-11-30T0912.csv`."""
    behind = made_at(db(), today(), viewer().scope(read_filters().district))
    at = f"-as-of-{behind.astimezone(BANGKOK):%Y-%m-%dT%H%M}" if behind else ""
    return f"followups-{today().isoformat()}{at}.{extension}"


def export_csv() -> Response:
    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        out.write("\ufeff")  # Excel reads UTF-8 Thai only with the BOM
        writer.writerow(EXPORT_COLUMNS)
        for batch in numbered(exported("console.export")):
            writer.writerows(batch)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()

    # streamed: the request's context (and its database session) stays open until the last row
    return Response(stream_with_context(lines()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename("csv")}"'})


def export_xlsx() -> Response:
    chunks = stream_xlsx(EXPORT_SHEET, EXPORT_COLUMNS, numbered(exported("console.export")))
    return Response(stream_with_context(chunks),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename("xlsx")}"'})


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/", "today", today_page, methods=["GET"])
    bp.add_url_rule("/export.csv", "export_csv", export_csv, methods=["GET"])
    bp.add_url_rule("/export.xlsx", "export_xlsx", export_xlsx, methods=["GET"])
