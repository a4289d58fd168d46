"""The base of the two import commands (``import_measurements``, ``import_families``): the same
file, --dry-run and --user arguments with their help in Indonesian, and the same lookup of the
acting user (the system when none is named; an unknown name stops before the file is read)."""

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

from kampungkb.accounts.models import Role
from kampungkb.growth.management.import_command import ImportCommand
from tests import factories

COMMANDS = [("growth", "import_measurements"), ("families", "import_families")]


@pytest.mark.parametrize(("app", "name"), COMMANDS)
def test_both_import_commands_take_the_shared_arguments(app, name):
    command = load_command_class(f"kampungkb.{app}", name)
    assert isinstance(command, ImportCommand)
    with translation.override("id"):
        parser = command.create_parser("kampungkb", name)
    options = {a.dest: a for a in parser._actions}
    assert {"file", "dry_run", "user"} <= set(options)
    assert options["dry_run"].help == "Hanya periksa dan hitung; tidak menyimpan apa pun."
    assert parser.parse_args(["data.xlsx"]).user == ""


@pytest.mark.parametrize(("app", "name"), COMMANDS)
def test_an_unknown_user_stops_the_import_before_the_file_is_read(beltim, tmp_path, app, name):
    missing = tmp_path / "tidak-ada.xlsx"  # never opened: the user is looked up first
    with translation.override("id"), pytest.raises(CommandError) as exc:
        call_command(name, str(missing), "--user", "op-tidak-ada")
    assert str(exc.value) == "Pengguna tidak ditemukan: op-tidak-ada"


def test_the_acting_user_is_the_named_one_or_the_system(beltim):
    operator = factories.user(Role.OPERATOR_DESA, factories.KURNIA_JAYA, username="op-impor")
    command = ImportCommand()
    assert command.acting_user("") is None
    assert command.acting_user("op-impor") == operator
    with pytest.raises(CommandError, match="op-impor-lain"):
        command.acting_user("op-impor-lain")
