"""The production settings, read in a fresh interpreter with the environment a server has."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

PROBE = """
import json
from kampungkb.config import settings as s
print(json.dumps({k: getattr(s, k, None) for k in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "PASSWORD_HASHERS", "AUTHENTICATION_BACKENDS", "ALLOWED_HOSTS",
    "LANGUAGE_CODE", "AXES_FAILURE_LIMIT", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS"]}))
"""


def _settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAMPUNGKB_")}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_server_settings_are_secure_by_default(tmp_path):
    out = _settings(
        {
            "KAMPUNGKB_SECRET_KEY": "k" * 50,
            "KAMPUNGKB_VAR_DIR": str(tmp_path),
            "KAMPUNGKB_ALLOWED_HOSTS": "kampungkb.example.go.id",
        }
    )
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert s["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert s["ALLOWED_HOSTS"] == ["kampungkb.example.go.id"]
    assert s["LANGUAGE_CODE"] == "id"
    assert s["AXES_FAILURE_LIMIT"] == 5
    assert s["X_FRAME_OPTIONS"] == "DENY"


def test_server_refuses_to_start_without_a_secret_key(tmp_path):
    out = _settings({"KAMPUNGKB_VAR_DIR": str(tmp_path)})
    assert out.returncode != 0
    assert "KAMPUNGKB_SECRET_KEY" in out.stderr
    assert not (tmp_path / "secret_key").exists()


def test_demo_generates_and_reuses_a_secret_key_in_var(tmp_path):
    first = _settings({"KAMPUNGKB_DEMO": "1", "KAMPUNGKB_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = _settings({"KAMPUNGKB_DEMO": "1", "KAMPUNGKB_VAR_DIR": str(tmp_path)})
    assert second.returncode == 0 and key_file.read_text() == key
    # The demo shows the product's own error pages, not Django's debug pages (issue 12.12).
    assert json.loads(first.stdout)["DEBUG"] is False
    assert json.loads(first.stdout)["SESSION_COOKIE_SECURE"] is None


TODAY_PROBE = """
import datetime, django
django.setup()
from django.conf import settings
from django.utils import timezone
print(settings.TIME_ZONE, datetime.date.today() == timezone.localdate())
"""


def test_the_time_zone_is_the_kabupatens_among_indonesias_three(tmp_path):
    """A kabupaten in WITA or WIT ran on WIB: a weighing dated today was "in the future" until
    01:00 or 02:00 local time, and every time shown was an hour or two off."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAMPUNGKB_")}
    base = {**clean, "KAMPUNGKB_DEMO": "1", "KAMPUNGKB_VAR_DIR": str(tmp_path)}
    base["DJANGO_SETTINGS_MODULE"] = "kampungkb.config.settings"

    def probe(**env):
        return subprocess.run(
            [sys.executable, "-c", TODAY_PROBE], env={**base, **env}, capture_output=True,
            text=True, check=False,
        )  # fmt: skip

    assert probe().stdout.split() == ["Asia/Jakarta", "True"]
    # "Today" (the forms' and imports' date.today()) is the kabupaten's own.
    assert probe(KAMPUNGKB_TIME_ZONE="Asia/Jayapura").stdout.split() == ["Asia/Jayapura", "True"]
    assert probe(KAMPUNGKB_TIME_ZONE=" Asia/Makassar ").stdout.split()[0] == "Asia/Makassar"
    refused = probe(KAMPUNGKB_TIME_ZONE="Europe/London")
    assert refused.returncode != 0
    assert "KAMPUNGKB_TIME_ZONE='Europe/London': use one of Asia/Jakarta (WIB)" in refused.stderr


def test_a_sqlite_write_ahead_log_is_cut_back_after_a_big_write(db):
    """Without a limit the WAL file keeps the size of the largest write since the server
    started (a whole district's import) until it restarts."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_size_limit")
        assert cursor.fetchone()[0] == 64 * 1024 * 1024
