"""The load-test pipeline (bench/loadtest.py + bench/locustfile.py), run for a few seconds.

The real thing (gunicorn, the worker, locust) against a small synthetic seed in a temporary
SQLite database: requests must succeed and every acknowledged write be found exactly once;
then the check must fail when a write is deleted from the database, and when one is doubled.
locust comes with the dev extra (through the loadtest extra), so this never skips.
"""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "loadtest.py"


def _runner(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, str(RUNNER), "--database-url", f"sqlite:///{tmp_path}/db.sqlite3"]
    command += ["--var-dir", str(tmp_path / "var"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)


def test_a_short_posyandu_day_is_served_and_every_acknowledged_write_is_stored_once(tmp_path):
    run_dir = tmp_path / "run"
    result = _runner(
        "--children",
        "150",
        "--kaders",
        "2",
        "--users",
        "5",
        "--spawn-rate",
        "5",
        "--run-time",
        "14",
        "--import-rows",
        "30",
        "--web-workers",
        "2",
        "--keep",
        str(run_dir),
        "--report",
        str(tmp_path / "report.json"),
        "--strict",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads((tmp_path / "report.json").read_text())
    assert figures["errors"] == 0
    assert figures["kinds"]["entry"]["n"] > 0
    assert figures["kinds"]["reference"]["n"] > 0
    assert figures["writes_by_kind"].get("measurement", 0) > 0
    assert figures["writes_by_kind"].get("import") == 1  # the 30 rows, checked one by one
    assert figures["lost"] == figures["doubled"] == 0
    # The kader's writes and the import's rows are reported apart, and add up to the total.
    assert figures["entry_write_rate"] > 0 and figures["import_write_rate"] > 0
    assert figures["entry_write_rate"] + figures["import_write_rate"] == pytest.approx(
        figures["write_rate"]
    )
    assert "kader entry" in result.stdout and "import" in result.stdout
    # The kader pick the next child from the list the save answered with, as the browser
    # shows it: the list is asked for when a session opens, not before every weighing.
    access = (run_dir / "access.log").read_text().splitlines()
    lists = [line for line in access if '"GET /pertumbuhan/sesi/' in line and "/cari/" in line]
    saves = [line for line in access if '"POST /pertumbuhan/sesi/' in line and "/ukur/" in line]
    assert saves and len(lists) < len(saves), (len(lists), len(saves))
    assert "exactly once: 0 lost, 0 doubled" in result.stdout

    acks = [json.loads(line) for line in (run_dir / "acks.jsonl").read_text().splitlines()]
    measured = next(a for a in acks if a["kind"] == "measurement")
    db = sqlite3.connect(tmp_path / "db.sqlite3")

    # A write the server acknowledged disappears: the check must say it is lost.
    with db:
        db.execute(
            "DELETE FROM growth_measurement WHERE child_id = ? AND tanggal = ?",
            (measured["child"], measured["tanggal"]),
        )
    check = _runner("--check-only", str(run_dir), tmp_path=tmp_path)
    assert check.returncode == 1, check.stdout
    assert "1 lost, 0 doubled" in check.stdout

    # A child registered once is in the database twice: the check must say it is doubled.
    registered = next((a for a in acks if a["kind"] == "child"), None)
    if registered is None:  # no registration drawn in this short run: double an imported child
        name = json.loads((run_dir / "plan.json").read_text())["importer"]["rows"][0][0]
        registered = {"kind": "child", "nama": name}
        with (run_dir / "acks.jsonl").open("a") as fh:
            fh.write(json.dumps(registered) + "\n")
    columns = [row[1] for row in db.execute("PRAGMA table_info(growth_child)") if row[1] != "id"]
    listed = ", ".join(f'"{c}"' for c in columns)
    copied = ", ".join(
        {"match_key": "match_key || '|copy'", "nik": "NULL"}.get(c, f'"{c}"') for c in columns
    )
    with db:
        db.execute(
            f"INSERT INTO growth_child ({listed}) SELECT {copied} FROM growth_child "  # noqa: S608
            "WHERE nama = ?",
            (registered["nama"],),
        )
    check = _runner("--check-only", str(run_dir), tmp_path=tmp_path)
    assert check.returncode == 1, check.stdout
    assert "1 lost, 1 doubled" in check.stdout
