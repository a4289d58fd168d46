"""Stored measurements back out as an e-PPGBM "entri pengukuran" xlsx (the import template).

Streamed through the core xlsx writer, row by row from a scoped queryset iterator of plain
tuples, so a kabupaten's years of measurements do not sit in memory and no row costs a query
(the demo district's 157,000 measurements take seconds: ``bench/export.py``). The file
re-imports as unchanged. A big export runs in the background (``growth.jobs``).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from kampungkb import anthro
from kampungkb.core.downloads import Sheet, xlsx_write
from kampungkb.core.permissions import can_view_full_nik, can_view_personal_data
from kampungkb.core.privacy import mask_nik
from kampungkb.growth import personal_data, selectors
from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from kampungkb.growth.models import Posyandu
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


# What a line of the export reads, in this order: the measurement's own columns, then its
# child's. One tuple per row from the database (no model instances, no per-row query); the
# names of places come from the small dictionaries of :class:`_Places`.
_COLUMNS = (
    "tanggal",
    "posyandu_id",
    "berat",
    "tinggi",
    "cara_ukur",
    "lila",
    "cat_bbu",
    "zwei",
    "cat_tbu",
    "zlen",
    "cat_bbtb",
    "zwfl",
    "growth_code",
    "pmt_kg",
    "vitamin_a",
    "child__nik",
    "child__nama",
    "child__jenis_kelamin",
    "child__tanggal_lahir",
    "child__berat_lahir",
    "child__panjang_lahir",
    "child__nama_ibu",
    "child__desa_id",
    "child__posyandu_id",
    "child__rt",
    "child__rw",
    "child__alamat",
    "child__punya_buku_kia",
)
# Read as floats: the sheet holds them as numbers, and a Decimal per cell costs time.
_DECIMALS = {"berat", "tinggi", "lila", "pmt_kg", "child__berat_lahir", "child__panjang_lahir"}
PROGRESS_EVERY = 5000  # rows between two calls of ``progress``


def measurements_export_queryset(*, user, date_from=None, date_to=None, desa: str = ""):
    """The measurements an export of ``user`` holds, in the export's order."""
    if not can_view_personal_data(user):
        raise PermissionDenied(_("Your role may not export personal records."))
    return selectors.measurement_list(user=user, date_from=date_from, date_to=date_to, desa=desa)


def measurements_export_xlsx(
    *,
    user,
    out,
    date_from=None,
    date_to=None,
    desa: str = "",
    progress=None,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write the user's measurements (optionally by date range and desa) to ``out``.

    ``progress(rows_written)`` is called every ``progress_every`` rows when given.
    Raises PermissionDenied for roles without personal-data access. Returns the row count.
    The export is recorded in the audit trail (area, filters, rows, whole NIKs or not).
    """
    qs = measurements_export_queryset(user=user, date_from=date_from, date_to=date_to, desa=desa)
    places = _Places(user)
    whole_nik = can_view_full_nik(user)
    lines = qs.values_list(*(Cast(c, FloatField()) if c in _DECIMALS else c for c in _COLUMNS))

    def rows():
        for n, values in enumerate(lines.iterator(chunk_size=5000), start=1):
            yield _row(values, places=places, whole_nik=whole_nik)
            if progress is not None and n % progress_every == 0:
                progress(n)

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


class _Places:
    """The names an export line shows for a desa and a posyandu, read once per export."""

    def __init__(self, user):
        upper = dict(
            Wilayah.objects.filter(level__in=[Level.PROVINSI, Level.KABUPATEN]).values_list(
                "kode", "nama"
            )
        )
        self.desa = {
            kode: (upper.get(kode[:2], ""), upper.get(kode[:5], ""), kecamatan or "", nama)
            for kode, nama, kecamatan in Wilayah.objects.for_user(user)
            .desa()
            .values_list("kode", "nama", "parent__nama")
        }
        self.posyandu = dict(_posyandu_names(Posyandu.objects.for_user(user)))

    def of_desa(self, kode: str) -> tuple[str, str, str, str]:
        """(provinsi, kabupaten, kecamatan, desa) names."""
        found = self.desa.get(kode)
        if found is None:  # outside the user's area: never in a scoped export
            found = self.desa[kode] = ("", "", "", "")
        return found

    def of_posyandu(self, pk: int | None) -> tuple[str, str]:
        """(posyandu, puskesmas) names."""
        if pk is None:
            return "", ""
        found = self.posyandu.get(pk)
        if found is None:  # a child's posyandu in another area (the child moved)
            found = dict(_posyandu_names(Posyandu.objects.filter(pk=pk))).get(pk, ("", ""))
            self.posyandu[pk] = found
        return found


def _posyandu_names(qs):
    for pk, nama, puskesmas in qs.values_list("pk", "nama", "puskesmas__nama"):
        yield pk, (nama, puskesmas or "")


def _row(values: tuple, *, places: _Places, whole_nik: bool) -> list:
    """One measurement (a tuple of :data:`_COLUMNS`) as a line of the e-PPGBM template."""
    (
        tanggal,
        posyandu_id,
        berat,
        tinggi,
        cara_ukur,
        lila,
        cat_bbu,
        zwei,
        cat_tbu,
        zlen,
        cat_bbtb,
        zwfl,
        growth_code,
        pmt_kg,
        vitamin_a,
        nik,
        nama,
        jenis_kelamin,
        tanggal_lahir,
        berat_lahir,
        panjang_lahir,
        nama_ibu,
        desa_id,
        child_posyandu_id,
        rt,
        rw,
        alamat,
        punya_buku_kia,
    ) = values
    provinsi, kabupaten, kecamatan, desa = places.of_desa(desa_id)
    posyandu, puskesmas = places.of_posyandu(posyandu_id or child_posyandu_id)
    nik = nik or ""
    return [
        nik if whole_nik else mask_nik(nik),
        nama,
        jenis_kelamin,
        tanggal_lahir,
        _num(berat_lahir),
        _num(panjang_lahir),
        nama_ibu,
        provinsi,
        kabupaten,
        kecamatan,
        puskesmas,
        desa,
        posyandu,
        rt,
        rw,
        alamat,
        usia_text(tanggal_lahir, tanggal),
        tanggal,
        _num(berat),
        _num(tinggi),
        METHOD_LABEL.get(cara_ukur, ""),
        _num(lila),
        _label("bbu", cat_bbu),
        _z(zwei),
        _label("tbu", cat_tbu),
        _z(zlen),
        _label("bbtb", cat_bbtb),
        _z(zwfl),
        growth_code,
        _num(pmt_kg),
        1 if vitamin_a else 0,
        "",
        {True: "Ya", False: "Tidak"}.get(punya_buku_kia, ""),
        "",
    ]
