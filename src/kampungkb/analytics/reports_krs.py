"""The public KRS figures as an xlsx sheet (``publication_krs.krs_public_tables``): hidden
cells written as "–", shares rounded by ``core.rounding`` as on the page."""

from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet, header_widths
from kampungkb.core.rounding import percent

DASH = "–"


def _shown(value):
    return DASH if value is None else value


def krs_public_sheet(krs_tables: dict) -> Sheet | None:
    """One sheet of the KRS rows (district, Kampung KB / other desa, kecamatan, desa), or
    None when the publication froze no family survey round."""
    if not krs_tables.get("tahun"):
        return None
    header = [
        _("Code"),
        _("Area"),
        _("Target families"),
        _("KRS families"),
        _("KRS among target families (%)"),
    ]
    groups = {"kampung_kb": _("Kampung KB desa"), "other": _("Other desa")}
    rows = []
    for section in ("kabupaten", "kampung_kb", "kecamatan", "desa"):
        for r in krs_tables[section]:
            cell = r.krs
            name = str(groups[r.group]) if section == "kampung_kb" else r.nama
            rows.append(
                [r.kode, name, _shown(cell.n), _shown(cell.cases), _shown(percent(cell.prevalence))]
            )
    return Sheet(
        _("KRS %(year)s") % {"year": krs_tables["tahun"]},
        header=header,
        rows=rows,
        widths=header_widths(header),
    )
