"""The KRS summaries: family survey counts per (desa, round) → rows of every area, in bulk.

``families.stats.krs_counts`` counts the rounds of each desa and round in the database (two
grouped queries); the rest is numpy over desa × round matrices, exactly as the prevalence
cube (``analytics.cube``): kecamatan, kabupaten and the Kampung KB / other-desa splits are
sums of desa rows, a desa counting as a Kampung KB in the rounds whose year ends on or after
its launch.
"""

from __future__ import annotations

import datetime

import numpy as np

from kampungkb.analytics.cube import _day, _unit_sums, _units, kampung_kb_since
from kampungkb.analytics.models import PeriodType
from kampungkb.families.models import FamilySurvey
from kampungkb.families.stats import COUNTS, krs_counts
from kampungkb.wilayah.models import Level


def _share(cases: int, n: int) -> float | None:
    return cases / n if n else None


def build_krs_rows() -> list[dict]:
    """Every KrsSummary row, as dicts, from the stored family survey rounds."""
    counts = krs_counts(FamilySurvey.objects.filter(keluarga__desa__level=Level.DESA))
    if not counts:
        return []
    desa_codes = sorted({desa for desa, _tahun in counts})
    years = sorted({tahun for _desa, tahun in counts})
    d_index = {code: i for i, code in enumerate(desa_codes)}
    y_index = {year: i for i, year in enumerate(years)}
    matrix = np.zeros((len(COUNTS), len(desa_codes), len(years)), dtype=np.float64)
    for (desa, tahun), cell in counts.items():  # one entry per desa and round
        matrix[:, d_index[desa], y_index[tahun]] = [cell[name] for name in COUNTS]
    units = _units(desa_codes)
    membership = np.array([u.members for u in units], dtype=np.float64)
    end_day = np.array([_day(datetime.date(y, 12, 31)) for y in years], dtype=np.float64)
    is_kampung_kb = kampung_kb_since(desa_codes)[:, None] <= end_day[None, :]
    sums = _unit_sums(units, membership, is_kampung_kb)
    per_unit = {name: sums(matrix[i]) for i, name in enumerate(COUNTS)}  # U × Y each
    rows = []
    for u_i, y_i in zip(*np.nonzero(per_unit["families"] > 0), strict=True):
        unit = units[u_i]
        cell = {name: int(v[u_i, y_i]) for name, v in per_unit.items()}
        rows.append(
            {
                "wilayah_kode": unit.kode,
                "level": unit.level,
                "group": unit.group,
                "period_type": PeriodType.YEAR,
                "period_start": datetime.date(years[y_i], 1, 1),
                **cell,
                "krs_share": _share(cell["krs"], cell["sasaran"]),
                "mcpr": _share(cell["pus_kb_modern"], cell["pus"]),
            }
        )
    return rows
