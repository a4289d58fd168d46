"""The deployment files agree with the application: gunicorn's settings, nginx's limits, the
units and the environment file (deploy/). The whole run is checked by deploy/smoke_test.sh."""

import importlib
import re
import subprocess
from pathlib import Path

from django.conf import settings

from kampungkb.core.middleware import FORM_ALLOWANCE_BYTES
from kampungkb.growth.importing.pages import MAX_UPLOAD_BYTES

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SRC = Path(__file__).resolve().parents[1] / "src" / "kampungkb"
MB = 1024 * 1024


def _gunicorn_config(monkeypatch, **env):
    for name in (
        "KAMPUNGKB_BIND",
        "KAMPUNGKB_WEB_WORKERS",
        "KAMPUNGKB_WEB_TIMEOUT",
        "KAMPUNGKB_FORWARDED_ALLOW_IPS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import kampungkb.config.gunicorn as config

    return importlib.reload(config)


def test_gunicorn_defaults_suit_a_server_behind_nginx(monkeypatch):
    config = _gunicorn_config(monkeypatch)
    assert config.bind == ["127.0.0.1:8000"]  # never on a public address by default
    assert 1 <= config.workers <= 8
    assert config.wsgi_app == "kampungkb.config.wsgi:application"
    assert config.forwarded_allow_ips == "127.0.0.1,::1"
    # Reading an import may take twice its CPU limit on the clock: the worker must outlast it.
    assert config.timeout > 2 * settings.KAMPUNGKB_IMPORT_PARSE_SECONDS
    assert config.graceful_timeout >= 30
    # A worker is recycled now and then, but not every couple of minutes of a busy day: a new
    # one costs about 2.5 CPU-s (imports, first request).
    assert config.max_requests >= 10_000 and 0 < config.max_requests_jitter < config.max_requests
    # No query strings in the access log: a search may carry a child's NIK or name.
    assert "%(r)s" not in config.access_log_format and "%(q)s" not in config.access_log_format
    assert "%(U)s" in config.access_log_format


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    config = _gunicorn_config(
        monkeypatch,
        KAMPUNGKB_BIND="unix:/run/kampungkb/web.sock",
        KAMPUNGKB_WEB_WORKERS="3",
        KAMPUNGKB_WEB_TIMEOUT="300",
    )
    assert (config.bind, config.workers, config.timeout) == (
        ["unix:/run/kampungkb/web.sock"],
        3,
        300,
    )


def _nginx() -> str:
    return (DEPLOY / "nginx" / "kampungkb.conf").read_text()


def test_nginx_takes_the_import_and_refuses_what_the_app_would():
    size = re.search(r"client_max_body_size (\d+)m;", _nginx())
    limit = int(size.group(1)) * MB
    assert limit >= MAX_UPLOAD_BYTES + FORM_ALLOWANCE_BYTES
    assert limit <= MAX_UPLOAD_BYTES + 2 * MB


def test_nginx_proxies_with_the_headers_the_app_relies_on():
    conf = _nginx()
    for line in (
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $host;",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "alias /var/lib/kampungkb/static/;",
        'add_header Cache-Control "public, max-age=31536000, immutable" always;',
    ):
        assert line in conf
    # gunicorn's timeout ends a request before nginx gives up on it.
    read = int(re.search(r"proxy_read_timeout (\d+)s;", conf).group(1))
    assert read > 180


def test_the_units_run_what_exists():
    web = (DEPLOY / "systemd" / "kampungkb-web.service").read_text()
    worker = (DEPLOY / "systemd" / "kampungkb-worker.service").read_text()
    purge = (DEPLOY / "systemd" / "kampungkb-purge.service").read_text()
    timer = (DEPLOY / "systemd" / "kampungkb-purge.timer").read_text()
    assert "gunicorn -c python:kampungkb.config.gunicorn" in web
    assert "kampungkb db_worker" in worker
    # The daily run is the whole housekeeping (the uploads' purge among it).
    assert "ExecStart=/srv/kampungkb/venv/bin/kampungkb housekeeping\n" in purge
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    for unit in (web, worker, purge):
        assert "EnvironmentFile=/etc/kampungkb/kampungkb.env" in unit
        assert "User=kampungkb" in unit
        assert "ReadWritePaths=/var/lib/kampungkb" in unit


def test_the_environment_file_documents_every_setting_and_holds_no_secret():
    example = (DEPLOY / "kampungkb.env.example").read_text()
    read = set()
    for path in [SRC / "config" / "settings.py", SRC / "config" / "gunicorn.py"]:
        read |= set(re.findall(r'environ\.get\(\s*"(\w+)"', path.read_text()))
        read |= set(re.findall(r'_(?:env_flag|int)\(\s*"(\w+)"', path.read_text()))
    read -= {"KAMPUNGKB_DEMO_CHILDREN"}  # the demo's size
    assert "DATABASE_URL" in example
    missing = sorted(name for name in read if name not in example)
    assert missing == []
    assert re.search(r"^KAMPUNGKB_SECRET_KEY=$", example, re.M)  # empty: fill it in


def test_ci_runs_the_production_smoke_test():
    ci = (DEPLOY.parent / ".ci" / "run").read_text()
    assert "bash deploy/smoke_test.sh" in ci
    # After the PostgreSQL tests.
    assert ci.index("bash deploy/smoke_test.sh") > ci.rindex("make test")
    script = DEPLOY / "smoke_test.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    # Nothing left running, whatever happens.
    assert "trap cleanup EXIT" in text
    for step in (
        '/gunicorn" -c python:kampungkb.config.gunicorn',
        '/kampungkb" db_worker',
        '/kampungkb" check_install',
        "deploy/smoke.py",
    ):
        assert step in text


def test_the_backup_timer_runs_the_backup_command_nightly():
    unit = (DEPLOY / "systemd" / "kampungkb-backup.service").read_text()
    timer = (DEPLOY / "systemd" / "kampungkb-backup.timer").read_text()
    assert "kampungkb backup --output-dir /var/backups/kampungkb --keep 14" in unit
    assert "EnvironmentFile=/etc/kampungkb/kampungkb.env" in unit
    assert "User=kampungkb" in unit
    assert "ReadWritePaths=/var/lib/kampungkb /var/backups/kampungkb" in unit
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    readme = (DEPLOY / "README.md").read_text()
    assert "kampungkb-backup.timer" in readme and "kkb restore" in readme


def test_nginx_logs_no_query_string_nor_referring_page():
    """A search's ?q= carries names and NIK: nginx's default "combined" format logged the
    request line whole and the Referer (the previous page's address, its search included)."""
    conf = _nginx()
    fmt = re.search(r"log_format kampungkb (.*?);", conf, re.S).group(1)
    assert "$uri" in fmt
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert variable not in fmt + " "
    logs = re.findall(r"^\s*access_log (.*);", conf, re.M)
    assert logs and all(log == "off" or log.endswith(" kampungkb") for log in logs)
    # Both servers (the HTTP redirect too) write with it.
    assert sum(log.endswith(" kampungkb") for log in logs) == 2


def test_every_command_a_unit_runs_is_one_of_ours():
    from django.core.management import get_commands

    commands = get_commands()
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        for line in re.findall(
            r"^ExecStart=/srv/kampungkb/venv/bin/kampungkb (\S+)", unit.read_text(), re.M
        ):
            assert line in commands, f"{unit.name} runs kampungkb {line}, which does not exist"


def test_the_daily_housekeeping_and_its_periods_are_documented():
    readme = (DEPLOY / "README.md").read_text()
    example = (DEPLOY / "kampungkb.env.example").read_text()
    assert "kampungkb-purge.timer" in readme and "kampungkb housekeeping" in readme
    for setting in (
        "KAMPUNGKB_UPLOAD_RETENTION_DAYS",
        "KAMPUNGKB_TASK_RESULT_RETENTION_DAYS",
        "KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS",
    ):
        assert setting in readme and f"#{setting}=" in example
    assert "never removed" in readme  # the audit trail


def test_the_tpk_stages_move_on_daily():
    """Nothing else runs tpk_transition ("run it daily"): without its timer no TPK stage ever
    ended on a server."""
    unit = (DEPLOY / "systemd" / "kampungkb-tpk.service").read_text()
    timer = (DEPLOY / "systemd" / "kampungkb-tpk.timer").read_text()
    assert "ExecStart=/srv/kampungkb/venv/bin/kampungkb tpk_transition\n" in unit
    assert "EnvironmentFile=/etc/kampungkb/kampungkb.env" in unit and "User=kampungkb" in unit
    assert "OnCalendar=*-*-* 00:20:00" in timer and "Persistent=true" in timer
    readme = (DEPLOY / "README.md").read_text()
    enable = readme[readme.index("systemctl enable --now kampungkb-web") :].split("\n\n")[0]
    for name in ("kampungkb-purge.timer", "kampungkb-backup.timer", "kampungkb-tpk.timer"):
        assert name in enable
