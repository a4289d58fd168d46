"""What a scorecard cell is made of, shared by the derivers: the values, the ``Cell``, the
``Ctx`` (one target in one quarter, with the facts), and the registry of derivers
(``register``, ``DERIVERS``). ``derive`` (the rules and the general derivers) and
``derive_pregnancy`` (the pregnancy ones) both build on it."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.scorecard.catalogue import BY_KEY
from kampungkb.families.tpk.scorecard.facts import Facts

Y, T, TS = "Y", "T", "TS"
# The indicators whose applicability the data may not tell (risk status unknown): the KPM may
# enter TS for them as well as Y or T.
TS_ENTERABLE = ("ih_kunjungan_risti", "an_kunjungan_gizi")
DERIVED, RULE, ENTERED = "derived", "rule", "entered"

# Counselling visits a pregnant woman needs in a quarter, by trimester (OpenSID).
KIE_PER_QUARTER = {1: 1, 2: 1, 3: 2}


@dataclass(frozen=True)
class Cell:
    value: str  # Y, T, TS or "" (not filled)
    source: str = ""  # derived, rule, entered or ""
    note: str = ""  # where the answer came from, in words
    entered: str = ""  # the KPM's value, when one is stored (shown beside a derived one)

    @property
    def editable(self) -> bool:
        """Whether the KPM may enter this cell (neither a rule nor the data decide it)."""
        return self.source in ("", ENTERED)


@dataclass
class Ctx:
    """One target in one quarter, with what the derivers need."""

    target: Target
    group: str
    facts: Facts
    on: datetime.date  # the last day of the quarter the target was in its stage (to date)
    delivered: bool = False

    @property
    def quarter(self):
        return self.facts.quarter

    @property
    def age_months(self) -> int | None:
        child = self.target.child
        if child is None:
            return None
        born = child.tanggal_lahir
        months = (self.on.year - born.year) * 12 + self.on.month - born.month
        return months - (self.on.day < born.day)

    def months(self, since: datetime.date | None = None) -> list[tuple[int, int]]:
        """The quarter's months from ``since`` (or its start) up to ``on``."""
        first = max(self.quarter.start, since or self.quarter.start)
        return [
            (y, m)
            for y, m in self.quarter.months
            if (y, m) >= (first.year, first.month) and (y, m) <= (self.on.year, self.on.month)
        ]

    @cached_property
    def measurements(self) -> list[dict]:
        rows = self.facts.measurements.get(self.target.child_id, [])
        return [r for r in rows if r["tanggal"] <= self.on]

    @cached_property
    def visits(self) -> list[dict]:
        return [v for v in self.facts.visits.get(self.target.pk, []) if v["tanggal"] <= self.on]


def _month_names(months) -> str:
    return ", ".join(f"{m:02d}/{y}" for y, m in months) or "–"


Deriver = Callable[[Ctx], Cell | None]
DERIVERS: dict[str, Deriver] = {}


def register(key: str):
    """Register the deriver of indicator ``key`` (replacing any before it)."""
    if key not in BY_KEY:
        raise KeyError(key)

    def wrap(fn: Deriver) -> Deriver:
        DERIVERS[key] = fn
        return fn

    return wrap


def _derived(ok: bool, note: str) -> Cell:
    return Cell(Y if ok else T, DERIVED, note)
