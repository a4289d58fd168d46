"""The algebra of complementary suppression: which more cells to hide so that no hidden one
follows from the published sums, in one version or in all the versions of a period together.

Plain Python and numpy over cells and their values: ``publication`` says what the cells, the
sums and the versions are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np


def complementary_cells(
    values: dict[Hashable, int],
    hidden: Iterable[Hashable],
    sums: Iterable[tuple[Hashable, list[Hashable]]],
    *,
    published: Iterable[tuple[dict[Hashable, int], set[Hashable], list]] = (),
    known_zeros: Iterable[Hashable] | None = None,
) -> set[Hashable]:
    """Return the cells to hide besides ``hidden`` so that no hidden value can be derived.

    ``values`` holds every cell's value; ``sums`` lists each total with the cells that add up
    to it. A hidden cell can be derived when the equations "total = sum of its parts", with
    the shown values put in, pin it down (``_derivable``), or when the hidden parts of a sum
    whose total is shown add up to 0 (counts are never negative, so each of them is 0). While
    some can, one more shown cell of their equations is hidden: not a total where another
    will do, then the one that leaves the fewest derivable, then a cell of the same sum, then
    the smallest value. A cell whose value is 0 counts as known when it is one of
    ``known_zeros`` (a reader can tell it: no child measured means no case), and is then
    never relied on to hide another; ``None``: every cell of value 0 (an empty cell). Any
    other 0 is protected like any small value ("none of these children is stunted" is what
    a hidden 0 must not give away).

    ``published`` lists the versions of the same period already out, each as its
    ``(values, hidden, sums)``: a reader may hold them all, so the equations of every version
    are solved together (:class:`_Versions`) and no hidden cell of any of them may follow.
    Their hidden cells are fixed; only cells of the new version can still be hidden.

    >>> sums = [("kec", ["a", "b", "c"])]
    >>> sorted(complementary_cells({"kec": 12, "a": 2, "b": 4, "c": 6}, {"a"}, sums))
    ['b']
    >>> sorted(complementary_cells({"kec": 12, "a": 2, "b": 4, "c": 6}, {"a", "c"}, sums))
    []

    Version 1 hid ``a`` and ``b``; in version 2 ``b`` grew to 9 and ``c`` is now the smallest
    sibling, but ``c``'s 6 was shown in version 1: together they would give ``a`` away, so
    the new ``b`` is hidden instead.

    >>> v1 = ({"kec": 20, "a": 2, "b": 4, "c": 6, "d": 8}, {"a", "b"}, [("kec", list("abcd"))])
    >>> v2 = {"kec": 25, "a": 2, "b": 9, "c": 6, "d": 8}
    >>> sorted(complementary_cells(v2, {"a"}, [("kec", list("abcd"))], published=[v1]))
    ['b']
    """
    equations = [(total, list(parts)) for total, parts in sums]
    guessed = None if known_zeros is None else frozenset(known_zeros)
    hidden = {c for c in hidden if not _known_zero(c, values.get(c, 0), guessed)}
    versions = _Versions(values, equations, list(published), guessed)
    extra: set[Hashable] = set()
    exposed = versions.exposed(hidden)
    while exposed:
        # How each shown cell relates to an exposed one: 0 a cell of the same sum (sibling),
        # 1 one of its parts, 2 its total (a total is hidden only when nothing else will do).
        relation: dict[Hashable, int] = {}
        for cell in exposed:
            for total, parts in versions.equations:
                if cell != total and cell not in parts:
                    continue
                for other in (total, *parts):
                    key = versions.hideable(other, hidden | extra)
                    if key is None:
                        continue
                    kind = 2 if other == total else (1 if cell == total else 0)
                    relation[key] = min(kind, relation.get(key, 2))
        if not relation and not versions.single:
            # Given away through a chain of versions rather than by an equation of its own:
            # any shown cell of the new version may be the link to break.
            relation = {
                key: 0
                for key in values
                if versions.hideable(versions.unknown(key), hidden | extra) is not None
            }
        if not relation:  # nothing left to hide them behind (cannot happen with a total)
            return extra
        ranked = []
        for other, kind in relation.items():
            after = versions.exposed(hidden | extra | {other})
            ranked.append((kind == 2, len(after), kind, values[other], str(other), other, after))
        *_, chosen, exposed = min(ranked)
        extra.add(chosen)
    return extra


def _known_zero(cell: Hashable, value: int, guessed: frozenset | None) -> bool:
    """Whether a reader knows this cell's value without being shown it: a 0 that is one of
    ``guessed`` (``None``: any 0)."""
    return value == 0 and (guessed is None or cell in guessed)


class _Versions:
    """The equations of a new version and of the versions of its period published before it,
    over one set of unknowns.

    An unknown is a cell over a run of consecutive versions in which its value stayed the
    same, ``(cell, first version of the run)``: a reader may assume that a correction left a
    cell alone, and would be right. It is known as soon as one version of the run shows it,
    or when its value is a known 0 (``_known_zero``; in an earlier version, judged by the
    cells whose 0 the new version's reader can tell). With no earlier version this is the
    plain system of the new version, cell for cell.
    """

    def __init__(self, values: dict, equations: list, published: list, guessed=None):
        self.values = values
        self.guessed = guessed
        self.new_equations = equations
        self.single = not published
        self.known_before: set = set()
        self.lost: set = set()
        if self.single:  # no renaming: the unknowns are the cells themselves
            self.equations = equations
            self.hidden_before: set = set()
            return
        versions = [*published, (values, set(), equations)]
        runs: dict = {}  # cell → (its unknown, its value) in the version before
        self.equations, hidden_before = [], set()
        for index, (vals, hidden, sums) in enumerate(versions):
            unknown_of = {}
            for cell, value in vals.items():
                run = runs.get(cell)
                unknown_of[cell] = run[0] if run and run[1] == value else (cell, index)
            runs = {cell: (unknown_of[cell], value) for cell, value in vals.items()}
            self.equations += [
                (unknown_of[total], [unknown_of[p] for p in parts if p in unknown_of])
                for total, parts in sums
                if total in unknown_of
            ]
            if index < len(published):
                for cell, value in vals.items():
                    seen = cell not in hidden or _known_zero(cell, value, guessed)
                    (self.known_before if seen else hidden_before).add(unknown_of[cell])
        self.unknown_of = unknown_of  # of the new version
        self.hidden_before = hidden_before
        # What the new version cannot hide whatever it does (the earlier versions with the
        # values it keeps give it away) is not held against it.
        self.lost = set(self.derivable(set(values)))

    def unknown(self, cell):
        return cell if self.single else self.unknown_of[cell]

    def hideable(self, unknown, hidden: set):
        """The cell of the new version behind ``unknown`` if hiding it would hide something:
        shown now, not 0, and not shown by an earlier version of its run."""
        cell = unknown if self.single else unknown[0]
        if cell not in self.values or self.unknown(cell) != unknown:
            return None
        if cell in hidden or unknown in self.known_before:
            return None
        if _known_zero(cell, self.values[cell], self.guessed):
            return None
        return cell

    def exposed(self, hidden: set) -> list:
        """:meth:`derivable`, and the hidden cells of the new version that a sum whose total
        is shown pins to 0 (its hidden parts add up to 0, and no count is negative)."""
        out = self.derivable(hidden)
        seen = set(out)
        for total, parts in self.new_equations:
            if total in hidden or total not in self.values:
                continue
            zeros = [p for p in parts if p in hidden and p in self.values]
            if zeros and not any(self.values[p] for p in zeros):
                for cell in zeros:
                    unknown = self.unknown(cell)
                    if unknown not in seen and unknown not in self.lost:
                        seen.add(unknown)
                        out.append(unknown)
        return out

    def derivable(self, hidden: set) -> list:
        """The hidden unknowns, of any version, that the shown cells pin down (``hidden``:
        the cells hidden in the new version)."""
        if self.single:
            return _derivable(hidden, self.equations)
        shown_now = {self.unknown(c) for c in self.values if c not in hidden}
        hidden_now = {
            self.unknown(c)
            for c in hidden
            if not _known_zero(c, self.values.get(c, 0), self.guessed)
        }
        unknowns = (hidden_now | self.hidden_before) - shown_now - self.known_before
        return [u for u in _derivable(unknowns, self.equations) if u not in self.lost]


def _derivable(hidden: set, equations: list[tuple[Hashable, list[Hashable]]]) -> list:
    """The hidden cells whose value follows from the equations and the shown cells.

    With the shown values moved to the right-hand side, the equations are ``A x = b`` over
    the hidden cells ``x``. Every solution is one solution plus a vector of A's null space,
    so a cell is pinned down exactly when every null-space vector is 0 there.
    """
    order = sorted(hidden, key=str)
    if not order:
        return []
    column = {c: i for i, c in enumerate(order)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(order))
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _u, singular, vt = np.linalg.svd(np.array(rows))
    null_space = vt[int((singular > 1e-9).sum()) :]
    return [c for c in order if not np.abs(null_space[:, column[c]]).max(initial=0.0) > 1e-9]
