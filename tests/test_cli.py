import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kampungkb
from kampungkb.cli import STANDALONE

KAMPUNGKB = shutil.which("kampungkb", path=str(Path(sys.executable).parent))
# Every command of ours: those in the apps' management/commands folders and those that
# run without Django. A new command is covered without touching this file.
DJANGO_COMMANDS = sorted(
    p.stem
    for p in Path(kampungkb.__file__).parent.glob("*/management/commands/*.py")
    if not p.name.startswith("_")
)
OUR_COMMANDS = DJANGO_COMMANDS + sorted(STANDALONE)


def run_unconfigured(tmp_path, *args) -> subprocess.CompletedProcess:
    """``kampungkb ARGS`` as on a fresh server: no secret key, no demo, no settings module."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KAMPUNGKB_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [KAMPUNGKB, *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )


def test_our_commands_are_found():
    assert {"import_measurements", "load_wilayah", "seed_demo", "zscore"} <= set(OUR_COMMANDS)


def test_console_script_is_django_admin_with_our_settings_from_any_folder(tmp_path):
    env = {**os.environ, "KAMPUNGKB_DEMO": "1", "KAMPUNGKB_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [KAMPUNGKB, "help"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    for command in ("migrate", "runserver", "createsuperuser", *OUR_COMMANDS):
        assert command in out.stdout
    check = subprocess.run(
        [KAMPUNGKB, "check"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], ["help"]], ids=repr)
def test_the_list_of_commands_needs_no_configuration(tmp_path, args):
    out = run_unconfigured(tmp_path, *args)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    listed = {line.strip() for line in out.stdout.splitlines()}
    assert set(OUR_COMMANDS) | {"migrate", "runserver"} <= listed
    assert "KAMPUNGKB_SECRET_KEY" in out.stdout  # what is still missing
    assert list(tmp_path.iterdir()) == []  # no secret key or database made on the way


@pytest.mark.parametrize("command", [*OUR_COMMANDS, "runserver", "migrate"])
def test_the_help_of_each_command_needs_no_configuration(tmp_path, command):
    for args in ([command, "--help"], ["help", command]):
        out = run_unconfigured(tmp_path, *args)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(f"usage: kampungkb {command} ")
        assert out.stderr == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [*DJANGO_COMMANDS, "runserver", "migrate", "check"])
def test_a_command_that_needs_the_configuration_stops_with_one_clear_line(tmp_path, command):
    out = run_unconfigured(tmp_path, command)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"kampungkb {command}: KAMPUNGKB_SECRET_KEY belum diisi")
    assert "KAMPUNGKB_SECRET_KEY is not set" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_web_server_refuses_to_start_without_a_secret_key(tmp_path):
    out = run_unconfigured(tmp_path, "runserver", "--noreload", "127.0.0.1:0")
    assert out.returncode == 2 and "KAMPUNGKB_SECRET_KEY" in out.stderr


@pytest.mark.parametrize("command", DJANGO_COMMANDS)
def test_the_help_of_each_command_is_in_indonesian(tmp_path, command):
    """Command help was English in the Indonesian installation (issue 12.11)."""
    from django.core.management import load_command_class
    from django.utils import translation

    from kampungkb.core.management.base import TranslatedCommand

    app = next(
        p.parent.parent.parent.name
        for p in Path(kampungkb.__file__).parent.glob(f"*/management/commands/{command}.py")
    )
    cls = type(load_command_class(f"kampungkb.{app}", command))
    assert issubclass(cls, TranslatedCommand)
    with translation.override("id"):
        indonesian = translation.gettext(cls.help)
    assert indonesian != cls.help, f"{command}: its help has no Indonesian translation"
    out = run_unconfigured(tmp_path, command, "--help")
    words = " ".join(out.stdout.split())
    assert " ".join(indonesian.split()) in words
    assert " ".join(cls.help.split()) not in words
    # Each argument's help too.
    ours = argparse.ArgumentParser(add_help=False)
    cls().add_arguments(ours)
    for action in ours._actions:
        if action.help:
            with translation.override("id"):
                shown = translation.gettext(action.help)
            assert shown != action.help, f"{command} {action.dest}: no Indonesian help"
