"""Read an uploaded file in a child process that may use only so much memory and time.

The server never parses an xlsx or csv itself: ``reader.py`` does, in a fresh Python process
whose address space and CPU time the kernel caps (``ParseLimits``). Whatever the file makes
that process do (allocate 550 GB for a cell at XFD1048576 and abort, loop, unpack a zip bomb)
ends that process; the server sees a refusal and tells the user which limit the file broke.

The child writes the rows to an unnamed temporary file (the rows never sit on disk under a
name, and the file is gone when it is closed), in frames of a couple of thousand rows
(``reader_rows``), which :class:`RowSpool` decodes a frame at a time with one call into C
(``str.split`` or ``json.loads``; never pickle), so the rows of a large file are never all
in memory at once as cells and are not decoded a row at a time.
"""

import datetime
import json
import logging
import resource
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from pathlib import Path

from kampungkb.growth.importing.limits import ParseLimits

logger = logging.getLogger(__name__)
READER = Path(__file__).with_name("reader.py")
_MEMORY_SIGNALS = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}
_TIME_SIGNALS = {signal.SIGXCPU, signal.SIGKILL}


class SheetRefused(Exception):
    """The reader refused the file, or died reading it; ``reason`` names why."""

    def __init__(self, reason: str, details: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.details = details or {}


def sheet_spool(path: Path, *, kind: str, limits: ParseLimits) -> "RowSpool":
    """Read ``path`` (``kind`` xlsx or csv) in a child process within ``limits``.

    Returns the non-blank rows; raises :class:`SheetRefused` when the file breaks a limit or
    the reader dies (a native abort, a signal, the clock).
    """
    spool = tempfile.TemporaryFile(prefix="kampungkb-rows-")  # noqa: SIM115 - RowSpool closes it
    try:
        outcome = _run_reader(path, kind=kind, limits=limits, fd=spool.fileno())
        if "refused" in outcome:
            raise SheetRefused(outcome.pop("refused"), outcome)
        rows = RowSpool(spool, width=int(outcome.get("width") or 0))
        rows.merges = _merges(outcome.get("merges"))
        rows.reader_peak_mb = float(outcome.get("peak_mb") or 0)
        rows.sheet, rows.sheets = str(outcome.get("sheet") or ""), int(outcome.get("sheets") or 0)
        return rows
    except BaseException:
        spool.close()
        raise


def _merges(merges) -> list[tuple[int, int, int, int]]:
    """The merged ranges the reader sent (four numbers a range), or refuse what it is not."""
    if merges is None:
        return []
    if (
        not isinstance(merges, list)
        or len(merges) % 4
        or not all(type(n) is int and n >= 0 for n in merges)
    ):
        raise SheetRefused("failed")
    ranges = iter(merges)
    return list(zip(ranges, ranges, ranges, ranges, strict=True))


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_reader(path: Path, *, kind: str, limits: ParseLimits, fd: int) -> dict:
    config = {**limits.as_dict(), "fd": fd}
    command = [sys.executable, "-I", str(READER), str(path), kind, json.dumps(config)]
    if not sys.executable:
        logger.error("no Python interpreter to run the import reader with (sys.executable)")
        raise SheetRefused("failed")
    start, cpu_before = time.monotonic(), _children_cpu_seconds()
    try:
        done = subprocess.run(  # noqa: S603 - our own program; the file is an argument
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            pass_fds=(fd,),
            env={"LC_ALL": "C.UTF-8"},  # nothing of the server's environment (secrets)
            timeout=2 * limits.seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed it
        raise SheetRefused("time") from None
    except OSError as exc:  # no process could be started (no memory, too many processes)
        logger.error("the import reader could not start: %s", exc)
        raise SheetRefused("failed") from None
    code = done.returncode
    if code < 0:
        logger.warning(
            "import reader killed by signal %s after %.1f s reading %s: %s",
            -code,
            time.monotonic() - start,
            path.name,
            done.stderr[-2000:].decode(errors="replace"),
        )
        # Out of CPU time: the kernel's signal, and the reader used its seconds (measured as
        # the CPU time of this process's children, or on the clock: a CPU-bound reader killed
        # at its limit may stop a hair before a full second of wall time has passed).
        used = max(_children_cpu_seconds() - cpu_before, time.monotonic() - start)
        if -code in _TIME_SIGNALS and used >= 0.95 * limits.seconds:
            raise SheetRefused("time")
        if -code in _MEMORY_SIGNALS or -code in _TIME_SIGNALS:
            raise SheetRefused("memory")
        raise SheetRefused("failed")
    try:
        outcome = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        outcome = None
    if code != 0 or not isinstance(outcome, dict):
        logger.error(
            "import reader failed (exit %s) reading %s: %s",
            code,
            path.name,
            done.stderr[-2000:].decode(errors="replace"),
        )
        raise SheetRefused("failed")
    return outcome


# The rows the reader wrote ---------------------------------------------------------------

_TYPED = {
    "d": datetime.date.fromisoformat,
    "t": datetime.datetime.fromisoformat,
    "h": datetime.time.fromisoformat,
    "s": lambda text: datetime.timedelta(seconds=float(text)),
}
_CELL_SEP, _ROW_SEP = "\x1f", "\x1e"  # reader_rows's separators of a text frame


def _decode_frame(kind: bytes, payload: bytes, count: int, width: int) -> list[list]:
    """The cells of the ``count`` rows of a frame (``reader_rows`` says how it is written).

    Anything but what the reader writes raises ValueError, LookupError or TypeError.
    """
    if kind == b"s":
        rows = list(map(str.split, payload.decode().split(_ROW_SEP), repeat(_CELL_SEP)))
    elif kind == b"j":
        rows, typed = json.loads(payload)
        for index, columns in typed:
            cells = rows[index]
            for i in columns:
                text = cells[i]
                cells[i] = _TYPED[text[0]](text[1:])
    else:
        raise ValueError(kind)
    if len(rows) != count or not all(map(list.__instancecheck__, rows)):
        raise ValueError("frame")
    if width:  # an xlsx row is written without its empty cells at the end
        for cells in rows:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
    return rows


class RowSpool:
    """The rows a reader wrote: read in order, or a few again by their row number.

    Holds in memory each row's number (8 bytes a row) and where each frame of rows starts;
    the cells are decoded a frame (a couple of thousand rows) at a time. Every row of an xlsx
    is given ``width`` cells, the width of the sheet's widest row, as a sheet is a rectangle.
    """

    reader_peak_mb: float = 0.0  # the largest resident size of the reader that wrote them
    sheet: str = ""  # an xlsx's sheet that was read (its first visible one)
    sheets: int = 0  # how many sheets of an xlsx its user sees

    def __init__(self, file, *, width: int = 0):
        self._file = file
        self.width = width
        self._closer = weakref.finalize(self, file.close)
        self.numbers = array("q")
        self._firsts = array("q")  # the index of each frame's first row
        self._offsets = array("q")  # where each frame's payload starts
        self._sizes = array("q")
        self._kinds: list[bytes] = []
        self._cached: tuple[int, list[list]] | None = None  # the frame cells_at read last
        # An xlsx's merged ranges: (top row, first column from 0, bottom row, last column)
        self.merges: list[tuple[int, int, int, int]] = []
        self._fills: dict[int, list] = {}  # by frame: the merged ranges filled in its rows
        file.seek(0)
        try:
            while header := file.readline():
                kind, size, numbers = header.split(b" ")
                size = int(size)
                self._firsts.append(len(self.numbers))
                self._offsets.append(file.tell())
                self._sizes.append(size)
                self._kinds.append(kind)
                before = self.numbers[-1] if self.numbers else 0
                self.numbers.extend(map(int, numbers.split(b",")))
                if self.numbers[self._firsts[-1]] <= before:
                    raise ValueError("numbers")
                file.seek(size, 1)
        except (ValueError, OverflowError):
            raise SheetRefused("failed") from None

    def __len__(self) -> int:
        return len(self.numbers)

    def close(self) -> None:
        self._closer()

    def _frame(self, index: int) -> list[list]:
        file = self._file
        file.seek(self._offsets[index])
        payload = file.read(self._sizes[index])
        first = self._firsts[index]
        end = self._firsts[index + 1] if index + 1 < len(self._firsts) else len(self.numbers)
        rows = _decode_frame(self._kinds[index], payload, end - first, self.width)
        fills = self._fills.get(index)
        if fills:
            numbers = self.numbers[first:end]
            for top, bottom, start, stop, value in fills:
                filled = [value] * (stop - start)
                for cells in rows[bisect_left(numbers, top) : bisect_right(numbers, bottom)]:
                    cells[start:stop] = filled
        return rows

    def fill_merged(self, header_row: int) -> None:
        """Read every merged range below ``header_row`` as the user sees it: the value of
        its first (top-left) cell in each of its cells, in the rows read from now on (an
        officer merges a family's No KK and address over its members' rows, a posyandu over
        its children's). A range that starts in the header row or above it (a title merged
        across the columns, a header over two) is left as it is: only its first cell holds
        a value. A row blank but for a range is not read (it is blank to the user but for a
        taller cell beside it); a range is filled as far as the sheet's widest row (no
        column past it has a header), and the cells filled are cells every row already has.
        """
        self._fills, self._cached = {}, None
        numbers, firsts, width = self.numbers, self._firsts, self.width
        fills: dict[int, list] = {}
        read: tuple[int, list[list]] | None = None  # the frame of the last first cell
        for top, first, bottom, last in sorted(self.merges):
            last = min(last, width - 1)
            low, high = bisect_left(numbers, top), bisect_right(numbers, bottom)
            if top <= header_row or low == high or first > last:
                continue
            value = ""  # a range whose first row is blank: blank where the user sees it
            index = low
            if numbers[index] == top:
                frame = bisect_right(firsts, index) - 1
                if read is None or read[0] != frame:
                    read = (frame, self._frame(frame))
                value = read[1][index - firsts[frame]][first]
            fill = (top, bottom, first, last + 1, value)
            for frame in range(bisect_right(firsts, low) - 1, bisect_right(firsts, high - 1)):
                fills.setdefault(frame, []).append(fill)
        self._fills = fills

    def frames(self, start: int = 0) -> Iterator[tuple[Sequence[int], list[list]]]:
        """(row numbers, cells of those rows) a frame at a time, from the ``start``-th row
        on, in file order: the rows of :meth:`records` without a Python step a row."""
        if start >= len(self.numbers):
            return
        for index in range(bisect_right(self._firsts, start) - 1, len(self._firsts)):
            rows = self._frame(index)
            first = self._firsts[index]
            if start > first:
                rows = rows[start - first :]
                first = start
            yield self.numbers[first : first + len(rows)], rows

    def records(self, start: int = 0) -> Iterator[tuple[int, list]]:
        """(row number, cells) of every row from the ``start``-th on, in file order."""
        for numbers, rows in self.frames(start):
            yield from zip(numbers, rows, strict=True)

    def cells_of(self, numbers: Iterable[int]) -> "RowCells":
        return RowCells(self, sorted(set(numbers)))

    def cells_at(self, number: int) -> list:
        index = bisect_left(self.numbers, number)
        if index == len(self.numbers) or self.numbers[index] != number:
            raise KeyError(number)
        frame = bisect_right(self._firsts, index) - 1
        if self._cached is None or self._cached[0] != frame:
            self._cached = (frame, self._frame(frame))
        return list(self._cached[1][index - self._firsts[frame]])


class RowCells(Mapping):
    """Cells of some rows by row number, read from the spool when asked for (the rejected rows
    of a file where every row is rejected would otherwise all be in memory)."""

    def __init__(self, spool: RowSpool, numbers: list[int]):
        self._spool = spool
        self._numbers = numbers

    def __getitem__(self, number: int) -> list:
        index = bisect_left(self._numbers, number)
        if index == len(self._numbers) or self._numbers[index] != number:
            raise KeyError(number)
        return self._spool.cells_at(number)

    def __iter__(self) -> Iterator[int]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)
