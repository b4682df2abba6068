"""One validated settings object, read from the environment (see .env.example)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from domain.clock import BANGKOK, parse_fund_now
from domain.payments import REF1_RULES, REF2_RULES
from domain.thaiqr import ThaiQRError, check_biller_id, tax_id_holds

DEFAULT_INSTANCE = Path.cwd() / "instance"

# Secrets that must be present outside demo mode, in the order they are reported.
REQUIRED_SECRETS = (
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "ADMIN_TOKEN",
    "SECRET_KEY",
)

DEMO_SECRETS = {
    "LINE_CHANNEL_SECRET": "demo-channel-secret",
    "LINE_CHANNEL_ACCESS_TOKEN": "demo-channel-access-token",
    "ADMIN_TOKEN": "demo-admin-token",
    "SECRET_KEY": "demo-secret-key",
}


# How much one register file may hold (`import`; register/limits.py, INTERFACES.md). A whole
# country's register is about 1M contracts, 2.5M members and 10M payments: as CSV, about
# 300 MB, 550 MB and 500 MB. The limits admit that with room to spare, and stop a workbook
# that unpacks to gigabytes or a file of millions of empty rows before it is read.
IMPORT_MAX_BYTES = 2 * 1024**3  # a CSV file, or everything a workbook unpacks to
IMPORT_MAX_ROWS = 15_000_000  # lines or rows of one file or sheet, blank ones too
IMPORT_MAX_CELLS = 200_000_000  # cells of one file or sheet
IMPORT_MAX_SHARED_BYTES = 256 * 1024**2  # what a workbook holds outside its sheets (shared strings …)


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Every setting the product reads. Build with `Settings.from_env()` or directly in tests."""

    line_channel_secret: str
    line_channel_access_token: str
    admin_token: str
    secret_key: str
    database_url: str
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    public_base_url: str = "http://localhost:8000"  # where people's phones reach this app (calendar links)
    fund_now: datetime | None = None
    line_push_rate: int = 1000
    line_timeout_seconds: float = 5.0
    demo: bool = False
    conversation_timeout_minutes: int = 30
    outbox_max_attempts: int = 8
    outbox_workers: int = 8
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_cap_seconds: float = 3600.0
    # Send what a webhook queued before answering it, instead of from the background thread
    # (tests read the result at once). Off in production: LINE wants its answer quickly.
    outbox_inline: bool = False
    office_name: str = "สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต"
    office_phone: str = "076-211-040"
    payment_bank: str = "ธนาคารกรุงไทย"
    payment_biller: str = "กองทุนพัฒนาบทบาทสตรี"  # the biller's name as banking apps show it
    payment_note: str = ""  # one more line under the payment instructions, if the office wants one
    # Bill Payment by Thai QR (domain/thaiqr.py). Unset: people are told to pay at the office.
    payment_biller_id: str = ""
    payment_ref1: str = "project"  # domain/payments.py: REF1_RULES
    payment_ref2: str = "payer_id"  # domain/payments.py: REF2_RULES
    verify_max_failures: int = 5
    verify_max_failures_per_person: int = 10
    uploads_dir: str = "instance/uploads"  # photos attached to field updates
    upload_max_bytes: int = 10 * 1024 * 1024  # a picture fetched from LINE is cut off past this
    import_max_bytes: int = IMPORT_MAX_BYTES
    import_max_rows: int = IMPORT_MAX_ROWS
    import_max_cells: int = IMPORT_MAX_CELLS
    import_max_shared_bytes: int = IMPORT_MAX_SHARED_BYTES
    document_max_bytes: int = 10 * 1024 * 1024  # a document an officer uploads in the console
    # the console's map: a Leaflet tile URL template ({s} subdomain, {z}/{x}/{y}) and its credit line
    map_tile_url: str = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_tile_attribution: str = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
                                 " contributors")
    log_level: str = "INFO"
    log_json: bool = True
    # No payment reminder to someone whose relief application is being decided (submitted,
    # under review) or who has a court mediation booked: the fund is already talking to them.
    reminders_pause_for_relief: bool = True
    # Mark each message a person sends as read when the bot has handled it (LINE shows "Read").
    mark_as_read: bool = False
    # LINE's loading animation before an answer that may be slow (the officer's list, the quiz's
    # result, a photo): shown only if the answer is not ready this many seconds after it began
    # (0: at once), so a quick answer is never held up by a call to LINE (bot/loading.py).
    loading_after_seconds: float = 1.0
    # "Log in with LINE" on the console (a LINE Login channel of the same provider as the
    # Messaging API channel, so that its user ids are the bot's); unset: sign-in links only.
    line_login_channel_id: str = ""
    line_login_channel_secret: str = ""
    line_login_base_url: str = "https://access.line.me"
    line_login_api_base_url: str = "https://api.line.me"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, demo: bool | None = None) -> Settings:
        """Read and validate settings; raise SettingsError naming the first bad variable."""
        env = dict(os.environ if environ is None else environ)
        is_demo = _truthy(env.get("DEMO_MODE", "")) if demo is None else demo
        if is_demo:
            for name, value in DEMO_SECRETS.items():
                env.setdefault(name, value)
        for name in REQUIRED_SECRETS:
            if not env.get(name, "").strip():
                raise SettingsError(
                    f"{name} is not set: export it (see .env.example) or run `make demo`"
                )
        return cls(
            line_channel_secret=env["LINE_CHANNEL_SECRET"].strip(),
            line_channel_access_token=env["LINE_CHANNEL_ACCESS_TOKEN"].strip(),
            admin_token=env["ADMIN_TOKEN"].strip(),
            secret_key=env["SECRET_KEY"].strip(),
            database_url=env.get("DATABASE_URL") or default_database_url(is_demo),
            line_api_base_url=_url(env, "LINE_API_BASE_URL", "https://api.line.me"),
            line_data_api_base_url=_url(env, "LINE_DATA_API_BASE_URL", "https://api-data.line.me"),
            public_base_url=_url(env, "PUBLIC_BASE_URL", "http://localhost:8000"),
            fund_now=_fund_now(env.get("FUND_NOW", "")),
            line_push_rate=_int(env, "LINE_PUSH_RATE", 1000, minimum=1),
            line_timeout_seconds=_float(env, "LINE_TIMEOUT_SECONDS", 5.0),
            demo=is_demo,
            conversation_timeout_minutes=_int(env, "CONVERSATION_TIMEOUT_MINUTES", 30, minimum=1),
            outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", 8, minimum=1),
            outbox_workers=_int(env, "OUTBOX_WORKERS", 8, minimum=1),
            outbox_backoff_seconds=_float(env, "OUTBOX_BACKOFF_SECONDS", 30.0),
            outbox_backoff_cap_seconds=_float(env, "OUTBOX_BACKOFF_CAP_SECONDS", 3600.0),
            outbox_inline=_truthy(env.get("OUTBOX_INLINE", "")),
            office_name=env.get("FUND_OFFICE_NAME") or cls.office_name,
            office_phone=env.get("FUND_OFFICE_PHONE") or cls.office_phone,
            payment_bank=env.get("PAYMENT_BANK") or cls.payment_bank,
            payment_biller=env.get("PAYMENT_BILLER") or cls.payment_biller,
            payment_note=env.get("PAYMENT_NOTE") or cls.payment_note,
            payment_biller_id=_biller_id(env, is_demo),
            payment_ref1=_choice(env, "PAYMENT_REF1", REF1_RULES),
            payment_ref2=_choice(env, "PAYMENT_REF2", REF2_RULES),
            verify_max_failures=_int(env, "VERIFY_MAX_FAILURES", 5, minimum=1),
            verify_max_failures_per_person=_int(env, "VERIFY_MAX_FAILURES_PER_PERSON", 10, minimum=1),
            uploads_dir=env.get("UPLOADS_DIR") or cls.uploads_dir,
            upload_max_bytes=_int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
            import_max_bytes=_int(env, "IMPORT_MAX_BYTES", IMPORT_MAX_BYTES, minimum=1024),
            import_max_rows=_int(env, "IMPORT_MAX_ROWS", IMPORT_MAX_ROWS, minimum=2),
            import_max_cells=_int(env, "IMPORT_MAX_CELLS", IMPORT_MAX_CELLS, minimum=2),
            import_max_shared_bytes=_int(env, "IMPORT_MAX_SHARED_BYTES", IMPORT_MAX_SHARED_BYTES, minimum=1024),
            document_max_bytes=_int(env, "DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
            map_tile_url=_url(env, "MAP_TILE_URL", cls.map_tile_url),
            map_tile_attribution=(env.get("MAP_TILE_ATTRIBUTION") or cls.map_tile_attribution).strip(),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            log_json=not _truthy(env.get("LOG_PLAIN", "")),
            reminders_pause_for_relief=_flag(env, "REMINDERS_PAUSE_FOR_RELIEF", True),
            mark_as_read=_flag(env, "MARK_AS_READ", False),
            loading_after_seconds=_float(env, "LOADING_AFTER_SECONDS", 1.0, zero=True),
            line_login_channel_id=env.get("LINE_LOGIN_CHANNEL_ID", "").strip(),
            line_login_channel_secret=env.get("LINE_LOGIN_CHANNEL_SECRET", "").strip(),
            line_login_base_url=_url(env, "LINE_LOGIN_BASE_URL", "https://access.line.me"),
            line_login_api_base_url=_url(env, "LINE_LOGIN_API_BASE_URL", "https://api.line.me"),
        )

    @property
    def pay_by_qr(self) -> bool:
        """A biller ID is set: balances and `วิธีชำระเงิน` offer a Thai QR code."""
        return bool(self.payment_biller_id)

    @property
    def line_login(self) -> bool:
        """A LINE Login channel is configured: the console offers "Log in with LINE"."""
        return bool(self.line_login_channel_id and self.line_login_channel_secret)

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests and the demo use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def default_database_url(demo: bool = False) -> str:
    """The embedded default: an SQLite file under instance/."""
    name = "demo.sqlite3" if demo else "wdf.sqlite3"
    return f"sqlite:///{DEFAULT_INSTANCE / name}"


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must start with http:// or https://, got {value!r}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """An on/off setting: 1/true/yes/on or 0/false/no/off; unset or empty keeps the default."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (on or off), got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, *, zero: bool = False) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise SettingsError(f"{name} must be {'zero or more' if zero else 'positive'}, got {raw!r}")
    return value


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or choices[0]).strip().lower()
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _biller_id(env: Mapping[str, str], is_demo: bool) -> str:
    raw = env.get("PAYMENT_BILLER_ID", "")
    value = "".join(raw.split()).replace("-", "")
    if not value:
        return ""
    try:
        check_biller_id(value)
    except ThaiQRError:
        raise SettingsError(
            f"PAYMENT_BILLER_ID must be the 15-digit biller ID the bank issued for Bill Payment "
            f"(the fund's 13-digit tax ID and a 2-digit suffix), got {raw.strip()!r}") from None
    if not tax_id_holds(value):
        raise SettingsError(
            f"PAYMENT_BILLER_ID {raw.strip()!r} has a typo: its first 13 digits are a tax ID whose check digit "
            "does not hold")
    public = (env.get("PUBLIC_BASE_URL") or "").strip()
    if not is_demo and not public.startswith("https://"):
        raise SettingsError(
            "PAYMENT_BILLER_ID needs PUBLIC_BASE_URL to start with https://: LINE fetches the QR code's "
            "picture from there, and only over https")
    return value


def _fund_now(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return parse_fund_now(raw)
    except ValueError:
        raise SettingsError(
            f"FUND_NOW must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (Asia/Bangkok), got {raw!r}"
        ) from None


__all__ = ["Settings", "SettingsError", "BANGKOK", "default_database_url"]
