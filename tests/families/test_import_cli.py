"""``kampungkb import_families``: exit 0 when the file was processed, 2 when it cannot be read
or holds nothing importable; messages in Indonesian."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kampungkb.families.models import FamilySurvey
from tests import factories
from tests.families.import_files import family_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

KK = "1906010000000041"


def test_a_dry_run_counts_and_lists_then_the_import_saves(tmp_path, beltim, capsys):
    rows = family_rows(KK)
    rows[0]["JK"] = "X"
    path = write_xlsx(tmp_path / "pk.xlsx", rows)
    call_command("import_families", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Uji coba (tidak ada yang disimpan)" in out
    assert "baris 2, kolom JK: 'X' bukan jenis kelamin" in out
    assert not FamilySurvey.objects.exists()
    call_command("import_families", str(path))
    out = capsys.readouterr().out
    assert "ronde baru: 1" in out and "KRS: 1" in out
    assert FamilySurvey.objects.count() == 1


def test_the_user_option_scopes_the_import(tmp_path, beltim, capsys):
    factories.operator_desa(username="op-kj")
    path = write_csv(tmp_path / "pk.csv", family_rows(KK, desa="Batu Penyu", kec="Gantung"))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_families", str(path), "--user", "op-kj")
    assert exit_.value.code == 2
    assert "di luar wilayah tugas Anda" in capsys.readouterr().out
    with pytest.raises(CommandError, match="op-tidak-ada"):
        call_command("import_families", str(path), "--user", "op-tidak-ada")


def test_an_unreadable_file_exits_2(tmp_path, beltim, capsys):
    path = tmp_path / "pk.xlsx"
    path.write_bytes(b"bukan xlsx")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_families", str(path))
    assert exit_.value.code == 2
    assert "xlsx" in capsys.readouterr().err
