"""Dense, lazily loaded WHO LMS tables.

Every table becomes three flat float64 arrays (L, M, S) indexed by
``sex * width + key`` where ``key`` is the whole day, the whole month or the
length in millimetres (``round(cm * 10)``).  Keys with no table row hold NaN,
and one extra slot at the very end (``Table.sentinel``) is always NaN: a row
that must not get a z-score is pointed at it, so a lookup is a plain gather
and invalid rows come out as NaN without any masking.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

# file name, number of key slots per sex
_FILES = {
    "wfa": ("who2006_wfa_by_day.csv", 1827),
    "lhfa": ("who2006_lhfa_by_day.csv", 1827),
    "bmifa": ("who2006_bmifa_by_day.csv", 1827),
    "hcfa": ("who2006_hcfa_by_day.csv", 1827),
    "acfa": ("who2006_acfa_by_day.csv", 1827),
    "tsfa": ("who2006_tsfa_by_day.csv", 1827),
    "ssfa": ("who2006_ssfa_by_day.csv", 1827),
    "wfl": ("who2006_wfl_by_length.csv", 1202),
    "wfh": ("who2006_wfh_by_height.csv", 1202),
    "hfa2007": ("who2007_hfa_by_month.csv", 230),
    "wfa2007": ("who2007_wfa_by_month.csv", 230),
    "bfa2007": ("who2007_bfa_by_month.csv", 230),
}

#: Tables whose z-scores use WHO's restricted LMS formula beyond ±3 SD (ALGORITHM.md §1);
#: length/height-for-age and head circumference-for-age use the plain formula throughout.
RESTRICTED_TABLES = frozenset(
    {"wfa", "bmifa", "acfa", "tsfa", "ssfa", "wfl", "wfh", "wfa2007", "bfa2007"}
)


@dataclass(frozen=True)
class Table:
    """LMS parameters of one reference table as flat gather-ready arrays."""

    name: str
    width: int
    l: np.ndarray  # noqa: E741 - the LMS names are the standard ones
    m: np.ndarray
    s: np.ndarray
    #: True when L == 1 everywhere, so z = (y/M - 1)/S exactly.
    l_is_one: bool

    @property
    def sentinel(self) -> int:
        """Index of the always-NaN slot."""
        return 3 * self.width


@functools.cache
def get_table(name: str) -> Table:
    """Load table ``name`` (e.g. ``"wfa"``) once and return it."""
    file_name, width = _FILES[name]
    size = 3 * width + 1  # sex 0 (unused), 1, 2, then the NaN sentinel
    lms = np.full((3, size), np.nan)
    path = DATA_DIR / file_name
    with open(path, encoding="utf-8") as handle:
        key_col = handle.readline().split(",")[1]
    # numpy's C parser: half the time of csv.reader, and the tables are part of the start-up
    # of every ``kampungkb zscore``.
    rows = np.loadtxt(path, delimiter=",", usecols=(0, 1, 2, 3, 4), skiprows=1, ndmin=2)
    key = rows[:, 1]
    if key_col in ("length_cm", "height_cm"):
        key = np.round(key * 10)
    index = rows[:, 0].astype(np.intp) * width + key.astype(np.intp)
    lms[:, index] = rows[:, 2:5].T
    valid = ~np.isnan(lms[0])
    for arr in lms:
        arr.flags.writeable = False
    return Table(
        name=name,
        width=width,
        l=lms[0],
        m=lms[1],
        s=lms[2],
        l_is_one=bool(np.all(lms[0][valid] == 1.0)),
    )
