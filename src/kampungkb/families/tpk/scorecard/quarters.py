"""Quarters (kuartal), the scorecard's period: parsed from ``2026-3``, with their months."""

import datetime
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^\s*(\d{4})\s*-\s*(?:[qQkK])?([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    tahun: int
    kuartal: int

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None, *, default: "Quarter") -> "Quarter":
        """The quarter written ``2026-3`` (or ``2026-Q3``); ``default`` for anything else.

        >>> Quarter.parse("2026-Q3", default=Quarter(2000, 1))
        Quarter(tahun=2026, kuartal=3)
        >>> Quarter.parse("2026-5", default=Quarter(2000, 1))
        Quarter(tahun=2000, kuartal=1)
        """
        match = _QUARTER.match(text or "")
        if not match or not 2000 <= int(match[1]) <= 2100:
            return default
        return cls(int(match[1]), int(match[2]))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.tahun, 3 * self.kuartal - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) of its three months."""
        return [(self.tahun, 3 * self.kuartal - 2 + i) for i in range(3)]

    def next(self) -> "Quarter":
        return (
            Quarter(self.tahun + 1, 1)
            if self.kuartal == 4
            else Quarter(self.tahun, self.kuartal + 1)
        )

    def previous(self) -> "Quarter":
        return (
            Quarter(self.tahun - 1, 4)
            if self.kuartal == 1
            else Quarter(self.tahun, self.kuartal - 1)
        )

    @property
    def code(self) -> str:
        return f"{self.tahun}-{self.kuartal}"

    def __str__(self) -> str:
        return f"K{self.kuartal} {self.tahun}"
