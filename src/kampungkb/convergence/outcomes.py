"""Outcome figures of a desa read straight from ``growth.Measurement``.

A stand-in for the analytics app's prevalence summaries (built in parallel): the same rule,
the latest valid length/height measurement of each child in the year (WHO-flagged values
excluded), counted in the database. Swap these two functions for the analytics summaries
when they exist.
"""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery

from kampungkb.growth.models import Child, Measurement


def _valid_length(qs):
    return qs.filter(zlen__isnull=False, stunted__isnull=False).exclude(flen=True)


def stunting_by_desa(*, tahun: int, desa_kodes=None) -> dict[str, dict]:
    """Return ``{desa kode: {"n", "n_stunted", "prevalence"}}`` for a year."""
    latest = (
        _valid_length(Measurement.objects.filter(child=OuterRef("child"), tanggal__year=tahun))
        .order_by("-tanggal")
        .values("tanggal")[:1]
    )
    qs = _valid_length(Measurement.objects.filter(tanggal__year=tahun)).filter(
        tanggal=Subquery(latest)
    )
    if desa_kodes is not None:
        qs = qs.filter(child__desa_id__in=list(desa_kodes))
    rows = qs.values("child__desa_id").annotate(
        n=Count("id"), n_stunted=Count("id", filter=Q(stunted=True))
    )
    return {
        r["child__desa_id"]: {
            "n": r["n"],
            "n_stunted": r["n_stunted"],
            "prevalence": round(100.0 * r["n_stunted"] / r["n"], 2) if r["n"] else None,
        }
        for r in rows
    }


def prevalence_of(rows: dict[str, dict]) -> float | None:
    """Pool the per-desa counts of :func:`stunting_by_desa` into one prevalence (%)."""
    n = sum(r["n"] for r in rows.values())
    return round(100.0 * sum(r["n_stunted"] for r in rows.values()) / n, 2) if n else None


def measured_coverage_by_desa(*, tahun: int, desa_kodes=None) -> dict[str, float | None]:
    """Return the share (%) of registered under-fives of each desa measured in the year."""
    end = datetime.date(tahun, 12, 31)
    children = Child.objects.filter(
        tanggal_lahir__lte=end, tanggal_lahir__gt=end.replace(year=tahun - 5)
    )
    if desa_kodes is not None:
        children = children.filter(desa_id__in=list(desa_kodes))
    counts = children.values("desa_id").annotate(
        n=Count("id", distinct=True),
        measured=Count("id", filter=Q(measurements__tanggal__year=tahun), distinct=True),
    )
    return {
        r["desa_id"]: round(100.0 * r["measured"] / r["n"], 1) if r["n"] else None for r in counts
    }
