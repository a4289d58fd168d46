"""The audit trail as an xlsx sheet, and the record of each time the trail is read."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_read
from kampungkb.core.downloads import Sheet, header_widths, xlsx_write
from kampungkb.core.models import AuditEntry
from kampungkb.core.scoping import covered_kode
from kampungkb.core.selectors import audit_entry_list

AUDIT_FILENAME = "jejak-audit.xlsx"


def audit_sheet(entries) -> Sheet:
    """Every entry of ``entries`` (a queryset), one row each, read in chunks."""
    header = [
        _("Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Wilayah"),
        _("Changes"),
    ]

    def rows():
        for e in entries.iterator(chunk_size=2000):
            yield [
                timezone.localtime(e.at).replace(tzinfo=None),
                e.actor_username,
                e.get_action_display(),
                e.object_type,
                e.object_id,
                e.object_repr,
                e.wilayah_kode,
                json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
            ]

    widths = header_widths(header)
    widths[0] = 20
    widths[7] = 60
    return Sheet(
        _("Audit trail")[:31],
        header=header,
        rows=rows(),
        widths=widths,
        date_format="YYYY-MM-DD HH:MM:SS",
    )


def audit_trail_xlsx(*, user, filters: dict, out) -> int:
    """Write the entries of the user's area matching ``filters`` to ``out`` and record the
    export itself in the trail (the filters and the number of rows); return that number."""
    (n,) = xlsx_write([audit_sheet(audit_entry_list(user=user, **filters))], out)
    audit_read(
        actor=user,
        obj=AuditEntry,
        wilayah_kode=covered_kode(user) or "",
        details={"page": "audit_export", **filters, "rows": n},
        object_repr="audit export",
    )
    return n


def audit_trail_page_read(*, user, filters: dict, page_number: int, rows: int) -> None:
    """Record that ``user`` was shown a page of the trail (which names the people its entries
    are about): the filters, the page and how many entries it showed. A page of no entry
    shows nobody and is not recorded."""
    if not rows:
        return
    audit_read(
        actor=user,
        obj=AuditEntry,
        wilayah_kode=covered_kode(user) or "",
        details={"page": "audit_list", **filters, "page_number": page_number, "rows": rows},
        object_repr="audit trail",
    )
