"""Family-survey files for the import tests, written for real: xlsx by openpyxl, csv by hand.

A row is a dict of the layout's headers (``families.importing.headers.TEMPLATE_HEADERS``);
``family_rows`` gives one family's rows (a young couple with a baby by default: a sasaran
family whose water is not proper, so KRS), every name synthetic.
"""

import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kampungkb.families.importing.headers import TEMPLATE_HEADERS

SURVEY = "15/06/2025"


def family_rows(no_kk: str, *, desa="Kurnia Jaya", kec="Manggar", members=None, **family):
    base = {
        "No KK": no_kk,
        "Kecamatan": kec,
        "Desa/Kelurahan": desa,
        "RT": "001",
        "RW": "002",
        "Alamat": "Jl. Sintetis 1",
        "Sumber Air Minum": "8",
        "Jamban": "1",
        "Tanggal Pendataan": SURVEY,
        **family,
    }
    if members is None:
        members = [
            {"Nama": f"Ayah Sintetis {no_kk[-4:]}", "Hubungan": "1", "JK": "L",
             "Tgl Lahir": "01/02/1998", "Status Kawin": "2"},
            {"Nama": f"Ibu Sintetis {no_kk[-4:]}", "Hubungan": "2", "JK": "P",
             "Tgl Lahir": "01/03/2001", "Status Kawin": "2", "Usia Kawin Pertama": "19",
             "Hamil": "T", "Anak Lahir Hidup": "1", "Ber-KB": "Y", "Metode KB": "Suntik",
             "JKN": "Y", "Akta Lahir": "Y"},
            {"Nama": f"Anak Sintetis {no_kk[-4:]}", "Hubungan": "3", "JK": "L",
             "Tgl Lahir": "10/01/2025", "Status Kawin": "1", "Akta Lahir": "T"},
        ]  # fmt: skip
    return [{**base, **m} for m in members]


def write_xlsx(path: Path, rows: list[dict], *, headers=TEMPLATE_HEADERS, title=None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:  # ``headers`` name the layout's columns in its order, as spelt
        sheet.append([row.get(TEMPLATE_HEADERS[i]) for i in range(len(headers))])
    workbook.save(path)
    return path


def write_csv(
    path: Path, rows: list[dict], *, headers=TEMPLATE_HEADERS, delimiter=";", encoding="utf-8"
) -> Path:
    lines = [delimiter.join(headers)]
    for row in rows:
        cells = [str(row.get(TEMPLATE_HEADERS[i], "") or "") for i in range(len(headers))]
        lines.append(delimiter.join(cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def rejected_rows_sent_back(rejected: Path, out: Path, fix) -> Path:
    """The rejected-rows workbook ``rejected`` as a user sends it back: ``fix(row)`` called
    with each row as a dict of its headers (to change it in place), the reason column (the
    last) dropped, saved at ``out``."""
    sheet = load_workbook(rejected).active
    header = [c.value for c in sheet[1]]
    book = Workbook()
    book.active.append(header[:-1])
    for cells in sheet.iter_rows(min_row=2):
        row = dict(zip(header, (c.value for c in cells), strict=True))
        fix(row)
        book.active.append([row[h] for h in header[:-1]])
    book.save(out)
    return out


def date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()
