"""Independent reference values read straight from the WHO CSVs (plain Python floats)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "kampungkb" / "anthro" / "data"


@functools.cache
def table(file_name: str) -> dict[tuple[int, str], tuple[float, float, float]]:
    """{(sex, key-as-written): (L, M, S)}."""
    with open(DATA / file_name, newline="") as handle:
        rows = list(csv.DictReader(handle))
    key = next(iter(rows[0].keys() - {"sex", "l", "m", "s", "measure"}))
    return {(int(r["sex"]), r[key]): (float(r["l"]), float(r["m"]), float(r["s"])) for r in rows}


def lms(file_name: str, sex: int, key) -> tuple[float, float, float]:
    return table(file_name)[(sex, str(key))]


def sd(l: float, m: float, s: float, k: float) -> float:  # noqa: E741
    """Measurement at z = k."""
    return m * (1 + l * s * k) ** (1 / l)


def z_plain(y: float, l: float, m: float, s: float) -> float:  # noqa: E741
    return ((y / m) ** l - 1) / (s * l)


def z_restricted(y: float, l: float, m: float, s: float) -> float:  # noqa: E741
    z0 = z_plain(y, l, m, s)
    if z0 > 3:
        return 3 + (y - sd(l, m, s, 3)) / (sd(l, m, s, 3) - sd(l, m, s, 2))
    if z0 < -3:
        return -3 + (y - sd(l, m, s, -3)) / (sd(l, m, s, -2) - sd(l, m, s, -3))
    return z0
