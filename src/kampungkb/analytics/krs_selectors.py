"""Reads of the KRS summaries (``KrsSummary``) for the area page and the priority ranking.

A KRS round is a year; the page's selected period picks the round of its year when the area
has one, else the newest round before it, else the newest of all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kampungkb.analytics.models import Group, KrsSummary, PeriodType
from kampungkb.wilayah.models import Level, Wilayah

# The rows under an area: a provinsi's kabupaten (a province installation), a kabupaten's
# kecamatan, a kecamatan's desa.
CHILD_LEVEL = {
    Level.PROVINSI: Level.KABUPATEN,
    Level.KABUPATEN: Level.KECAMATAN,
    Level.KECAMATAN: Level.DESA,
}


def krs_rounds(*, user, area: Wilayah) -> list[int]:
    """The rounds with KRS figures for ``area``, newest first."""
    starts = (
        KrsSummary.objects.for_user(user)
        .filter(wilayah_kode=area.kode, group=Group.ALL, period_type=PeriodType.YEAR)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
    )
    return [d.year for d in starts]


def round_for(rounds: list[int], when: datetime.date | None) -> int | None:
    """The round to show beside a period starting ``when``: its year's, else the newest
    before it, else the newest (``rounds``: newest first)."""
    if not rounds:
        return None
    if when is not None:
        earlier = [t for t in rounds if t <= when.year]
        if earlier:
            return earlier[0]
    return rounds[0]


@dataclass
class KrsSection:
    tahun: int | None
    main: KrsSummary | None = None
    groups: list[KrsSummary] = field(default_factory=list)  # Kampung KB, other desa
    subareas: list[tuple[Wilayah, KrsSummary | None]] = field(default_factory=list)


def krs_section(*, user, area: Wilayah, when: datetime.date | None) -> KrsSection:
    """The KRS figures of ``area`` (its round for ``when``), its Kampung KB / other desa and
    its sub-areas the user covers."""
    tahun = round_for(krs_rounds(user=user, area=area), when)
    if tahun is None:
        return KrsSection(None)
    cells = KrsSummary.objects.for_user(user).filter(
        period_type=PeriodType.YEAR, period_start=datetime.date(tahun, 1, 1)
    )
    mine = {c.group: c for c in cells.filter(wilayah_kode=area.kode)}
    level = CHILD_LEVEL.get(area.level)
    subareas = []
    if level is not None:
        children = list(
            Wilayah.objects.for_user(user).filter(parent=area, level=level).order_by("kode")
        )
        by_kode = {
            c.wilayah_kode: c
            for c in cells.filter(wilayah_kode__in=[w.kode for w in children], group=Group.ALL)
        }
        subareas = [(w, by_kode.get(w.kode)) for w in children]
    groups = [mine[g] for g in (Group.KAMPUNG_KB, Group.OTHER) if g in mine]
    return KrsSection(tahun, mine.get(Group.ALL), groups, subareas)


def krs_share_by_desa(
    *, user, codes: list[str], when: datetime.date | None
) -> tuple[int | None, dict[str, float | None]]:
    """(round, {desa code: KRS share among its target families}) in the round for ``when``
    (one round for every desa: the newest with figures up to that year)."""
    starts = sorted(
        set(
            KrsSummary.objects.for_user(user)
            .filter(wilayah_kode__in=codes, group=Group.ALL, period_type=PeriodType.YEAR)
            .values_list("period_start", flat=True)
        ),
        reverse=True,
    )
    tahun = round_for([d.year for d in starts], when)
    if tahun is None:
        return None, {}
    return tahun, dict(
        KrsSummary.objects.for_user(user)
        .filter(
            wilayah_kode__in=codes,
            group=Group.ALL,
            period_type=PeriodType.YEAR,
            period_start=datetime.date(tahun, 1, 1),
        )
        .values_list("wilayah_kode", "krs_share")
    )
