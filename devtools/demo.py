"""`flask --app bot demo`: sample data, the fake LINE platform and the simulator, no credentials.

Registered as a Flask plugin command (pyproject.toml), so it runs before and without the
configured app: it builds its own demo settings, a fresh SQLite database under
instance/, and serves everything on loopback ports.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
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
from domain.clock import BANGKOK
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
# What `. instance/demo.env` sets up: a shell whose `flask --app bot ...` acts on the running demo.
DEMO_ENV_FILE = DEFAULT_INSTANCE / "demo.env"


@dataclass
class DemoStack:
    """A running demo: the fake platform and the app, each on its own loopback port."""

    app_url: str
    app: Any
    fake: FakeLinePlatform
    personas: list[dict[str, Any]]
    _server: Any
    _thread: threading.Thread

    @property
    def settings(self) -> Settings:
        return self.app.extensions["wdf"].settings  # type: ignore[no-any-return]

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
    if port == 0:  # links in messages (calendar files, QR pictures) name the port: choose it now
        port = _free_port(host)
    _check_port(host, port)  # before seeding: a taken port is said at once
    fake = FakeLinePlatform("demo-channel-access-token", host=host, port=fake_port).start()
    settings = demo_settings(fake.url, database_url, f"http://{host}:{port}")
    _fresh_database(settings)
    app = create_app(settings)
    app.register_blueprint(simulator.bp)
    rt = app.extensions["wdf"]
    fake.use_clock(rt.clock.now)  # the chats' times are the bot's pinned time, as the page shows
    personas = simulator.load_personas(data_dir / "personas.json")
    migrate.upgrade(rt.engine)
    now = rt.clock.now()  # the one clock: the bot's, the page's and the seed's
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


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug's server binds
        probe.bind((host, port))


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


def cli_env(stack: DemoStack) -> dict[str, str]:
    """The settings a shell needs for `flask --app bot ...` to act on this running demo.

    Its database, its demo secrets, its fake LINE platform (never the real one), the address
    its links open at, and its clock: the pinned instant the bot reads now.
    """
    settings = stack.settings
    env = {
        "DEMO_MODE": "1",
        "DATABASE_URL": settings.database_url,
        "LINE_CHANNEL_SECRET": settings.line_channel_secret,
        "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
        "ADMIN_TOKEN": settings.admin_token,
        "SECRET_KEY": settings.secret_key,
        "LINE_API_BASE_URL": settings.line_api_base_url,
        "LINE_DATA_API_BASE_URL": settings.line_data_api_base_url,
        "LINE_LOGIN_CHANNEL_ID": settings.line_login_channel_id,
        "LINE_LOGIN_CHANNEL_SECRET": settings.line_login_channel_secret,
        "LINE_LOGIN_BASE_URL": settings.line_login_base_url,
        "LINE_LOGIN_API_BASE_URL": settings.line_login_api_base_url,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "PAYMENT_BILLER_ID": settings.payment_biller_id,
        "LOG_PLAIN": "1",
    }
    if settings.fund_now is not None:
        now = stack.app.extensions["wdf"].clock.now().astimezone(BANGKOK)
        env["FUND_NOW"] = now.strftime("%Y-%m-%dT%H:%M" if now.second == 0 else "%Y-%m-%dT%H:%M:%S")
    return env


def write_cli_env(stack: DemoStack, path: Path = DEMO_ENV_FILE) -> Path:
    """Write `cli_env` as a file a POSIX shell sources (`. instance/demo.env`)."""
    lines = ["# Written by `flask --app bot demo` while it runs: `. instance/demo.env` in a shell of its own",
             "# makes `flask --app bot ...` there act on the demo (its database, fake LINE, port and clock).",
             *(f"export {name}={shlex.quote(value)}" for name, value in cli_env(stack).items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _shown(path: Path) -> str:
    """The path as typed from the current directory (`instance/demo.env`), else in full."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, help="the bot and the simulator (make demo PORT=...)")
@click.option("--fake-port", type=int, default=None, help="the fake LINE platform  [default: the port after --port]")
def demo_command(host: str, port: int, fake_port: int | None) -> None:
    """Seed sample data and serve the bot with the LINE simulator (SQLite, no credentials)."""
    os.environ.setdefault("LOG_PLAIN", "1")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if fake_port is None:
        fake_port = port + 1 if port else 0
    try:
        stack = start_demo(host, port, fake_port)
    except OSError as exc:  # a port in use, most often another demo still running
        raise click.ClickException(
            f"cannot serve the demo on {host} ports {port} and {fake_port} ({exc.strerror or exc}): "
            "stop what uses them, or choose others: make demo PORT=5050") from None
    env_file = write_cli_env(stack)
    click.echo(_banner(stack, env_file))
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops it as Ctrl+C does: the file goes too
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("\nstopping the demo")
    finally:
        env_file.unlink(missing_ok=True)  # its ports and database are gone with the demo
        stack.stop()


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _banner(stack: DemoStack, env_file: Path) -> str:
    now = stack.app.extensions["wdf"].clock.now().astimezone(BANGKOK)
    pinned = "pinned to" if stack.settings.fund_now is not None else "the real time,"
    lines = [
        "",
        "  กองทุนพัฒนาบทบาทสตรี · LINE bot demo",
        f"  Simulator:  {stack.app_url}/simulator",
        f"  Fake LINE:  {stack.fake.url}  (what the bot sent: {stack.fake.url}/_fake/requests)",
        f"  JSON API:   {stack.app_url}/api/outbox  with  Authorization: Bearer {stack.settings.admin_token}",
        f"  Console:    {stack.app_url}/console/  (in the simulator, pick an officer persona and type"
        f" เข้าระบบ, then tap the button; or sign in with the admin token {stack.settings.admin_token})",
        f"  Clock:      {pinned} {now:%Y-%m-%d %H:%M} (Asia/Bangkok), for the bot, the simulator and the CLI",
        f"  CLI:        in another shell, from this directory:  . {_shown(env_file)}",
        "              then e.g.  flask --app bot outbox deliver   flask --app bot officers login-link USER_ID",
        "",
        "  Personas to try:",
    ]
    for persona in stack.personas:
        lines.append(f"   • {persona['label']}: {persona.get('description', '')}")
    lines += ["", "  Ctrl+C stops the demo.", ""]
    return "\n".join(lines)
