"""Settings come from the environment, are validated, and fail fast with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError
from domain.clock import BANGKOK, FixedClock, SystemClock, clock_for

FULL = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}


@pytest.mark.parametrize("missing", sorted(FULL))
def test_each_missing_secret_is_named(missing):
    env = {k: v for k, v in FULL.items() if k != missing}
    with pytest.raises(SettingsError, match=missing):
        Settings.from_env(env)


def test_demo_mode_needs_no_credentials():
    settings = Settings.from_env({"DEMO_MODE": "1"})
    assert settings.demo and settings.line_channel_secret
    assert settings.database_url.endswith("instance/demo.sqlite3")


def test_defaults_and_overrides():
    settings = Settings.from_env(FULL)
    assert settings.line_api_base_url == "https://api.line.me"
    assert settings.line_data_api_base_url == "https://api-data.line.me"
    assert settings.line_push_rate == 1000 and settings.fund_now is None
    assert not settings.outbox_inline  # pushes go out from the worker thread unless OUTBOX_INLINE=1
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("instance/wdf.sqlite3")
    custom = Settings.from_env({**FULL, "FUND_NOW": "2026-12-05T08:30", "LINE_PUSH_RATE": "50",
                                "DATABASE_URL": "postgresql+psycopg://x@h/db",
                                "LINE_API_BASE_URL": "http://127.0.0.1:9/", "OUTBOX_INLINE": "1"})
    assert custom.fund_now == datetime(2026, 12, 5, 8, 30, tzinfo=BANGKOK)
    assert custom.line_push_rate == 50 and custom.line_api_base_url == "http://127.0.0.1:9"
    assert custom.outbox_inline


def test_on_off_settings_have_their_defaults_and_say_what_is_wrong():
    settings = Settings.from_env(FULL)
    assert settings.reminders_pause_for_relief and not settings.mark_as_read
    flipped = Settings.from_env({**FULL, "REMINDERS_PAUSE_FOR_RELIEF": "0", "MARK_AS_READ": "on"})
    assert not flipped.reminders_pause_for_relief and flipped.mark_as_read
    assert Settings.from_env({**FULL, "REMINDERS_PAUSE_FOR_RELIEF": ""}).reminders_pause_for_relief
    with pytest.raises(SettingsError, match="MARK_AS_READ must be 1 or 0"):
        Settings.from_env({**FULL, "MARK_AS_READ": "sometimes"})


@pytest.mark.parametrize(("name", "value"), [
    ("FUND_NOW", "5/12/2569"), ("LINE_PUSH_RATE", "fast"), ("LINE_PUSH_RATE", "0"),
    ("LINE_API_BASE_URL", "api.line.me"), ("LINE_TIMEOUT_SECONDS", "-1"), ("LINE_TIMEOUT_SECONDS", "nan"),
    ("LINE_TIMEOUT_SECONDS", "0"), ("LOADING_AFTER_SECONDS", "-0.5"), ("LOADING_AFTER_SECONDS", "inf"),
    ("LOADING_AFTER_SECONDS", "soon"),
])
def test_malformed_values_are_named(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**FULL, name: value})


def test_the_loading_animation_waits_a_second_unless_told_otherwise():
    assert Settings.from_env(FULL).loading_after_seconds == 1.0
    assert Settings.from_env({**FULL, "LOADING_AFTER_SECONDS": "0"}).loading_after_seconds == 0
    assert Settings.from_env({**FULL, "LOADING_AFTER_SECONDS": " 2.5 "}).loading_after_seconds == 2.5


def test_fund_now_pins_the_clock():
    assert isinstance(clock_for(None), SystemClock)
    clock = clock_for(datetime(2026, 12, 5, tzinfo=BANGKOK))
    assert isinstance(clock, FixedClock) and clock.today().isoformat() == "2026-12-05"
    assert clock.now().utcoffset().total_seconds() == 7 * 3600


def test_start_up_without_secrets_stops_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "ADMIN_", "SECRET_", "DEMO_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "bot", "routes"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["wdf-bot: configuration error: LINE_CHANNEL_SECRET is not set: "
                     "export it (see .env.example) or run `make demo`"]


def test_creating_the_app_connects_to_nothing(tmp_path):
    from bot import create_app

    settings = Settings.from_env({**FULL, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                  "LINE_API_BASE_URL": "http://127.0.0.1:1"})
    app = create_app(settings)  # would raise if it tried to reach either
    assert app.extensions["wdf"].settings is settings
    app.extensions["wdf"].close()


def test_a_short_admin_token_is_warned_about_at_start(caplog, tmp_path):
    """ADMIN_TOKEN opens the whole register (the API, the console's first sign-in): a short one,
    which could be guessed, is said so in the log when the app starts (never its value)."""
    import logging

    from web.app import STRONG_TOKEN, create_app

    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with caplog.at_level(logging.WARNING, logger="web.app"):
        create_app(Settings.from_env({**FULL, **database, "ADMIN_TOKEN": "phuket2568"}))
    assert any("ADMIN_TOKEN is short" in r.getMessage() for r in caplog.records)
    assert all("phuket2568" not in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="web.app"):
        create_app(Settings.from_env({**FULL, **database, "ADMIN_TOKEN": "x" * STRONG_TOKEN}))
    assert not any("ADMIN_TOKEN" in r.getMessage() for r in caplog.records)
