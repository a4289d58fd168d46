"""Stored measurements back out as an e-PPGBM "entri pengukuran" xlsx (the import template).

Streamed through the core xlsx writer, row by row from a scoped queryset iterator, so a
kabupaten's years of measurements do not sit in memory. The file re-imports as unchanged.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kampungkb import anthro
from kampungkb.core.downloads import Sheet, xlsx_write
from kampungkb.core.permissions import can_view_full_nik, can_view_personal_data
from kampungkb.core.privacy import mask_nik
from kampungkb.growth import personal_data, selectors
from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from kampungkb.wilayah.models import Level, Wilayah

DATE_FORMAT = "DD/MM/YYYY"
METHOD_LABEL = {"PB": "Telentang", "TB": "Berdiri"}


def usia_text(born: datetime.date, on: datetime.date) -> str:
    """Age as e-PPGBM writes it: ``"1 Tahun - 2 Bulan - 3 Hari"``."""
    months = (on.year - born.year) * 12 + on.month - born.month
    if on.day < born.day:
        months -= 1
    anchor_month = born.month - 1 + months
    year, month = born.year + anchor_month // 12, anchor_month % 12 + 1
    day = min(born.day, _days_in_month(year, month))
    days = (on - datetime.date(year, month, day)).days
    return f"{months // 12} Tahun - {months % 12} Bulan - {days} Hari"


def _days_in_month(year: int, month: int) -> int:
    nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - datetime.timedelta(days=1)).day


def _label(kind: str, code) -> str:
    return anthro.CATEGORY_LABELS[kind].get(code, "") if code is not None else ""


def _z(value):
    return None if value is None else round(value, 2)


def _num(value):
    return None if value is None else float(value)


def measurements_export_xlsx(*, user, out, date_from=None, date_to=None, desa: str = "") -> int:
    """Write the user's measurements (optionally by date range and desa) to ``out``.

    Raises PermissionDenied for roles without personal-data access. Returns the row count.
    The export is recorded in the audit trail (area, filters, rows, whole NIKs or not).
    """
    if not can_view_personal_data(user):
        raise PermissionDenied(_("Your role may not export personal records."))
    whole_nik = can_view_full_nik(user)
    upper = dict(
        Wilayah.objects.filter(level__in=[Level.PROVINSI, Level.KABUPATEN]).values_list(
            "kode", "nama"
        )
    )
    qs = selectors.measurement_list(
        user=user, date_from=date_from, date_to=date_to, desa=desa
    ).select_related("child__posyandu", "child__posyandu__puskesmas")

    def rows():
        for m in qs.iterator(chunk_size=2000):
            yield _row(m, upper=upper, whole_nik=whole_nik)

    sheet = Sheet(
        "e-PPGBM",
        header=list(TEMPLATE_HEADERS),
        rows=rows(),
        date_format=DATE_FORMAT,
        bold_header=False,
    )
    (n,) = xlsx_write([sheet], out)
    personal_data.measurements_exported(
        user=user,
        filters={"date_from": date_from, "date_to": date_to, "desa": desa},
        rows=n,
        full_nik=whole_nik,
    )
    return n


def _row(m, *, upper: dict, whole_nik: bool) -> list:
    """One measurement as a line of the e-PPGBM template."""
    child, desa_obj = m.child, m.child.desa
    posyandu = m.posyandu or child.posyandu
    puskesmas = posyandu.puskesmas if posyandu is not None else None
    nik = child.nik or ""
    return [
        nik if whole_nik else mask_nik(nik),
        child.nama,
        child.jenis_kelamin,
        child.tanggal_lahir,
        _num(child.berat_lahir),
        _num(child.panjang_lahir),
        child.nama_ibu,
        upper.get(desa_obj.kode[:2], ""),
        upper.get(desa_obj.kode[:5], ""),
        desa_obj.parent.nama if desa_obj.parent else "",
        puskesmas.nama if puskesmas else "",
        desa_obj.nama,
        posyandu.nama if posyandu else "",
        child.rt,
        child.rw,
        child.alamat,
        usia_text(child.tanggal_lahir, m.tanggal),
        m.tanggal,
        _num(m.berat),
        _num(m.tinggi),
        METHOD_LABEL.get(m.cara_ukur, ""),
        _num(m.lila),
        _label("bbu", m.cat_bbu),
        _z(m.zwei),
        _label("tbu", m.cat_tbu),
        _z(m.zlen),
        _label("bbtb", m.cat_bbtb),
        _z(m.zwfl),
        m.growth_code,
        _num(m.pmt_kg),
        1 if m.vitamin_a else 0,
        "",
        {True: "Ya", False: "Tidak"}.get(child.punya_buku_kia, ""),
        "",
    ]
