"""The rejected rows of a family import as an xlsx in the file's own layout (its header row,
its cells as read) with a last "Alasan Penolakan" column, to fix and upload again (with the
other rows of their families, which the upload replaces as a whole); and the
empty layout with one synthetic example row (the template offered on the import page).

The import keeps typed values, not the file's cells, so the rejected rows are read again from
the file (``parse.read_rows``), in one pass, keeping only the rejected ones.
"""

from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet, xlsx_write
from kampungkb.families.importing.commit import FamilyImportResult
from kampungkb.families.importing.headers import TEMPLATE_HEADERS
from kampungkb.families.importing.parse import read_rows
from kampungkb.growth.importing.report import REASON_HEADER

DATE_FORMAT = "dd/mm/yyyy"

# One synthetic member row of the layout (every value made up).
EXAMPLE_ROW = (
    "1906010101250001", "Manggar", "Kurnia Jaya", "001", "002", "Jl. Contoh Sintetis 1",
    "1906014101990001", "Ibu Contoh Sintetis", "2", "P", "01/01/1999", "2", "20", "T", "1",
    "Y", "Suntik", "2", "1", "Y", "Y", "15/06/2025",
)  # fmt: skip


def _value(value):
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        return str(int(value))  # a NIK or No KK typed as a number: keep every digit visible
    return value


def rejected_rows_xlsx(*, result: FamilyImportResult, path, out) -> int:
    """Write the rejected rows of ``result`` (an import of the file at ``path``) to ``out``
    (a path or a binary file object), with the other rows of their families (a family's rows
    in a file replace its stored round: see ``planning.rows_beside_rejected``). Returns the
    number of rows written."""
    table = read_rows(path)
    width = len(table.headers)
    reasons = {n: "; ".join(f"{e.column}: {e.reason}" for e in errors)
               for n, errors in result.reasons_by_row().items()}  # fmt: skip
    beside = _(
        "Not rejected: listed with its family's rejected row so that the family is whole "
        "when this file is uploaded again (a family's rows in a file replace its stored "
        "members)."
    )
    reasons.update(dict.fromkeys(set(result.beside_rejected) - reasons.keys(), beside))

    def rows():
        for number, cells in table.rows:
            if number not in reasons:
                continue
            cells = list(cells)[:width]
            cells += [None] * (width - len(cells))
            yield [*(_value(c) for c in cells), reasons[number]]

    sheet = Sheet(
        _("Rejected rows"),
        header=[*table.headers, REASON_HEADER],
        rows=rows(),
        date_format=DATE_FORMAT,
        bold_header=False,
    )
    xlsx_write([sheet], out)
    return len(reasons)


def template_xlsx(out) -> None:
    """The layout's header row and one synthetic example row, every cell text."""
    sheet = Sheet(_("Family survey"), header=list(TEMPLATE_HEADERS), rows=[list(EXAMPLE_ROW)])
    xlsx_write([sheet], out)
