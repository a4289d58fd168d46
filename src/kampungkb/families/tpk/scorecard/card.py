"""A desa's scorecard for a quarter, computed from its targets' cells: the targets (Table 1),
the growth mat (Table 2), the service package per target (Table 3), the coverage per indicator
and the village convergence level (Table 4).

Table 4, as OpenSID computes it (DOMAIN.md §5): per group ``ΣY / Σ(cells not TS) × 100`` over
all its targets; the village level ``(ΣY_ibu + ΣY_anak) / (Σapplicable_ibu + Σapplicable_anak)
× 100`` (the PAUD group is reported beside it, outside the level); per indicator
``Y / (targets − TS)``. A cell not filled yet counts as applicable and not received: an
unfilled scorecard cannot look better than a filled one.
"""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from kampungkb.core.rounding import proportion
from kampungkb.families.tpk.scorecard import derive
from kampungkb.families.tpk.scorecard.catalogue import GROUP_LABELS, Group, Indicator, indicators_of
from kampungkb.families.tpk.scorecard.derive import TS, Cell, Ctx, Y

GROUPS = (Group.IBU_HAMIL, Group.ANAK, Group.PAUD)
LEVEL_GROUPS = (Group.IBU_HAMIL, Group.ANAK)

# The growth mat (tikar pertumbuhan): length-for-age of the month's measurement. Red: indicated
# stunting (z < -2, PMK 2/2020); yellow: at risk (-2 <= z < -1) [INFERRED: the mat's bands are
# not published as z-scores]; green: normal; TD: not measured that month.
HIJAU, KUNING, MERAH, TD = "H", "K", "M", "TD"
MAT_COLOURS = (HIJAU, KUNING, MERAH, TD)


def share(num: int, den: int) -> Fraction | None:
    """``num / den`` exactly (``core.rounding`` rounds it for show); ``None`` when ``den`` is 0."""
    return proportion(num, den)


@dataclass
class Row:
    ctx: Ctx
    cells: list[tuple[Indicator, Cell]]

    @property
    def target(self):
        return self.ctx.target


@dataclass
class Coverage:
    indicator: Indicator
    targets: int = 0
    y: int = 0
    ts: int = 0
    empty: int = 0

    @property
    def applicable(self) -> int:
        return self.targets - self.ts

    @property
    def share(self) -> Fraction | None:
        return share(self.y, self.applicable)


@dataclass
class GroupScore:
    group: str
    rows: list[Row] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)

    @property
    def label(self):
        return GROUP_LABELS[self.group]

    @property
    def indicators(self) -> list[Indicator]:
        return [c.indicator for c in self.coverage]

    @property
    def y(self) -> int:
        return sum(c.y for c in self.coverage)

    @property
    def applicable(self) -> int:
        return sum(c.applicable for c in self.coverage)

    @property
    def empty(self) -> int:
        return sum(c.empty for c in self.coverage)

    @property
    def share(self) -> Fraction | None:
        return share(self.y, self.applicable)


@dataclass
class MatRow:
    ctx: Ctx
    colours: list[str]  # per month of the quarter; "" when not a baduta that month


@dataclass
class Targets:
    """Table 1."""

    households: int
    ibu_hamil: int
    risti_kek: int | None  # None until pregnancy monitoring says
    anak: int
    gizi_kurang: int
    gizi_buruk: int
    stunting: int


@dataclass
class Scorecard:
    quarter: object
    groups: dict[str, GroupScore]
    mat: list[MatRow]
    targets: Targets

    @property
    def y(self) -> int:
        return sum(self.groups[g].y for g in LEVEL_GROUPS)

    @property
    def applicable(self) -> int:
        return sum(self.groups[g].applicable for g in LEVEL_GROUPS)

    @property
    def level(self) -> Fraction | None:
        """The village convergence level (Table 4) as a proportion (0-1); ``None`` when no
        cell applies."""
        return share(self.y, self.applicable)

    @property
    def empty(self) -> int:
        return sum(g.empty for g in self.groups.values())

    @property
    def mat_counts(self) -> list[dict[str, int]]:
        """Per month of the quarter: the number of children of each colour."""
        counts = [dict.fromkeys(MAT_COLOURS, 0) for _m in self.quarter.months]
        for row in self.mat:
            for i, colour in enumerate(row.colours):
                if colour:
                    counts[i][colour] += 1
        return counts


def mat_colour(rows: list[dict]) -> str:
    """The colour of a month from its measurements (the last with a usable length wins).

    >>> mat_colour([{"zlen": -2.5, "flen": False}])
    'M'
    >>> mat_colour([{"zlen": -1.2, "flen": False}, {"zlen": None, "flen": None}])
    'K'
    >>> mat_colour([{"zlen": -6.5, "flen": True}])
    'TD'
    """
    usable = [r for r in rows if r["zlen"] is not None and not r["flen"]]
    if not usable:
        return TD
    z = usable[-1]["zlen"]
    return MERAH if z < -2 else KUNING if z < -1 else HIJAU


def _mat_row(ctx: Ctx) -> MatRow:
    born = ctx.target.child.tanggal_lahir
    in_stage = set(ctx.months(since=born))
    colours = []
    for ym in ctx.quarter.months:
        if ym not in in_stage:
            colours.append("")
            continue
        rows = [r for r in ctx.measurements if (r["tanggal"].year, r["tanggal"].month) == ym]
        colours.append(mat_colour(rows))
    return MatRow(ctx, colours)


def _targets_table(groups: dict[str, GroupScore]) -> Targets:
    ibu = [r.ctx for r in groups[Group.IBU_HAMIL].rows]
    anak = [r.ctx for r in groups[Group.ANAK].rows]
    households, alone = set(), 0
    for ctx in ibu + anak:
        kid = ctx.facts.keluarga_id(ctx.target)
        if kid is None:
            alone += 1
        else:
            households.add(kid)
    risks = [derive.PREGNANCY_RISK(c) for c in ibu if not c.delivered]
    risti = None if any(r is None for r in risks) else sum(1 for r in risks if r)
    kurang = buruk = stunting = 0
    for ctx in anak:
        rows = [r for r in ctx.measurements if r["tanggal"] >= ctx.quarter.start]
        rows = [r for r in rows if r["stunted"] is not None or r["wasted"] is not None]
        if not rows:
            continue
        latest = rows[-1]
        buruk += bool(latest["severely_wasted"])
        kurang += bool(latest["wasted"]) and not latest["severely_wasted"]
        stunting += bool(latest["stunted"])
    return Targets(len(households) + alone, len(ibu), risti, len(anak), kurang, buruk, stunting)


def scorecard_compute(ctxs: list[Ctx], entries: dict[tuple[int, str], str], quarter) -> Scorecard:
    """The scorecard of ``ctxs`` (one quarter's targets) given the entered values
    (``{(target id, indicator key): value}``)."""
    groups = {g: GroupScore(g, coverage=[Coverage(i) for i in indicators_of(g)]) for g in GROUPS}
    for ctx in ctxs:
        score = groups[ctx.group]
        cells = []
        for cov in score.coverage:
            key = cov.indicator.key
            c = derive.cell(ctx, key, entries.get((ctx.target.pk, key), ""))
            cells.append((cov.indicator, c))
            cov.targets += 1
            cov.y += c.value == Y
            cov.ts += c.value == TS
            cov.empty += c.value == ""
        score.rows.append(Row(ctx, cells))
    mat = [_mat_row(r.ctx) for r in groups[Group.ANAK].rows]
    return Scorecard(quarter, groups, mat, _targets_table(groups))


def months_label(quarter) -> list[str]:
    return [datetime.date(y, m, 1).strftime("%m/%Y") for y, m in quarter.months]
