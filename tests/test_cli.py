import os
import shutil
import subprocess
import sys
from pathlib import Path

KAMPUNGKB = shutil.which("kampungkb", path=str(Path(sys.executable).parent))


def test_console_script_is_django_admin_with_our_settings_from_any_folder(tmp_path):
    env = {**os.environ, "KAMPUNGKB_DEMO": "1", "KAMPUNGKB_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [KAMPUNGKB, "help"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    for command in ("migrate", "runserver", "createsuperuser", "load_wilayah", "seed_demo"):
        assert command in out.stdout
    check = subprocess.run(
        [KAMPUNGKB, "check"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
