"""Reads of the TPK summaries (``TpkSummary``) for the TPK page of the dashboard: an area's
figures in a quarter or a year, its Kampung KB / other desa, its sub-areas and its quarters.

Aggregates only (no target is named), scoped like every summary (``ScopedQuerySet``)."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kampungkb.analytics.models import Group, TpkPeriod, TpkSummary
from kampungkb.wilayah.models import Level, Wilayah

# The rows under an area: a provinsi's kabupaten (a province installation), a kabupaten's
# kecamatan, a kecamatan's desa.
CHILD_LEVEL = {
    Level.PROVINSI: Level.KABUPATEN,
    Level.KABUPATEN: Level.KECAMATAN,
    Level.KECAMATAN: Level.DESA,
}

# (share, label, numerator label, denominator label), in the order the page shows them.
SHARE_LABELS = (
    ("krs_accompanied_share", _("KRS families accompanied"), _("accompanied"), _("KRS families")),
    ("catin_screened_share", _("Catin screened"), _("screened"), _("catin registered")),
    (
        "catin_early_share",
        _("Catin screened 3 months before the marriage"),
        _("screened early"),
        _("catin registered"),
    ),
    ("catin_at_risk_share", _("Catin at risk"), _("at risk"), _("catin screened")),
    ("kek_share", _("Pregnant women with KEK"), _("with KEK"), _("pregnant women")),
    ("anaemia_share", _("Pregnant women with anaemia"), _("with anaemia"), _("pregnant women")),
    ("k4_share", _("K4 complete"), _("K4"), _("pregnant women")),
    ("k6_share", _("K6 complete"), _("K6"), _("pregnant women")),
    ("ttd90_share", _("TTD >= 90 tablets"), _("TTD >= 90"), _("pregnant women")),
    (
        "kb_pasca_share",
        _("KB pasca persalinan within 42 days"),
        _("with a KB method"),
        _("deliveries"),
    ),
    (
        "convergence_level",
        _("Village convergence level (KPM scorecard)"),
        _("cells Y"),
        _("cells that apply"),
    ),
)
SHARE_PARTS = {name: (num, den) for name, num, den in TpkSummary.SHARES}


def period_label(period_type: str, start: datetime.date) -> str:
    if period_type == TpkPeriod.YEAR:
        return str(start.year)
    return f"K{(start.month - 1) // 3 + 1} {start.year}"


def tpk_periods(*, user, area: Wilayah, period_type: str) -> list[datetime.date]:
    """The starts of the periods of ``period_type`` with TPK figures for ``area``, newest
    first."""
    return list(
        TpkSummary.objects.for_user(user)
        .filter(wilayah_kode=area.kode, group=Group.ALL, period_type=period_type)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
    )


@dataclass
class TpkSelection:
    period_type: str
    start: datetime.date | None
    options: list[datetime.date]

    @property
    def period_start(self) -> datetime.date | None:  # what analytics/_period_form.html reads
        return self.start

    @property
    def label(self) -> str:
        return period_label(self.period_type, self.start) if self.start else "–"

    @property
    def query(self) -> str:
        if self.start is None:
            return f"periode={self.period_type}"
        return f"periode={self.period_type}&mulai={self.start.isoformat()}"


def tpk_selection_parse(params, *, user, area: Wilayah) -> TpkSelection:
    """The period asked for (``periode``: quarter or year, ``mulai``: its first day) when the
    area has figures for it, else the newest of its type; anything unreadable falls back."""
    period_type = params.get("periode")
    if period_type not in TpkPeriod.values:
        period_type = TpkPeriod.QUARTER
    options = tpk_periods(user=user, area=area, period_type=period_type)
    start = None
    with contextlib.suppress(ValueError):
        start = datetime.date.fromisoformat(params.get("mulai") or "")
    if start not in options:
        start = options[0] if options else None
    return TpkSelection(period_type, start, options)


@dataclass
class TpkRow:
    """One line of figures (an area, a group or a period) with its shares, in page order."""

    label: str
    kode: str
    cell: TpkSummary | None

    @property
    def shares(self) -> list[tuple[str, float | None, int | None, int | None]]:
        """(share name, share, numerator, denominator) per ``SHARE_LABELS``."""
        out = []
        for name, *_labels in SHARE_LABELS:
            if self.cell is None:
                out.append((name, None, None, None))
                continue
            num, den = SHARE_PARTS[name]
            out.append(
                (name, self.cell.share(name), getattr(self.cell, num), getattr(self.cell, den))
            )
        return out


@dataclass
class TpkSection:
    sel: TpkSelection
    main: TpkRow | None = None
    groups: list[TpkRow] = field(default_factory=list)  # Kampung KB, other desa
    subareas: list[TpkRow] = field(default_factory=list)
    trend: list[TpkRow] = field(default_factory=list)  # the area's periods, oldest first

    @property
    def indicators(self):
        """Per indicator: (name, label, numerator label, denominator label, the main area's
        figures, each group's (label, share, numerator, denominator))."""
        out = []
        for i, (name, label, num_label, den_label) in enumerate(SHARE_LABELS):
            main = self.main.shares[i] if self.main else (name, None, None, None)
            groups = [(g.label, *g.shares[i][1:]) for g in self.groups]
            out.append((name, label, num_label, den_label, main, groups))
        return out


def tpk_section(*, user, area: Wilayah, sel: TpkSelection) -> TpkSection:
    """The TPK figures of ``area`` in the selected period, of its Kampung KB / other desa, of
    its sub-areas the user covers, and of every period of the same type (the trend)."""
    if sel.start is None:
        return TpkSection(sel)
    cells = TpkSummary.objects.for_user(user).filter(period_type=sel.period_type)
    now = cells.filter(period_start=sel.start)
    mine = {c.group: c for c in now.filter(wilayah_kode=area.kode)}
    groups = [
        TpkRow(str(Group(g).label), f"{area.kode}-{g}", mine[g])
        for g in (Group.KAMPUNG_KB, Group.OTHER)
        if g in mine
    ]
    subareas = []
    level = CHILD_LEVEL.get(area.level)
    if level is not None:
        children = list(
            Wilayah.objects.for_user(user)
            .filter(parent=area, level=level)
            .defer("boundary")
            .order_by("kode")
        )
        by_kode = {
            c.wilayah_kode: c
            for c in now.filter(wilayah_kode__in=[w.kode for w in children], group=Group.ALL)
        }
        subareas = [TpkRow(w.nama, w.kode, by_kode.get(w.kode)) for w in children]
    trend = [
        TpkRow(period_label(c.period_type, c.period_start), area.kode, c)
        for c in cells.filter(wilayah_kode=area.kode, group=Group.ALL).order_by("period_start")
    ]
    return TpkSection(
        sel, TpkRow(area.nama, area.kode, mine.get(Group.ALL)), groups, subareas, trend
    )
