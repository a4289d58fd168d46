"""The desa of a row: its Kemendagri code, or its name (and the kecamatan's) as growth's
import finds it (``growth.importing.wilayah.WilayahIndex``: tolerant of spelling, inside the
user's area, a desa of another area rejected with a reason that names only the desa)."""

import re

from kampungkb.families.importing.parse import FamilyTable
from kampungkb.families.importing.rows import MemberRow
from kampungkb.growth.importing.wilayah import Resolved, WilayahIndex

_DESA_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_KEC_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


def desa_find(kec: str, desa: str, *, index: WilayahIndex) -> Resolved:
    """The desa named by a row's Kecamatan and Desa/Kelurahan. A code is read as the name it
    has (a desa code also names its kecamatan)."""
    if _KEC_CODE.match(kec) and kec in index.names:
        kec = index.names[kec]
    if _DESA_CODE.match(desa) and desa in index.names:
        kec = index.names.get(desa[:8], kec)
        desa = index.names[desa]
    return index.resolve(kec, desa)


def desa_resolve(row: MemberRow, *, table: FamilyTable, index: WilayahIndex) -> None:
    """Set ``row.desa_kode``, or reject the row at the column that does not resolve."""
    resolved = desa_find(row.kec, row.desa, index=index)
    if resolved.kode is None:
        row.reject(table, resolved.column, resolved.reason)
    else:
        row.desa_kode = resolved.kode
