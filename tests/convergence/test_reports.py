"""The annual review downloads: what users typed stays text in the xlsx (no formula
injection), and the PDF is a PDF."""

import datetime

from django.urls import reverse

from kampungkb.convergence.review import services
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, PADANG
from tests.spreadsheets import HOSTILE, assert_kept_as_text, workbook

YEAR = datetime.date.today().year - 1


def test_the_review_xlsx_writes_kampung_kb_names_as_text(client, users, ref, make_kampung):
    for kode, nama in zip([KURNIA_JAYA, BATU_PENYU, LALANG_JAYA, PADANG], HOSTILE, strict=True):
        make_kampung(kode, nama=nama)
    services.evaluation_run(user=users["admin"], tahun=YEAR)
    client.force_login(users["admin"])
    response = client.get(reverse("convergence:review_xlsx") + f"?tahun={YEAR}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="reviu-kinerja-{YEAR}.xlsx"'
    assert_kept_as_text(response.content, *HOSTILE)
    support = [r[0] for r in workbook(response.content).worksheets[2].iter_rows(values_only=True)]
    assert set(HOSTILE) <= set(support)  # the "needs support" list names them too


def test_the_review_pdf_is_saved_under_its_year(client, users, kampungs):
    services.evaluation_run(user=users["admin"], tahun=YEAR)
    client.force_login(users["viewer"])
    response = client.get(reverse("convergence:review_pdf") + f"?tahun={YEAR}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="reviu-kinerja-{YEAR}.pdf"'
