"""kampungkb zscore INPUT.csv -o OUTPUT.csv on real files."""

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kampungkb.anthro import cli

HEADER = "id,sex,age_days,weight,lenhei,measure,oedema,headc,armc,triskin,subskin\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_cli_writes_inputs_then_results(tmp_path):
    src = write(
        tmp_path / "in.csv",
        HEADER
        + (
            "1,L,1367,16,103.1,l,,,,,\n"
            "2,P,-3,9,70,l,n,,,,\n"
            '3,1,0,"3,3464",49.8842, L ,N,34.4618,,,\n'
            "4,2,2500,20,115,h,,,,,\n"
            "5,,,,,,,,,,\n"
            "6,x,100,abc,60,q,z,,,,\n"
            "7,1,1000,0,,,,,,,\n"
            "8,1,400,9,75,l,y,46,14.5,8,6\n"
        ),
    )
    dst = tmp_path / "out.csv"
    assert cli.main([str(src), "-o", str(dst)]) == 0
    rows = read(dst)
    assert len(rows) == 8
    names = list(rows[0])
    assert names[:11] == HEADER.strip().split(",")
    assert names[11:13] == ["clenhei", "cbmi"]
    assert names[13:17] == ["zlen", "flen", "zwei", "fwei"]
    assert names[-6:] == ["cat_bbu", "cat_tbu", "cat_bbtb", "cat_imtu", "cat_imtu_5_18", "error"]
    r = rows[0]
    assert (r["zwfl"], r["fwfl"], r["error"]) == ("-0.06", "0", "")
    assert r["clenhei"] == "102.39999999999999"
    assert r["cat_bbtb"] == "Gizi baik" and r["zhc"] == "" and r["fhc"] == ""
    assert (
        rows[1]["error"] == "umur negatif" and rows[1]["zlen"] == "" and rows[1]["age_days"] == "-3"
    )
    assert rows[2]["zwei"] == "0" and rows[2]["weight"] == "3,3464" and rows[2]["measure"] == " L "
    assert rows[3]["zhfa"] == "-0.91" and rows[3]["cat_imtu_5_18"] == "Gizi baik"
    assert rows[3]["zlen"] == ""
    assert rows[4]["error"] == "" and rows[4]["zwei"] == ""
    assert "jenis kelamin tidak dikenal" in rows[5]["error"]
    assert "berat badan bukan angka" in rows[5]["error"]
    assert "cara ukur tidak dikenal" in rows[5]["error"]
    assert "kode edema tidak dikenal" in rows[5]["error"]
    assert rows[6]["zwei"] == "" and rows[6]["error"] == ""  # weight 0: not computable
    assert rows[7]["zwei"] == "" and rows[7]["zhc"] != "" and rows[7]["zss"] != ""


def test_cli_invalid_measurement_costs_only_its_indicators(tmp_path):
    src = write(
        tmp_path / "in.csv",
        HEADER
        + (
            "1,1,400,9,75,l,n,45,14,8,6\n"
            "2,1,400,9,75,l,n,45,14,-0.4,6\n"
            "3,1,400,9,75,l,n,45,abc,8,6\n"
            "4,1,400,9,75,q,n,45,14,8,6\n"
        ),
    )
    dst = tmp_path / "out.csv"
    assert cli.main([str(src), "-o", str(dst)]) == 0
    good, triskin, armc, measure = read(dst)
    assert triskin["error"] == "lipatan kulit trisep negatif" and triskin["zts"] == ""
    assert armc["error"] == "lingkar lengan atas bukan angka" and armc["zac"] == ""
    assert measure["error"].startswith("cara ukur tidak dikenal")
    for name in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zss", "cat_tbu"):
        assert triskin[name] == good[name] != "", name
    for name in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zts", "zss", "cat_tbu"):
        assert armc[name] == good[name] != "", name
    assert measure["zlen"] == measure["zwfl"] == measure["zbmi"] == measure["clenhei"] == ""
    for name in ("zwei", "zhc", "zac", "zts", "zss", "cat_bbu"):
        assert measure[name] == good[name] != "", name


def test_cli_unrounded_option(tmp_path):
    src = write(tmp_path / "in.csv", "sex,age_days,lenhei,measure\n1,365,75.123,l\n")
    dst = tmp_path / "out.csv"
    assert cli.main([str(src), "-o", str(dst), "--unrounded"]) == 0
    assert len(read(dst)[0]["zlen"]) > 6


def test_cli_streams_in_small_blocks(tmp_path):
    lines = "".join(
        f"{i},{1 + i % 2},{i % 1800},{8 + i % 5},{70 + i % 20},l\n" for i in range(3000)
    )
    src = write(tmp_path / "in.csv", "id,sex,age_days,weight,lenhei,measure\n" + lines)
    dst = tmp_path / "out.csv"
    assert cli.main([str(src), "-o", str(dst), "--block-size", "4096"]) == 0
    rows = read(dst)
    assert [r["id"] for r in rows] == [str(i) for i in range(3000)]
    whole = tmp_path / "whole.csv"
    assert cli.main([str(src), "-o", str(whole)]) == 0
    assert whole.read_text() == dst.read_text()


def test_cli_header_only(tmp_path):
    src = write(tmp_path / "in.csv", "sex,age_days\n")
    dst = tmp_path / "out.csv"
    assert cli.main([str(src), "-o", str(dst)]) == 0
    assert read(dst) == []


def test_cli_missing_file_exits_2(tmp_path, capsys):
    assert cli.main([str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out.csv")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"a,b\n1,2\n3,4,5,6\n",
        b"sex,weight\n1,\xff\xfe\n",
    ],
    ids=["empty", "binary", "ragged", "not-utf8"],
)
def test_cli_unreadable_input_exits_2(tmp_path, capsys, content):
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    assert cli.main([str(src), "-o", str(tmp_path / "out.csv")]) == 2
    assert "kampungkb zscore:" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_cli_usage_error_exits_2(capsys):
    assert cli.main([]) == 2
    assert "usage: kampungkb zscore" in capsys.readouterr().err


def test_cli_runs_as_a_process_without_django(tmp_path):
    src = write(tmp_path / "in.csv", "sex,age_days,weight\nP,0,3.2322\n")
    dst = tmp_path / "out.csv"
    env = dict(os.environ, PYTHONPATH=str(Path(cli.__file__).resolve().parents[2]))
    code = (
        "import sys; from kampungkb.anthro.cli import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules; sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(src), "-o", str(dst)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress output when stderr is not a terminal
    assert read(dst)[0]["zwei"] == "0"


def _helps(parser):
    return [parser.description] + [
        a.help for a in parser._actions if a.help and a.help != argparse.SUPPRESS
    ]


def test_the_help_of_zscore_and_of_each_argument_is_in_indonesian():
    shown = [h for h in _helps(cli.build_parser("id")) if h != "show this help message and exit"]
    msgids = [h for h in _helps(cli.build_parser("en")) if h != "show this help message and exit"]
    assert len(shown) == len(msgids) == 4
    assert [m for s, m in zip(shown, msgids, strict=True) if s == m] == []
    assert msgids[0] == cli.DESCRIPTION


def test_help_answers_without_pyarrow_pandas_or_django():
    code = (
        "import sys; from kampungkb.anthro.cli import main; rc = main(['--help']); "
        "heavy = {m.split('.')[0] for m in sys.modules} & {'pyarrow', 'pandas', 'django'}; "
        "sys.exit(rc or len(heavy))"
    )
    env = {k: v for k, v in os.environ.items() if k != "KAMPUNGKB_LANGUAGE"}
    env["PYTHONPATH"] = str(Path(cli.__file__).resolve().parents[2])
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Menghitung z-score WHO" in " ".join(proc.stdout.split())
