"""Kampung KB indicators that follow from the family data: computed from the survey rounds
of the Kampung KB's desa in the review year (``families.stats.krs_counts``, the same counts
as the KRS picture and the analytics summaries), never typed.

A typed indicator that one of them duplicates (``TYPED_DUPLICATES``: the typed mCPR) gives
way to the computed value whenever the desa has a round that year; the pages say where the
value comes from (``source_label``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kampungkb.core.rounding import percent, proportion
from kampungkb.families.models import FamilySurvey
from kampungkb.families.stats import krs_counts

FAMILY_INDICATORS = ("sys_sasaran", "sys_krs", "sys_krs_persen", "sys_mcpr", "sys_jkn", "sys_akta")
TYPED_DUPLICATES = {"out_kb_aktif": "sys_mcpr"}  # typed indicator → the computed one


def _pct(cases: int, n: int) -> float | None:
    """A percentage rounded as everywhere (``core.rounding``), as a number for the scoring."""
    value = percent(proportion(cases, n))
    return None if value is None else float(value)


def family_values(*, desa_kodes, tahun: int) -> dict[str, dict]:
    """{desa code: {indicator code: value}} of the desa with a family survey round in
    ``tahun`` (two grouped queries, whatever the number of desa)."""
    counts = krs_counts(
        FamilySurvey.objects.filter(keluarga__desa_id__in=list(desa_kodes), tahun=tahun)
    )
    return {
        desa: {
            "sys_sasaran": c["sasaran"],
            "sys_krs": c["krs"],
            "sys_krs_persen": _pct(c["krs"], c["sasaran"]),
            "sys_mcpr": _pct(c["pus_kb_modern"], c["pus"]),
            "sys_jkn": _pct(c["jkn_yes"], c["jkn_known"]),
            "sys_akta": _pct(c["akta_yes"], c["akta_known"]),
        }
        for (desa, _tahun), c in counts.items()
    }


def empty_values() -> dict:
    return dict.fromkeys(FAMILY_INDICATORS)


def has_family_data(values: dict) -> bool:
    return values.get("sys_sasaran") is not None


def source_label(tahun: int) -> str:
    return _("from the family data, survey %(year)s") % {"year": tahun}


def apply_duplicates(values: dict) -> dict:
    """``values`` with each typed duplicate replaced by its computed value when there is one."""
    out = dict(values)
    for typed, computed in TYPED_DUPLICATES.items():
        if out.get(computed) is not None:
            out[typed] = out[computed]
    return out
