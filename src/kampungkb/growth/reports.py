"""The growth downloads described as data: the SKDN workbook. (The e-PPGBM export and the
rejected rows of an import are laid out by the importing package, in its own template.)"""

from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet
from kampungkb.growth.skdn import SKDNRow, SKDNTable


def _month(table: SKDNTable) -> str:
    return f"{table.tahun:04d}-{table.month:02d}"


def _skdn_line(row: SKDNRow, name: str, desa_name: str) -> list:
    return [
        name,
        desa_name,
        row.s,
        row.k,
        row.d,
        row.n,
        row.t,
        row.o,
        row.b,
        row.two_t,
        row.bgm,
        row.ks,
        row.ds,
        row.nd,
        _("yes") if row.balanced else _("no"),
        row.blank,
        row.d_prime,
    ]


def skdn_sheet(table: SKDNTable, *, desa: str = "") -> Sheet:
    """SKDN per posyandu for one month (in ``desa``, when the page was filtered), with its
    total line."""
    header = [_("Posyandu"), _("Desa"), "S", "K", "D", "N", "T", "O", "B", "2T", "BGM"]
    header += ["K/S %", "D/S %", "N/D' %", "D = N+T+O+B", _("Weighed without a code")]
    header += [_("D' (weighed last month too)")]
    return Sheet(
        f"SKDN {_month(table)}",
        above=[[_("SKDN per posyandu"), _month(table), desa]],
        header=header,
        rows=[_skdn_line(row, row.posyandu, row.desa) for row in table.rows],
        totals=[_skdn_line(table.total, _("Total"), "")],
        widths={0: 28, 1: 22},
    )


def skdn_filename(table: SKDNTable) -> str:
    return f"skdn-{_month(table)}.xlsx"
