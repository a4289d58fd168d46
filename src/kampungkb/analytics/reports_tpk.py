"""The TPK page as an xlsx workbook: per line (the area, its Kampung KB / other desa, its
sub-areas, its periods) every indicator's numerator, denominator and share (%), rounded by
``core.rounding`` as on the page."""

from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet, header_widths, xlsx_response
from kampungkb.core.rounding import percent

DASH = "–"


def _header(share_labels) -> list[str]:
    header = [_("Code"), _("Area or period")]
    for _name, label, num_label, den_label in share_labels:
        header += [f"{label}: {num_label}", f"{label}: {den_label}", f"{label} (%)"]
    return header


def _line(row) -> list:
    out = [row.kode, row.label]
    for _name, share, num, den in row.shares:
        value = percent(share)
        out += [DASH if num is None else num, DASH if den is None else den]
        out.append(DASH if value is None else value)
    return out


def tpk_sheets(ctx: dict) -> list[Sheet]:
    tpk, labels = ctx["tpk"], ctx["share_labels"]
    header = _header(labels)
    above = [[_("TPK accompaniment"), ctx["area"].nama, ctx["sel"].label]]
    main = ([tpk.main] if tpk.main else []) + tpk.groups + tpk.subareas
    return [
        Sheet(
            _("TPK %(period)s") % {"period": ctx["sel"].label},
            header=header,
            rows=[_line(r) for r in main],
            above=above,
            widths=header_widths(header),
        ),
        Sheet(
            _("TPK by period"),
            header=header,
            rows=[_line(r) for r in tpk.trend],
            above=[[_("TPK accompaniment"), ctx["area"].nama]],
            widths=header_widths(header),
        ),
    ]


def tpk_response(ctx: dict):
    label = ctx["sel"].label.replace(" ", "-")
    filename = f"tpk-{ctx['area'].kode}-{ctx['sel'].period_type}-{label}.xlsx"
    return xlsx_response(tpk_sheets(ctx), filename=filename)
