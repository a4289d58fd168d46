"""kampungkb zscore writes the bytes its earlier implementation wrote, block after block.

The reference is the implementation of before the fast writer (``_cli_reference``: pyarrow's
CSV writer), run on the same real files.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kampungkb.anthro import _zscore_csv, cli, value_at_z

from . import _cli_reference

SRC = str(Path(cli.__file__).resolve().parents[2])
HEADER = ["id", "sex", "age_days", "weight", "lenhei", "measure", "oedema", "headc", "armc"]
HEADER += ["triskin", "subskin", "note"]


def _sample(n: int, seed: int = 7) -> list[list[str]]:
    """Rows of every kind: both sexes, 0 to 19 years, measurements from the engine's own
    tables around the median and far beyond, missing values, bad values, odd spellings."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = np.round(rng.uniform(0, 6940, n), 1)
    z = rng.normal(0, 2.5, n)
    z[rng.random(n) < 0.02] *= 40  # far beyond the tables' range of rounded z-scores
    young = age < 1856

    def value(table, *, digits=1, days=age):
        v = value_at_z(table, sex=sex, z=z, age_days=days, restricted=False)
        return np.round(v, digits)

    lenhei = np.where(young, value("lhfa"), value("hfa2007"))
    weight = np.where(young, value("wfa", digits=3), value("wfa2007", digits=2))
    rows = []
    for i in range(n):
        sexes = ("1", "2", "L", "P", "m", "f", " l ", "Perempuan", "laki-laki", "2.0")
        row = {
            "id": f"{i}",
            "sex": sexes[i % len(sexes)] if rng.random() < 0.5 else str(sex[i]),
            "age_days": f"{age[i]}",
            "weight": f"{weight[i]}",
            "lenhei": f"{lenhei[i]}",
            "measure": ("l" if age[i] < 731 else "h") if rng.random() < 0.97 else "L",
            "oedema": ("n", "", "y", "N", "1", "2", "false")[i % 7],
            "headc": f"{value('hcfa')[i]}",
            "armc": f"{value('acfa')[i]}" if age[i] >= 91 else "",
            "triskin": f"{value('tsfa')[i]}" if age[i] >= 91 else "",
            "subskin": f"{value('ssfa')[i]}" if age[i] >= 91 else "",
            "note": ("", "ok", 'kata "ibu", lalu', "désa, 2", " padded ")[i % 5],
        }
        for name in ("weight", "lenhei", "headc", "armc"):
            if row[name] == "nan":
                row[name] = ""
        rows.append([row[h] for h in HEADER])
    bad = {
        "sex": ["x", "", "NA", "3"],
        "age_days": ["-3", "abc", "", "1e3", " 400 ", "400,5"],
        "weight": ["-1", "0", "abc", "9,5", "NaN", " 8.1", "inf", "null", "+7.5", ".9e1"],
        "lenhei": ["-70", "75,0", "nan", "", "500", "5"],
        "measure": ["q", "", "H", " h "],
        "oedema": ["z", "Y", "true", "NONE"],
        "triskin": ["-0.4", "x"],
        "armc": ["14,5", "abc"],
    }
    for name, values in bad.items():
        col = HEADER.index(name)
        for j, text in enumerate(values):
            rows[(37 * j + 11 * col) % n][col] = text
    return rows


def _write(path: Path, rows, header=HEADER, newline="\n") -> Path:
    def cell(text):
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"') else text

    lines = [",".join(cell(t) for t in r) for r in [header, *rows]]
    path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return path


def _both(tmp_path, src, *args, **options) -> tuple[bytes, bytes]:
    """Today's output (through the command line) and the reference's, of the same file."""
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    assert cli.main([str(src), "-o", str(new), *args]) == 0
    _cli_reference.run(str(src), str(old), **options)
    return new.read_bytes(), old.read_bytes()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("sample") / "in.csv", _sample(3000))


def test_varied_rows_give_the_bytes_of_the_earlier_writer(tmp_path, sample):
    new, old = _both(tmp_path, sample)
    assert new == old
    text = new.decode()
    assert "jenis kelamin tidak dikenal" in text and "berat badan bukan angka" in text
    assert '"kata ""ibu"", lalu"' in text and '"désa, 2"' in text


def test_unrounded_output_gives_the_bytes_of_the_earlier_writer(tmp_path, sample):
    new, old = _both(tmp_path, sample, "--unrounded", rounded=False)
    assert new == old


def test_small_blocks_give_the_bytes_of_one_block(tmp_path, sample):
    """Blocks of 2 KiB split the 3,000 rows into about a hundred batches."""
    new, old = _both(tmp_path, sample, "--block-size", "2048")
    assert new == old


def test_z_scores_beyond_the_table_are_formatted_on_their_own(tmp_path):
    rows = [["1", "1", "0", "3", "500", "l"], ["2", "2", "30", "4", "20", "l"]]
    src = _write(tmp_path / "in.csv", rows, header=HEADER[:6])
    new, old = _both(tmp_path, src)
    assert new == old
    zlen = new.decode().splitlines()[1].split(",")[8]
    assert float(zlen) > 100  # beyond the table of rounded z-scores


@pytest.mark.parametrize(
    "token",
    ["1E3", "NaN", "inf", "-Infinity", "+7.5", ".5", "5.", "007", "-0", " 8", "8,5", "NA", "x"],
)
def test_each_number_spelling_reads_as_before(tmp_path, token):
    """A column of plain numbers and one odd spelling: cast at once or read the careful way."""
    rows = [[str(i), "1", "400", "9.1", "75"] for i in range(5)]
    rows[2][3] = token
    src = _write(tmp_path / "in.csv", rows, header=["id", "sex", "age_days", "weight", "lenhei"])
    new, old = _both(tmp_path, src)
    assert new == old


def test_columns_in_any_case_order_and_padding_read_as_before(tmp_path):
    header = [" Weight", "SEX", "extra", "Age_Days ", "lenhei", "zlen", "measure"]
    rows = [["9", "1", "a", "400", "75", "old", "l"], ["", "2", "", "1000", "", "", ""]]
    src = _write(tmp_path / "in.csv", rows, header=header, newline="\r\n")
    new, old = _both(tmp_path, src)
    assert new == old
    assert new.decode().splitlines()[0].startswith('" Weight","SEX","extra","Age_Days ","lenhei"')


def test_a_block_of_more_rows_than_one_window_is_written_whole(tmp_path):
    n = _zscore_csv._WINDOW + 1000
    rows = [[str(i), "12.5", str(i % 1800), "1" if i % 3 else "2"] for i in range(n)]
    src = _write(tmp_path / "in.csv", rows, header=["id", "weight", "age_days", "sex"])
    new, old = _both(tmp_path, src, "--block-size", str(64 << 20))
    assert new == old
    assert new.count(b"\n") == n + 1


def _peak_rss_mib(src: Path, dst: Path, block_size: int) -> float:
    code = (
        "import resource, sys; from kampungkb.anthro.cli import main; "
        "rc = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)"
    )
    args = [str(src), "-o", str(dst), "--block-size", str(block_size)]
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=dict(os.environ, PYTHONPATH=SRC),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return float(proc.stdout)


def test_memory_follows_the_block_not_the_file(tmp_path):
    """100 times the rows cost about the same memory: the file is streamed in blocks."""
    rows = _sample(2000, seed=11)
    small = _write(tmp_path / "small.csv", rows)
    body = small.read_text(encoding="utf-8").split("\n", 1)[1]
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write(small.read_text(encoding="utf-8"))
        for _ in range(99):
            handle.write(body)  # 200,000 rows, a 10 MB file
    block = 256 << 10
    base = _peak_rss_mib(small, tmp_path / "o1.csv", block)
    peak = _peak_rss_mib(big, tmp_path / "o2.csv", block)
    out_mib = (tmp_path / "o2.csv").stat().st_size / 2**20
    assert (tmp_path / "o2.csv").read_bytes().count(b"\n") == 200_001
    # Holding the whole file would add the size of its output (~50 MiB) and the engine's
    # arrays (as much again); a streamed run adds a few blocks' worth.
    assert peak - base < out_mib / 3, (base, peak, out_mib)


def test_a_run_imports_neither_pandas_nor_django(tmp_path, sample):
    code = (
        "import sys; from kampungkb.anthro.cli import main; rc = main(sys.argv[1:]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'django'}); "
        "print(heavy); sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(sample), "-o", str(tmp_path / "out.csv")],
        env=dict(os.environ, PYTHONPATH=SRC),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_empty_columns_and_a_byte_order_mark_read_as_before(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b'\xef\xbb\xbf"id",sex,age_days,weight,armc,note\n1,1,400,9,,\n2,2,500,,,\n')
    new, old = _both(tmp_path, src)
    assert new == old
    assert new.splitlines()[2].startswith(b'"2","2","500","","","",,')


def test_the_output_has_the_permissions_of_a_file_the_user_writes(tmp_path, sample):
    # Written to a private temporary file (0600) and renamed: the output kept those modes,
    # unreadable by the colleagues a umask of 022 or 027 lets read the user's files.
    out = tmp_path / "out.csv"
    umask = os.umask(0o027)
    try:
        assert cli.main([str(sample), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
        # A file it replaces keeps its own permissions.
        out.chmod(0o600)
        assert cli.main([str(sample), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    finally:
        os.umask(umask)
    # No temporary file is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
