"""Rich menus on LINE: `richmenu deploy` puts them there, and each person's menu is linked to them.

Deploying is idempotent. Each menu (domain.richmenus.ALL_MENUS) is drawn (bot.richmenu_art) and
hashed with its areas; its name on LINE carries the hash (`wdf-debtor-1a2b3c4d`), so a menu LINE
already has under that name is reused and only a changed menu is made anew. Then each alias
(`wdf-debtor`, what the tabs switch to) is pointed at its menu, the guest menu is made the
default, the ids are recorded, everyone whose linked menu changed is linked to the new one, and
only then are our old menus deleted (one still linked to someone is kept for the next deploy).
A second run with nothing changed reads from LINE and writes nothing.

Linking follows a person's roles. A handler that changes them (verified, role taken or lost,
blocked, back again) marks the person's link due in the same transaction; after the commit the
outbox worker (or, every minute, the clock) links or unlinks their menu here, retrying with the
outbox's backoff while LINE does not answer; `richmenu relink` does it for everyone at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from linebot.v3.messaging import CreateRichMenuAliasRequest, RichMenuRequest, UpdateRichMenuAliasRequest
from sqlalchemy.orm import Session, sessionmaker

from bot.line import LineGateway, SendResult
from bot.outbox import backoff_delay
from bot.richmenu_art import Layout, draw, layout
from config.settings import Settings
from domain.clock import Clock
from domain.richmenus import ALL_MENUS, GUEST, MenuKey, image_problems, rich_menu_problems
from messages.richmenus import CHAT_BAR_TEXT, tab_action
from models.db import session_scope
from services import richmenus

log = logging.getLogger(__name__)

PREFIX = "wdf-"  # every rich menu and alias this product makes is named so; any other is left alone
CLAIM_SECONDS = 60  # a link being made is one worker's for this long


class DeployError(Exception):
    """A menu LINE would refuse, or LINE's refusal; said in words for the command line."""


def alias_of(menu: MenuKey) -> str:
    return PREFIX + menu.key


@dataclass(frozen=True)
class Design:
    """One menu as it goes to LINE: the rich menu object (its name carries the hash) and its picture."""

    menu: MenuKey
    body: dict[str, Any]
    image: bytes
    content_hash: str

    @property
    def name(self) -> str:
        return str(self.body["name"])


def design(menu: MenuKey) -> Design:
    """Lay out, draw and hash one menu; a menu LINE would refuse fails here, before LINE is asked."""
    plan = layout(menu)
    body = {
        "size": {"width": plan.width, "height": plan.height},
        "selected": True,  # open when the chat opens: most people tap, few type
        "chatBarText": CHAT_BAR_TEXT,
        "areas": _areas(plan),
    }
    image = draw(plan)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode() + image).hexdigest()
    body["name"] = f"{PREFIX}{menu.key}-{digest[:8]}"
    problems = rich_menu_problems(body, [alias_of(menu)]) + image_problems(
        plan.width, plan.height, (plan.width, plan.height), len(image), "image/png")
    if problems:
        raise DeployError(f"menu {menu.key}: " + "; ".join(problems))
    return Design(menu, body, image, digest)


def _areas(plan: Layout) -> list[dict[str, Any]]:
    tabs = [{"bounds": bounds.as_json(), "action": tab_action(target, alias_of(target))}
            for target, bounds in plan.tabs if target != plan.menu]  # the tab shown is not a button
    return tabs + [{"bounds": bounds.as_json(), "action": button.action()} for button, bounds in plan.cells]


@dataclass
class DeployReport:
    """What a deploy did, line by line for the command line, and how many writes it made."""

    lines: list[str] = field(default_factory=list)
    writes: int = 0

    def did(self, line: str) -> None:
        self.lines.append(line)
        self.writes += 1


class RichMenus:
    """Deploys the menus and links each person's; one per app instance (bot.runtime)."""

    def __init__(self, sessions: sessionmaker[Session], line: LineGateway, clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.line = line
        self.clock = clock
        self.settings = settings

    # --- deploy ---------------------------------------------------------------------------

    def deploy(self) -> DeployReport:
        """Create or update every menu, its alias and the default; record them; relink; tidy up."""
        report = DeployReport()
        designs = [design(menu) for menu in ALL_MENUS]
        listed = self._get("list the rich menus", lambda a, b, t: a.get_rich_menu_list_with_http_info(
            _request_timeout=t))
        on_line = {menu.name: menu.rich_menu_id for menu in listed.richmenus}
        with self.sessions() as session:
            recorded = {key: (row.rich_menu_id, row.content_hash) for key, row in richmenus.deployed(session).items()}
        ids: dict[str, str] = {}
        for each in designs:
            found = on_line.get(each.name)
            if found is not None and (recorded.get(each.menu.key) == (found, each.content_hash)
                                      or self._has_image(found)):
                ids[each.menu.key] = found
                continue
            if found is not None:  # made by a deploy that stopped before its picture went up
                self._delete(report, f"deleted {each.name} (it had no picture)", found)
                del on_line[each.name]
            ids[each.menu.key] = self._create(report, each)
        self._aliases(report, ids)
        self._default(report, ids[GUEST])
        now = self.clock.now()
        with session_scope(self.sessions) as session:
            for each in designs:
                richmenus.record_deployed(session, each.menu.key, rich_menu_id=ids[each.menu.key],
                                          alias_id=alias_of(each.menu), content_hash=each.content_hash, now=now)
            richmenus.forget_deployed(session, ids)
        relinked = self.relink()
        if relinked:
            report.lines.append(f"linked {relinked} person(s) to their menu")
        self._delete_old(report, set(ids.values()), on_line)
        return report

    def _create(self, report: DeployReport, each: Design) -> str:
        request = RichMenuRequest.from_dict(each.body)
        created = self._get(f"create {each.name}", lambda a, b, t: a.create_rich_menu_with_http_info(
            request, _request_timeout=t))
        report.writes += 1
        menu_id = str(created.rich_menu_id)
        self._get(f"upload the picture of {each.name}", lambda a, b, t: b.set_rich_menu_image_with_http_info(
            menu_id, body=each.image, _headers={"Content-Type": "image/png"}, _request_timeout=t))
        report.did(f"created {each.name} ({menu_id}) with its picture")
        return menu_id

    def _has_image(self, menu_id: str) -> bool:
        result = self.line.call("read a rich menu's picture", lambda a, b, t: b.get_rich_menu_image_with_http_info(
            menu_id, _request_timeout=t))
        if result.status == 404:
            return False
        _check(result, "read a rich menu's picture")
        return True

    def _aliases(self, report: DeployReport, ids: dict[str, str]) -> None:
        aliases = {alias.rich_menu_alias_id: alias.rich_menu_id for alias in self._get(
            "list the aliases", lambda a, b, t: a.get_rich_menu_alias_list_with_http_info(_request_timeout=t)).aliases}
        for menu in ALL_MENUS:
            alias, target = alias_of(menu), ids[menu.key]
            if aliases.get(alias) == target:
                continue
            self._alias(report, alias, target, exists=alias in aliases)

    def _alias(self, report: DeployReport, alias: str, target: str, *, exists: bool) -> None:
        if exists:
            update = UpdateRichMenuAliasRequest(rich_menu_id=target)
            self._write(report, f"alias {alias} now points at {target}",
                        lambda a, b, t: a.update_rich_menu_alias_with_http_info(alias, update, _request_timeout=t))
        else:
            create = CreateRichMenuAliasRequest(rich_menu_alias_id=alias, rich_menu_id=target)
            self._write(report, f"alias {alias} made for {target}",
                        lambda a, b, t: a.create_rich_menu_alias_with_http_info(create, _request_timeout=t))

    def _default(self, report: DeployReport, guest: str) -> None:
        current = self.line.call("read the default menu", lambda a, b, t: a.get_default_rich_menu_id_with_http_info(
            _request_timeout=t))
        if current.status != 404:
            _check(current, "read the default menu")
            if current.data is not None and current.data.rich_menu_id == guest:
                return
        self._write(report, f"the guest menu {guest} is the default",
                    lambda a, b, t: a.set_default_rich_menu_with_http_info(guest, _request_timeout=t))

    def _delete_old(self, report: DeployReport, current: set[str], on_line: dict[str, str]) -> None:
        for name, menu_id in sorted(on_line.items()):
            if not name.startswith(PREFIX) or menu_id in current:
                continue
            with self.sessions() as session:
                still = richmenus.linked_to(session, [menu_id])
            if still:
                report.lines.append(f"kept {name}: {still} person(s) still linked to it (run `richmenu relink`)")
                continue
            self._delete(report, f"deleted the old menu {name}", menu_id)

    def _delete(self, report: DeployReport, line: str, menu_id: str) -> None:
        self._write(report, line, lambda a, b, t: a.delete_rich_menu_with_http_info(menu_id, _request_timeout=t))

    def _get(self, what: str, call: Callable[[Any, Any, float], Any]) -> Any:
        result = self.line.call(what, call)
        _check(result, what)
        return result.data

    def _write(self, report: DeployReport, line: str, call: Callable[[Any, Any, float], Any]) -> None:
        _check(self.line.call(line, call), line)
        report.did(line)

    # --- linking each person's menu ------------------------------------------------------------

    def relink(self) -> int:
        """Mark everyone whose linked menu is not what their roles call for, and link them now."""
        with session_scope(self.sessions) as session:
            marked = richmenus.reconcile(session, self.clock.now())
        linked = 0
        while marked and (attempted := self.sync_due()):
            linked += attempted
        return linked

    def sync_due(self, limit: int = 100) -> int:
        """Link or unlink the menus of accounts whose link is due; returns how many were attempted."""
        with self.sessions() as session:
            users = richmenus.due_links(session, self.clock.now(), limit)
        return sum(1 for user in users if self._sync(user))

    def _sync(self, user: str) -> bool:
        now = self.clock.now()
        with self.sessions() as session:
            row = richmenus.claim(session, user, now, now + timedelta(seconds=CLAIM_SECONDS))
            session.commit()
            if row is None:  # another worker has it
                return False
            key, menu_id = richmenus.wanted(session, user, row.menu_key)
            if key is not None and menu_id is None:  # not deployed yet: `richmenu deploy` links everyone
                richmenus.record_failure(row, None, None, now)
                session.commit()
                return True
            if menu_id == row.rich_menu_id:
                richmenus.record_linked(row, key, menu_id, row.last_status, now)
                session.commit()
                return True
            attempts = row.attempts
            session.commit()  # never hold a transaction over HTTP
            result = self._link(user, menu_id)
            now = self.clock.now()
            if result.ok:
                richmenus.record_linked(row, key, menu_id, result.status, now)
            elif result.retryable and attempts < self.settings.outbox_max_attempts:
                delay = backoff_delay(attempts, self.settings.outbox_backoff_seconds,
                                      self.settings.outbox_backoff_cap_seconds, result.retry_after)
                richmenus.record_failure(row, result.status, now + timedelta(seconds=delay), now)
            else:
                richmenus.record_failure(row, result.status, None, now)
                log.warning("rich menu not linked", extra={"http_status": result.status, "menu": key})
            session.commit()
        return True

    def _link(self, user: str, menu_id: str | None) -> SendResult:
        if menu_id is None:
            return self.line.call("unlink a rich menu", lambda a, b, t: a.unlink_rich_menu_id_from_user_with_http_info(
                user, _request_timeout=t))
        return self.line.call("link a rich menu", lambda a, b, t: a.link_rich_menu_id_to_user_with_http_info(
            user, menu_id, _request_timeout=t))


def _check(result: SendResult, what: str) -> None:
    if not result.ok:
        said = f"{result.status}: {result.error}" if result.status is not None else f"no answer ({result.error})"
        raise DeployError(f"{what}: LINE answered {said}")
