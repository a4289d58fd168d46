"""Kampung KB indicators that follow from the TPK accompaniment (issue 14 item 7): read from
the analytics TPK summaries of the Kampung KB's desa for the review year (``TpkSummary``,
the same figures as the dashboard's TPK page), never typed.

Each is a percentage of a numerator over a denominator the summaries keep
(``TpkSummary.SHARES``); ``None`` when the desa had nothing to count that year (no KRS
family, no catin, no pregnancy...). The pages say where the value comes from
(``source_label``), with the moment the summaries were last rebuilt.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from kampungkb.analytics.models import Group, SummaryState, TpkPeriod, TpkSummary
from kampungkb.core.rounding import percent

# Indicator code → the share of ``TpkSummary.SHARES`` it shows (as a percentage).
TPK_SHARES = {
    "sys_tpk_krs_didampingi": "krs_accompanied_share",
    "sys_tpk_catin_skrining": "catin_screened_share",
    "sys_tpk_catin_3bulan": "catin_early_share",
    "sys_tpk_catin_berisiko": "catin_at_risk_share",
    "sys_tpk_bumil_kek": "kek_share",
    "sys_tpk_bumil_anemia": "anaemia_share",
    "sys_tpk_k4": "k4_share",
    "sys_tpk_k6": "k6_share",
    "sys_tpk_ttd90": "ttd90_share",
    "sys_tpk_kb_pasca": "kb_pasca_share",
    "sys_tpk_konvergensi": "convergence_level",
}
TPK_INDICATORS = tuple(TPK_SHARES)


def _pct(share: float | None) -> float | None:
    """A percentage rounded as everywhere (``core.rounding``), as a number for the scoring."""
    value = percent(share)
    return None if value is None else float(value)


def tpk_values(*, desa_kodes, tahun: int) -> dict[str, dict]:
    """{desa code: {indicator code: value}} of the desa with TPK figures in ``tahun`` (one
    query, whatever the number of desa)."""
    cells = TpkSummary.objects.filter(
        wilayah_kode__in=list(desa_kodes),
        group=Group.ALL,
        period_type=TpkPeriod.YEAR,
        period_start=datetime.date(tahun, 1, 1),
    )
    return {
        c.wilayah_kode: {kode: _pct(c.share(share)) for kode, share in TPK_SHARES.items()}
        for c in cells
    }


def empty_values() -> dict:
    return dict.fromkeys(TPK_INDICATORS)


def has_tpk_data(values: dict) -> bool:
    return any(values.get(k) is not None for k in TPK_INDICATORS)


def source_label(tahun: int) -> str:
    state = SummaryState.objects.filter(pk=1).values_list("rebuilt_at", flat=True).first()
    if state is None:
        return _("from the TPK summaries, year %(year)s") % {"year": tahun}
    return _("from the TPK summaries, year %(year)s, updated %(at)s") % {
        "year": tahun,
        "at": date_format(localtime(state), "j M Y H:i"),
    }
