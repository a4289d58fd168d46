"""``kampungkb batch``: reading exports, bad rows, unusable input, help, no Django."""

import argparse
import datetime
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from kampungkb.batch import cli, run, sources
from tests.batch import samples
from tests.batch.conftest import read_back
from tests.test_cli import run_unconfigured

#: Indonesia's easternmost time zone (UTC+9): the day a national run's "today" is.
_WIT = datetime.timezone(datetime.timedelta(hours=9))


def _csv(path, rows, **kwargs):
    samples.write_csv(path, rows, **kwargs)
    return str(path)


def _row(name, born, day, *, height, desa="19.06.01.2002", nik="", weight=9.5):
    return {
        "NIK": nik, "Nama": name, "JK": "L", "Tgl Lahir": born, "Kode Desa": desa,
        "Desa/Kel": "", "Tanggal Pengukuran": day, "Berat": weight, "Tinggi": height,
        "Cara Ukur": "Telentang", "LiLA": None,
    }  # fmt: skip


def test_bad_rows_are_counted_with_their_reason_and_line_and_do_not_stop_the_run(exports, tmp_path):
    parts = sources.plan([str(exports / "a.csv")])
    summary = run.run_single(parts, str(tmp_path / "out"), task="zscores")
    # The rows of children past five too (the samples have some), as the web refuses them.
    old = summary.bad.pop(sources.BAD_OLD)
    assert summary.bad == {
        sources.BAD_BIRTH: 1, sources.BAD_CODE: 1, sources.BAD_NUMBER: 1, sources.BAD_AGE: 1,
        sources.BAD_SEX: 1, sources.BAD_COLUMNS: 1,
    }  # fmt: skip
    lines = len((exports / "a.csv").read_text(encoding="utf-8").splitlines())
    # The title line and the header come first: the first bad row is the sixth from the end,
    # the row cut short the last.
    assert summary.examples[sources.BAD_BIRTH] == [(0, lines - 5)]
    assert summary.examples[sources.BAD_COLUMNS] == [(0, lines)]
    assert summary.used == summary.rows - 6 - old > 100


def test_a_child_counts_once_per_period_by_its_latest_valid_measurement(tmp_path):
    import datetime

    born, jan = datetime.date(2023, 1, 10), datetime.date(2024, 1, 5)
    rows = [
        _row("A", born, jan, height=62.0),  # stunted on the 5th ...
        _row("A", born, jan.replace(day=20), height=76.0),  # ... not on the 20th: not a case
        _row("B", born, jan, height=62.0),  # stunted
        _row("B", born, jan.replace(day=25), height=30.0),  # flagged later: B stays a case
        _row("C", datetime.date(2018, 1, 1), jan, height=62.0),  # past five: not counted
    ]
    path = _csv(tmp_path / "x.csv", rows)
    run.run_single(sources.plan([path]), str(tmp_path / "out"), task="prevalence", level="desa")
    table = read_back(tmp_path / "out", ["indicator"]).set_index("indicator")
    assert (table.loc["stunting", "n"], table.loc["stunting", "cases"]) == (2, 1)
    assert table.loc["stunting", "n_records"] == 4
    assert table.loc["stunting", "prevalence"] == 0.5


def test_decimal_commas_semicolons_ten_digit_codes_and_xlsx_dates_are_read(exports):
    b = sources.read_part(sources.plan([str(exports / "sub" / "b.csv")])[0])
    c = sources.read_part(sources.plan([str(exports / "sub" / "c.xlsx")])[0])
    for read in (b, c):
        assert read["alasan"].isin(["", sources.BAD_OLD]).all()  # the samples' children past five
        frame = read[read["alasan"] == ""]
        assert frame["berat"].between(0.5, 60).all()
        assert frame["tanggal"].min() >= 19723  # 2024-01-01
        assert set(frame["kode_desa"]) <= {*samples.DESA[:5], "19.01.03.2005"}


def test_the_parts_are_read_in_full_whatever_the_block_size(exports):
    whole = sources.plan([str(exports / "a.csv")])
    split = sources.plan([str(exports / "a.csv")], block_size=2000)
    assert len(whole) == 1 and len(split) > 5
    a = sources.read_part(whole[0])
    b = pd.concat([sources.read_part(p) for p in split], ignore_index=True)
    pd.testing.assert_frame_equal(
        a.sort_values("baris", ignore_index=True), b.sort_values("baris", ignore_index=True)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Nama,Berat\nA,9\n", "tidak ditemukan baris judul kolom e-PPGBM"),
        ("Nama,Tgl Lahir,Tanggal Pengukuran\nA,1/1/2023,1/1/2024\n", "kolom wajib tidak ada"),
        ("", "berkas kosong"),
    ],
)
def test_an_unusable_file_stops_with_an_indonesian_line_and_exit_2(
    tmp_path, capsys, content, message
):
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    code = cli.main(["prevalence", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o"), "--single"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_inputs_and_a_used_output_are_refused(tmp_path, exports, capsys):
    assert cli.main(["zscores", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "masukan tidak ditemukan" in capsys.readouterr().err
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    args = ["zscores", str(exports / "a.csv"), "-o", str(tmp_path / "used"), "--single"]
    assert cli.main(args) == 2
    assert "keluaran sudah ada" in capsys.readouterr().err


def test_the_command_runs_on_an_existing_scheduler(exports, tmp_path, capsys):
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, processes=False, protocol="tcp", dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        out = tmp_path / "o"
        code = cli.main(
            ["prevalence", str(exports / "sub"), "-o", str(out), "--scheduler", address,
             "--level", "kecamatan", "--period", "quarter"]
        )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "baris dibaca" in capsys.readouterr().err
    table = read_back(out, ["wilayah_kode", "periode", "indicator"])
    assert set(table["level"]) == {"kecamatan"} and table["periode"].str.contains("-Q").all()
    assert (out / "_berkas.csv").exists()


def test_an_unreachable_scheduler_is_an_indonesian_line(exports, tmp_path, capsys):
    args = ["zscores", str(exports / "a.csv"), "-o", str(tmp_path / "o")]
    assert cli.main([*args, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "tidak dapat dihubungi" in capsys.readouterr().err


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield choice.help
            for sub in action.choices.values():
                yield sub.description
                yield from _actions(sub)
        elif action.help and action.help != argparse.SUPPRESS:
            yield action.help


def test_the_help_of_batch_and_of_each_argument_is_in_indonesian(tmp_path):
    indonesian = build = cli.build_parser("id")
    english = cli.build_parser("en")
    shown = [h for h in _actions(indonesian) if h != "show this help message and exit"]
    msgids = [h for h in _actions(english) if h != "show this help message and exit"]
    assert len(shown) == len(msgids) > 10
    untranslated = [m for s, m in zip(shown, msgids, strict=True) if s == m]
    assert untranslated == []
    assert build.description != cli.DESCRIPTION
    for args in (["batch", "--help"], ["batch", "prevalence", "--help"]):
        out = run_unconfigured(tmp_path, *args)
        assert out.returncode == 0 and out.stderr == ""
        words = " ".join(out.stdout.split())
        assert "tingkat wilayah prevalensi" in words or "Analitik batch nasional" in words


def test_the_batch_needs_no_django():
    code = (
        "import sys, kampungkb.batch.cli, kampungkb.batch.run, kampungkb.batch.compute, "
        "kampungkb.batch.sources, kampungkb.anthro.summaries; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_a_nik_in_other_digits_is_the_same_child_as_in_ascii():
    """A NIK written in fullwidth or Arabic-Indic digits keys the same child as in ASCII
    (the web import stores it in ASCII), never a second one; digits like ² are no NIK."""
    ascii_nik = "1906010101240001"
    fullwidth = ascii_nik.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    arabic = ascii_nik.translate({ord(c): 0x0660 + int(c) for c in "0123456789"})
    niks, reasons = sources.read_niks(
        pd.Series([ascii_nik, fullwidth, arabic, "190601010124000²"], dtype="str")
    )
    n = len(niks)
    keys = sources.child_keys(
        np.array(["19.06.01.2001"] * n, dtype=object), niks,
        pd.Series(["Anak"] * 3 + ["Lain"], dtype="str"), np.array([1] * n),
        np.array(["L"] * n, dtype=object),
    )  # fmt: skip
    assert len(set(keys[:3])) == 1 and keys[3] != keys[0]
    assert list(reasons) == ["", "", "", sources.BAD_NIK]  # as the web import refuses it


def test_a_date_after_the_day_of_the_run_is_refused_as_the_web_refuses_it(tmp_path):
    """The form and the web import refuse a measurement or a birth dated in the future; the
    batch counted such a row in its future period (a 2099 prevalence)."""
    import dataclasses
    import datetime

    today = datetime.datetime.now(_WIT).date()  # the run's day: Indonesia's latest
    tomorrow = today + datetime.timedelta(days=1)
    born = today - datetime.timedelta(days=400)
    rows = [
        _row("A", born, today, height=74.0),  # today: fine
        _row("B", born, tomorrow, height=74.0),  # measured tomorrow
        _row("C", tomorrow, datetime.date(2099, 1, 5), height=74.0),  # born tomorrow
    ]
    path = _csv(tmp_path / "x.csv", rows)
    summary = run.run_single(sources.plan([path]), str(tmp_path / "out"), task="prevalence")
    assert summary.bad == {sources.BAD_FUTURE: 2}
    table = read_back(tmp_path / "out", ["indicator"]).set_index("indicator")
    assert table.loc["stunting", "n"] == 1
    assert set(table["periode"]) == {f"{today.year}-{today.month:02d}"}
    # The day is the one the run was planned on, whenever a worker reads the part.
    (part,) = sources.plan([path])
    planned_earlier = dataclasses.replace(
        part, today=(today - datetime.timedelta(days=2) - sources.EPOCH).days
    )
    frame = sources.read_part(planned_earlier)
    assert list(frame["alasan"]) == [sources.BAD_FUTURE] * 3


def test_a_weighing_of_this_morning_in_wit_is_not_refused_on_a_utc_server(tmp_path, monkeypatch):
    """The run's "today" is Indonesia's latest (WIT, UTC+9), not the machine's: a server on
    UTC (here a clock further west still, so the dates differ at nearly every hour) refused a
    row dated today in Papua as dated in the future, which the web installation there had
    stored."""
    import datetime
    import time

    wit_today = datetime.datetime.now(_WIT).date()
    born = wit_today - datetime.timedelta(days=400)
    path = _csv(tmp_path / "x.csv", [_row("A", born, wit_today, height=74.0)])
    monkeypatch.setenv("TZ", "Etc/GMT+12")  # UTC-12
    time.tzset()
    try:
        (part,) = sources.plan([path])
        assert list(sources.read_part(part)["alasan"]) == [""]
    finally:
        monkeypatch.undo()
        time.tzset()
    at = datetime.datetime(2026, 11, 30, 20, tzinfo=datetime.UTC)  # 05:00 WIT on 1 December
    assert sources.run_day(at) == (datetime.date(2026, 12, 1) - sources.EPOCH).days
