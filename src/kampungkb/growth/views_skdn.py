"""The SKDN page (per posyandu and month) and its xlsx download."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.downloads import xlsx_response
from kampungkb.growth import personal_data, reports, selectors
from kampungkb.growth.skdn import skdn_table

SORT_KEYS = ("posyandu", "desa", "s", "k", "d", "n", "t", "o", "b", "two_t", "bgm")
SORT_KEYS += ("ks", "ds", "nd")


def _default_month() -> tuple[int, int]:
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


#: The earliest year a month of SKDN is asked for (its children were born in the five
#: years before; a year typed as 0001 would reach before the calendar's first day).
FIRST_YEAR = 1900


def _parse_month(text: str) -> tuple[int, int]:
    try:
        day = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return _default_month()
    if day.year < FIRST_YEAR:
        return _default_month()
    return day.year, day.month


def _sorted_rows(rows, key: str):
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        return rows

    def value(row):
        v = getattr(row, name)
        # Empty ratios go last whichever way the column is sorted.
        return (v is None) != descending, v if v is not None else 0

    return sorted(rows, key=value, reverse=descending)


def _skdn(request):
    tahun, month = _parse_month(request.GET.get("bulan", ""))
    desa = request.GET.get("desa", "").strip()[:20]
    table = skdn_table(user=request.user, tahun=tahun, month=month, desa=desa)
    return table, desa


def skdn_page(request):
    table, desa = _skdn(request)
    sort = request.GET.get("urut", "")
    desa_choices = sorted(
        {(p.desa_id, p.desa.nama) for p in selectors.posyandu_list(user=request.user)}
    )
    columns = [
        ("posyandu", _("Posyandu")),
        ("desa", _("Desa")),
        ("s", "S"),
        ("k", "K"),
        ("d", "D"),
        ("n", "N"),
        ("t", "T"),
        ("o", "O"),
        ("b", "B"),
        ("two_t", "2T"),
        ("bgm", "BGM"),
        ("ks", "K/S %"),
        ("ds", "D/S %"),
        ("nd", "N/D' %"),
    ]
    unbalanced = [r for r in table.rows if not r.balanced]
    named = [child_id for r in unbalanced for child_id, _nama in r.blank_children]
    if named:
        personal_data.skdn_children_shown(
            user=request.user, desa=desa, tahun=table.tahun, month=table.month, ids=named
        )
    return render(
        request,
        "growth/skdn.html",
        {
            "table": table,
            "rows": _sorted_rows(table.rows, sort),
            "columns": columns,
            "sort": sort,
            "bulan": f"{table.tahun:04d}-{table.month:02d}",
            "desa": desa,
            "desa_choices": desa_choices,
            "unbalanced": unbalanced,
        },
    )


def skdn_xlsx(request):
    table, desa = _skdn(request)
    return xlsx_response(
        [reports.skdn_sheet(table, desa=desa)], filename=reports.skdn_filename(table)
    )
