"""Fixtures shared by the growth tests."""

import csv
import datetime
from decimal import Decimal

import openpyxl
import pytest

from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from tests import factories
from tests.conftest import KURNIA_JAYA

# --- a weighed child, through the services ---------------------------------------------


def weighed_child(nama: str, born: datetime.date, weighings, desa: str = "19.06.01.2002"):
    """Register a girl in ``desa`` (Kurnia Jaya) and record ``weighings`` ((date, kg) pairs,
    weight only) through the services, as a posyandu session does."""
    child = factories.child(
        desa, nama=nama, jenis_kelamin="P", tanggal_lahir=born, nama_ibu="Ibu " + nama
    )
    for day, kg in weighings:
        factories.measurement(child, day, berat=Decimal(kg), tinggi=None, cara_ukur="")
    return child


def ayu_with_a_700_g_gain():
    """At 3 completed months a 700 g gain: T under Buku KIA (800 g), N under the 600 g sheet."""
    born, may, june = (datetime.date(2025, m, d) for m, d in ((3, 10), (5, 12), (6, 12)))
    return weighed_child("Ayu", born, [(may, "5.10"), (june, "5.80")])


# --- e-PPGBM files (import/export tests) -------------------------------------------------


class EppgbmFiles:
    """Writes real e-PPGBM "entri pengukuran" files (xlsx with openpyxl, csv by hand)."""

    def __init__(self, folder):
        self.folder = folder

    @staticmethod
    def row(**values) -> dict:
        """A valid row of a synthetic child in Kurnia Jaya (Manggar); override by header."""
        row = {
            "NIK": "1906010101240001",
            "Nama": "Anak Contoh Satu",
            "JK": "L",
            "Tgl Lahir": "10/03/2024",
            "BB Lahir": "3,1",
            "TB Lahir": "49",
            "Nama Ortu": "Ibu Contoh",
            "Prov": "Kepulauan Bangka Belitung",
            "Kab/Kota": "Belitung Timur",
            "Kec": "Manggar",
            "Pukesmas": "Puskesmas Manggar",
            "Desa/Kel": "Kurnia Jaya",
            "Posyandu": "Melati",
            "RT": "001",
            "RW": "002",
            "Alamat": "Jl. Contoh 1",
            "Usia Saat Ukur": "1 Tahun - 6 Bulan - 5 Hari",
            "Tanggal Pengukuran": "15/09/2025",
            "Berat": "10,2",
            "Tinggi": "79,5",
            "Cara Ukur": "Telentang",
            "LiLA": "",
            "Jml Vit A": "1",
            "KIA": "Ya",
        }
        row.update(values)
        return row

    def xlsx(self, rows, name="eppgbm.xlsx", headers=TEMPLATE_HEADERS, title=None):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        if title:
            sheet.append([title])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        path = self.folder / name
        workbook.save(path)
        return path

    def csv(self, rows, name="eppgbm.csv", headers=TEMPLATE_HEADERS, delimiter=";"):
        path = self.folder / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([row.get(h, "") for h in headers])
        return path


@pytest.fixture
def eppgbm(tmp_path):
    return EppgbmFiles(tmp_path)


@pytest.fixture
def posyandu(beltim):
    """Posyandu Melati in Kurnia Jaya (a file may define its own)."""
    return factories.posyandu(KURNIA_JAYA, "Posyandu Melati")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def days_ago(n: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=n)).strftime("%d/%m/%Y")
