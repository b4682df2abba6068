"""`flask --app bot demo`: sample data, the fake LINE platform and the simulator, no credentials.

Registered as a Flask plugin command (pyproject.toml), so it runs before and without the
configured app: it builds its own demo settings, a fresh SQLite database under
instance/, and serves everything on loopback ports.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import make_server

from config.settings import DEFAULT_INSTANCE, Settings
from devtools.fakeline import FakeLineClient, FakeLinePlatform
from devtools.fakeline.server import POLL_SECONDS
from devtools.seed import DEMO_DATA, seed_people_in_line, seed_register
from devtools.simulator import views as simulator
from domain.clock import BANGKOK, clock_for, parse_fund_now
from messages.appointments import session_title
from models import migrate
from models.db import session_scope
from services.appointments import create_session
from services.followups import refresh_followups
from services.holidays import load_bundled_holidays
from services.measure_store import ensure_measures
from web.app import create_app

# The sample data describes the register as of this day; the demo's clock is pinned to
# it (override with FUND_NOW) so that every class of debtor is present when you try it.
DEMO_NOW = "2026-11-20T10:00"


@dataclass
class DemoStack:
    """A running demo: the fake platform and the app, each on its own loopback port."""

    app_url: str
    app: Any
    fake: FakeLinePlatform
    personas: list[dict[str, Any]]
    _server: Any
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.app.extensions["wdf"].close()
        self.fake.stop()


DEMO_BILLER_ID = "000000000000199"


def demo_settings(fake_url: str, database_url: str | None = None,
                  public_url: str = "http://127.0.0.1:5000") -> Settings:
    env = dict(os.environ)
    env.setdefault("FUND_NOW", DEMO_NOW)
    env["LINE_API_BASE_URL"] = fake_url
    env["LINE_DATA_API_BASE_URL"] = fake_url
    env.setdefault("PUBLIC_BASE_URL", public_url)
    # Paying by QR works in the demo with a biller ID no bank knows (zeros, the check digit, a suffix)
    env.setdefault("PAYMENT_BILLER_ID", DEMO_BILLER_ID)
    # "Log in with LINE" on the console, against the fake platform's LINE Login
    env.setdefault("LINE_LOGIN_CHANNEL_ID", "1650000000")
    env.setdefault("LINE_LOGIN_CHANNEL_SECRET", "de11000000000000000000000000demo")
    env["LINE_LOGIN_BASE_URL"] = fake_url
    env["LINE_LOGIN_API_BASE_URL"] = fake_url
    if database_url:
        env["DATABASE_URL"] = database_url
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "ADMIN_TOKEN", "SECRET_KEY"):
        env.pop(name, None)  # the demo never uses real credentials
    return Settings.from_env(env, demo=True)


def start_demo(host: str = "127.0.0.1", port: int = 5000, fake_port: int = 5001,
               database_url: str | None = None, data_dir: Path = DEMO_DATA) -> DemoStack:
    """Seed a fresh demo database and serve the fake platform and the bot (threads)."""
    fake = FakeLinePlatform("demo-channel-access-token", host=host, port=fake_port).start()
    if port == 0:  # links in messages (calendar files, QR pictures) name the port: choose it now
        port = _free_port(host)
    settings = demo_settings(fake.url, database_url, f"http://{host}:{port}")
    _fresh_database(settings)
    app = create_app(settings)
    app.register_blueprint(simulator.bp)
    rt = app.extensions["wdf"]
    personas = simulator.load_personas(data_dir / "personas.json")
    migrate.upgrade(rt.engine)
    now = clock_for(settings.fund_now).now()
    with session_scope(rt.sessions) as session:
        ensure_measures(session, now)
        load_bundled_holidays(session)
        register = seed_register(session, data_dir, now)
        staff = seed_people_in_line(session, personas, now)
        seed_sessions(session, now)
        refresh_followups(session, now.date(), now)  # as `import` does: officers' lists read it
    logging.getLogger(__name__).info("demo seeded", extra={
        "contracts": register.contracts, "members": register.memberships, "payments": register.payments,
        "staff": staff.staff, "groups": staff.groups})
    _introduce_personas(FakeLineClient(fake.url), personas)
    rt.menus.deploy()  # the rich menus on the fake platform; the officer and volunteer personas get theirs
    app.config["SIMULATOR_PERSONAS"] = personas
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), name="demo-app", daemon=True)
    thread.start()
    return DemoStack(f"http://{host}:{server.server_port}", app, fake, personas, server, thread)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def seed_sessions(session: Any, now: datetime) -> None:
    """A court-mediation day, a clinic and a mobile unit in the coming week, to book in the simulator."""
    day = now.astimezone(BANGKOK).date()
    at = lambda offset, hour: datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK) + timedelta(days=offset)  # noqa: E731
    create_session(session, kind="court", title=session_title("court", None),
                   start=at(6, 9), end=at(6, 12), place="ศาลแขวงภูเก็ต ถ.ภูเก็ต",
                   capacity=9, slot_minutes=20, now=now, officer="กมลชนก วงศ์ใหญ่",
                   documents=["บัตรประจำตัวประชาชน", "สำเนาทะเบียนบ้าน", "สัญญากู้ยืมเงิน (ถ้ามี)"],
                   map_url="https://www.google.com/maps?q=7.8849,98.3923")
    create_session(session, kind="clinic", title=session_title("clinic", None),
                   start=at(4, 13), end=at(4, 16), place="สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต",
                   capacity=12, now=now, documents=["บัตรประจำตัวประชาชน"])
    create_session(session, kind="mobile", title=session_title("mobile", None),
                   start=at(5, 9), end=at(5, 15), place="ศาลาประชาคม หมู่ 1 ต.ฉลอง",
                   capacity=30, now=now, documents=["บัตรประจำตัวประชาชน"])


def _fresh_database(settings: Settings) -> None:
    """The demo starts from the sample data every time (its own file, never production's)."""
    if settings.database_url == f"sqlite:///{DEFAULT_INSTANCE / 'demo.sqlite3'}":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_INSTANCE / 'demo.sqlite3'}{suffix}").unlink(missing_ok=True)


def _introduce_personas(fake: FakeLineClient, personas: list[dict[str, Any]]) -> None:
    for persona in personas:
        if persona.get("user_id"):
            fake.set_profile(persona["user_id"], persona.get("name") or persona["label"])
    for persona in personas:
        if persona.get("group_id"):
            members = [p["user_id"] for p in personas if p.get("user_id") and p.get("role") != "unknown"]
            fake.set_group(persona["group_id"], persona["label"], members)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, help="the bot and the simulator")
@click.option("--fake-port", default=5001, show_default=True, help="the fake LINE platform")
def demo_command(host: str, port: int, fake_port: int) -> None:
    """Seed sample data and serve the bot with the LINE simulator (SQLite, no credentials)."""
    os.environ.setdefault("LOG_PLAIN", "1")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    stack = start_demo(host, port, fake_port)
    click.echo(_banner(stack))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("\nstopping the demo")
    finally:
        stack.stop()


def _banner(stack: DemoStack) -> str:
    lines = [
        "",
        "  กองทุนพัฒนาบทบาทสตรี · LINE bot demo",
        f"  Simulator:  {stack.app_url}/simulator",
        f"  Fake LINE:  {stack.fake.url}  (what the bot sent: {stack.fake.url}/_fake/requests)",
        f"  JSON API:   {stack.app_url}/api/outbox  with  Authorization: Bearer demo-admin-token",
        f"  Console:    {stack.app_url}/console/  (in the simulator, pick an officer persona and type"
        " เข้าระบบ, then tap the button; or sign in with the admin token demo-admin-token)",
        f"  Clock:      pinned to {parse_fund_now(os.environ.get('FUND_NOW', DEMO_NOW)):%Y-%m-%d %H:%M} (Asia/Bangkok)",
        "",
        "  Personas to try:",
    ]
    for persona in stack.personas:
        lines.append(f"   • {persona['label']}: {persona.get('description', '')}")
    lines += ["", "  Ctrl+C stops the demo.", ""]
    return "\n".join(lines)
