"""Reads of the analytics app. Every function takes the acting user and reads only the stored
summaries of the area that user covers; another area is a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kampungkb.analytics.cube import kampung_kb_desa, period_end
from kampungkb.analytics.models import (
    Group,
    Indicator,
    PeriodType,
    PrevalenceSummary,
    QualitySummary,
    SummaryState,
    SurveyFigure,
)
from kampungkb.core.rounding import proportion
from kampungkb.core.scoping import covered_kode, kode_within, within_q
from kampungkb.wilayah.boundaries import with_boundaries
from kampungkb.wilayah.models import Level, Wilayah

CHILD_LEVEL = {
    Level.PROVINSI: Level.KABUPATEN,
    Level.KABUPATEN: Level.KECAMATAN,
    Level.KECAMATAN: Level.DESA,
}


def is_province_installation(provinsi: Wilayah) -> bool:
    """Whether the installation serves several kabupaten of ``provinsi``: then the provinsi
    has its own summaries and pages (the drill-down starts there)."""
    return Wilayah.objects.filter(parent=provinsi, level=Level.KABUPATEN).count() > 1


def _areas():
    """Wilayah without their boundary: GeoJSON of kilobytes (a kabupaten's ~21 KB) decoded
    on every read, which only the maps draw (``map_shapes`` reads it; an object read here
    loads it on its first use)."""
    return Wilayah.objects.defer("boundary")


def without_boundary(wilayah: list[Wilayah]) -> list[Wilayah]:
    """Those of ``wilayah`` that have no boundary (drawn on no map), in their order: one
    query that tests the column without reading it (a boundary is decoded only to draw)."""
    bare = set(
        Wilayah.objects.filter(kode__in=[w.kode for w in wilayah])
        .filter(Q(boundary__isnull=True) | Q(boundary={}))
        .values_list("kode", flat=True)
    )
    return [w for w in wilayah if w.kode in bare]


def area_default(*, user) -> Wilayah | None:
    """The area a user's dashboard starts at (a kecamatan operator: their kecamatan; a
    province-wide user: the provinsi of a province installation, else its one kabupaten)."""
    area = covered_kode(user)
    if area is None:
        return None
    if area == "":
        provinces = list(_areas().filter(level=Level.PROVINSI).order_by("kode")[:2])
        if len(provinces) == 1 and is_province_installation(provinces[0]):
            return provinces[0]
        return _areas().filter(level=Level.KABUPATEN).order_by("kode").first()
    wilayah = _areas().filter(kode=area).first()
    if wilayah is not None and wilayah.level == Level.PROVINSI:
        if is_province_installation(wilayah):
            return wilayah
        return _areas().filter(parent=wilayah).order_by("kode").first()
    return wilayah


def area_get(*, user, kode: str) -> Wilayah:
    """The provinsi, kabupaten, kecamatan or desa ``kode`` if the user covers it, else 404."""
    return get_object_or_404(
        Wilayah.objects.for_user(user)
        .filter(level__in=[Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN, Level.DESA])
        # Up to the province: the breadcrumbs and the survey figures walk the parents.
        .select_related("parent__parent__parent")
        .defer(
            "boundary",
            "parent__boundary",
            "parent__parent__boundary",
            "parent__parent__parent__boundary",
        ),
        kode=kode,
    )


def area_breadcrumbs(area: Wilayah, *, user) -> list[Wilayah]:
    """The areas above ``area`` that the user also covers, top first (the provinsi only in a
    province installation)."""
    chain, w = [], area.parent
    while w is not None:
        if w.level != Level.PROVINSI or is_province_installation(w):
            chain.append(w)
        w = w.parent
    area_code = covered_kode(user) or ""
    return [w for w in reversed(chain) if kode_within(w.kode, area_code)]


def _within(kode: str) -> Q:
    return within_q("wilayah_kode", kode)


def period_options(*, period_type: str, area: Wilayah | None = None) -> list[datetime.date]:
    """The periods of a type that have measurements, newest first."""
    qs = QualitySummary.objects.filter(period_type=period_type, n_records__gt=0, group="all")
    if area is not None:
        qs = qs.filter(wilayah_kode=area.kode)
    return list(qs.order_by("-period_start").values_list("period_start", flat=True).distinct())


@dataclass
class Selection:
    period_type: str
    period_start: datetime.date | None
    indicator: str
    options: list[datetime.date] = field(default_factory=list)

    @property
    def previous(self) -> datetime.date | None:
        """The previous period of the same type that has data."""
        older = [d for d in self.options if self.period_start and d < self.period_start]
        return older[0] if older else None


def selection_parse(params, *, area: Wilayah | None = None) -> Selection:
    """Read ``periode``, ``mulai`` and ``indikator`` from the query string, with defaults:
    the latest bulan penimbangan (else month) with data, stunting."""
    period_type = params.get("periode", "")
    if period_type not in PeriodType.values:
        period_type = PeriodType.PENIMBANGAN
        if not period_options(period_type=period_type, area=area):
            period_type = PeriodType.MONTH
    indicator = params.get("indikator", "")
    if indicator not in Indicator.values:
        indicator = Indicator.STUNTING
    options = period_options(period_type=period_type, area=area)
    start = None
    try:
        start = datetime.date.fromisoformat(params.get("mulai", ""))
    except ValueError:
        start = None
    if start not in options:
        start = options[0] if options else None
    return Selection(period_type, start, indicator, options)


def headline(*, user, area: Wilayah, sel: Selection) -> dict:
    """The area's figures of the selected period: every indicator, coverage and quality."""
    cells = {
        c.indicator: c
        for c in PrevalenceSummary.objects.for_user(user).filter(
            wilayah_kode=area.kode,
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
        )
    }
    previous = None
    if sel.previous:
        previous = (
            PrevalenceSummary.objects.for_user(user)
            .filter(
                wilayah_kode=area.kode,
                group=Group.ALL,
                period_type=sel.period_type,
                period_start=sel.previous,
                indicator=sel.indicator,
            )
            .first()
        )
    quality = (
        QualitySummary.objects.for_user(user)
        .filter(
            wilayah_kode=area.kode,
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
        )
        .first()
    )
    main = cells.get(sel.indicator)
    change = None
    if main and previous and main.prevalence is not None and previous.prevalence is not None:
        # From the counts, exactly: the change is shown rounded (``core.rounding``).
        change = proportion(main.cases, main.n) - proportion(previous.cases, previous.n)
    return {
        "cells": [cells.get(i) for i in Indicator.values],
        "indicators": list(
            zip(Indicator.labels, [cells.get(i) for i in Indicator.values], strict=False)
        ),
        "main": main,
        "previous": previous,
        "change": change,
        "quality": quality,
    }


@dataclass
class SubareaRow:
    wilayah: Wilayah
    cell: PrevalenceSummary | None
    quality: QualitySummary | None
    kampung_kb: bool = False


def subarea_rows(*, user, area: Wilayah, sel: Selection) -> list[SubareaRow]:
    """The kecamatan of a kabupaten or the desa of a kecamatan, with their figures."""
    level = CHILD_LEVEL.get(area.level)
    if level is None:
        return []
    children = list(_areas().for_user(user).filter(parent=area, level=level))
    codes = [w.kode for w in children]
    cells = {
        c.wilayah_kode: c
        for c in PrevalenceSummary.objects.for_user(user).filter(
            wilayah_kode__in=codes,
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
            indicator=sel.indicator,
        )
    }
    quality = {
        q.wilayah_kode: q
        for q in QualitySummary.objects.for_user(user).filter(
            wilayah_kode__in=codes,
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
        )
    }
    # A Kampung KB as the period's figures count it: from the period of its launch.
    kampung_kb_codes = (
        kampung_kb_desa(codes, period_end(sel.period_type, sel.period_start))
        if sel.period_start
        else set()
    )
    return [
        SubareaRow(w, cells.get(w.kode), quality.get(w.kode), w.kode in kampung_kb_codes)
        for w in sorted(children, key=lambda w: w.kode)
    ]


def trend_rows(*, user, area: Wilayah, indicator: str) -> list[PrevalenceSummary]:
    """The area's monthly and yearly figures of one indicator, oldest first."""
    return list(
        PrevalenceSummary.objects.for_user(user)
        .filter(
            wilayah_kode=area.kode,
            group=Group.ALL,
            indicator=indicator,
            period_type__in=[PeriodType.MONTH, PeriodType.YEAR],
        )
        .order_by("period_type", "period_start")
    )


def kampung_kb_rows(*, user, area: Wilayah, sel: Selection) -> list[PrevalenceSummary]:
    """Kampung KB desa vs other desa of a provinsi, kabupaten or kecamatan in the selected
    period."""
    if area.level not in (Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN):
        return []
    rows = {
        c.group: c
        for c in PrevalenceSummary.objects.for_user(user).filter(
            wilayah_kode=area.kode,
            group__in=[Group.KAMPUNG_KB, Group.OTHER],
            period_type=sel.period_type,
            period_start=sel.period_start,
            indicator=sel.indicator,
        )
    }
    return [rows[g] for g in (Group.KAMPUNG_KB, Group.OTHER) if g in rows]


def map_cells(*, user, area: Wilayah, sel: Selection) -> dict[str, PrevalenceSummary]:
    """Figures of every desa and kecamatan inside ``area`` in the selected period."""
    return {
        c.wilayah_kode: c
        for c in PrevalenceSummary.objects.for_user(user)
        .filter(_within(area.kode))
        .filter(
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
            indicator=sel.indicator,
        )
    }


def map_shapes(*, user, area: Wilayah, level: str) -> list[Wilayah]:
    """The areas of ``level`` inside ``area`` that the user covers, to draw on its map; a
    desa's map draws the desa itself."""
    if area.level == Level.DESA:
        return [area]
    return with_boundaries(
        Wilayah.objects.for_user(user).within(area.kode).filter(level=level).order_by("kode")
    )


def survey_figures(*, area: Wilayah, indicator: str = Indicator.STUNTING) -> list[SurveyFigure]:
    """Survey figures of the area and the areas above it (province, nation), by year."""
    codes, w = [], area
    while w is not None:
        codes.append(w.kode)
        w = w.parent
    return list(
        SurveyFigure.objects.filter(wilayah_id__in=codes, indicator=indicator)
        .select_related("wilayah")
        .defer("wilayah__boundary")
        .order_by("-tahun", "-wilayah_id", "survey")
    )


#: Minutes a change may wait for its refresh before the pages say the figures are behind.
STALE_AFTER_MINUTES = 10


@dataclass(frozen=True)
class Freshness:
    """How current the summaries are: when they were rebuilt, since when changes wait for the
    next rebuild (None: none waits), whether the last refresh failed, and whether a page
    should say so (``stale``)."""

    rebuilt_at: datetime.datetime | None
    waiting_since: datetime.datetime | None
    failed_at: datetime.datetime | None
    stale: bool


def summaries_freshness(*, now: datetime.datetime | None = None) -> Freshness:
    """Are the summaries behind the records? Stale when a change has waited longer than
    ``KAMPUNGKB_SUMMARY_STALE_MINUTES`` (default 10) for a rebuild, or when the last refresh
    failed after the last rebuild (the figures then stay behind until one succeeds)."""
    state = SummaryState.objects.filter(pk=1).first()
    if state is None:
        return Freshness(None, None, None, stale=False)
    now = now or timezone.now()
    rebuilt = state.rebuilt_at
    waiting = (
        state.changed_at
        if state.changed_at and (not rebuilt or state.changed_at > rebuilt)
        else None
    )
    failed = (
        state.failed_at if state.failed_at and (not rebuilt or state.failed_at > rebuilt) else None
    )
    minutes = getattr(settings, "KAMPUNGKB_SUMMARY_STALE_MINUTES", STALE_AFTER_MINUTES)
    late = waiting is not None and now - waiting > datetime.timedelta(minutes=minutes)
    return Freshness(rebuilt, waiting, failed, stale=late or failed is not None)
