"""The rejected rows of an import come back as the user typed them: text stays text."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.spreadsheets import HOSTILE, assert_kept_as_text, workbook


def test_rejected_cells_typed_like_formulas_come_back_as_text(client, users, eppgbm, media_root):
    # A csv keeps the typed text as it is (an xlsx made by openpyxl would hold formulas).
    name, mother, address, posyandu = HOSTILE
    bad = eppgbm.row(Nama=name, Alamat=address, Posyandu=posyandu, Berat="150")
    bad["Nama Ortu"] = mother
    path = eppgbm.csv([eppgbm.row(), bad])
    client.force_login(users["kecamatan"])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    sha = client.post(reverse("growth:import_upload"), {"file": upload})["Location"]
    sha = sha.rstrip("/").rsplit("/")[-1]
    response = client.get(reverse("growth:import_errors_xlsx", args=[sha]))
    assert response.status_code == 200
    assert_kept_as_text(response.content, *HOSTILE)
    rows = list(workbook(response.content).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == name
