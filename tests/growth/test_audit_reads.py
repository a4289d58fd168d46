"""Every page and download showing children's personal data leaves one VIEW entry in the audit
trail, with the object and area read, and never a whole NIK (issue 11, item 12)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from tests import factories
from tests.conftest import KURNIA_JAYA

NIK = "1906010101230007"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def child(posyandu, today):
    kid = factories.child(
        posyandu=posyandu,
        nama="Budi Santoso",
        tanggal_lahir=today - datetime.timedelta(days=500),
        nama_ibu="Siti Aminah",
        nik=NIK,
    )
    factories.measurement(kid, today - datetime.timedelta(days=30))
    return kid


@pytest.fixture
def operator(client, users):
    client.force_login(users["desa"])
    return client


def _views(response, users, role="desa"):
    """The VIEW entries the request left (asserting it succeeded)."""
    assert response.status_code == 200, response.content[:300]
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    entries = list(AuditEntry.objects.filter(action="view", actor=users[role]))
    assert NIK not in str([(e.object_repr, e.changes) for e in entries])
    return entries


def _session(name, posyandu, *args, today):
    return reverse(f"growth:{name}", args=[posyandu.pk, today.isoformat(), *args])


def test_the_child_edit_form_records_a_read_with_the_whole_nik(operator, users, child):
    response = operator.get(reverse("growth:child_edit", args=[child.pk]))
    assert NIK in response.content.decode()
    [entry] = _views(response, users)
    assert (entry.object_type, entry.object_id) == ("growth.child", str(child.pk))
    assert entry.wilayah_kode == KURNIA_JAYA
    assert entry.changes == {"page": "edit", "full_nik": True}


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/pertumbuhan/anak/{pk}/grafik/wfa.json", "chart_json_wfa"),
        ("/pertumbuhan/anak/{pk}/grafik.png?kind=lhfa", "chart_png_lhfa"),
        ("/pertumbuhan/anak/{pk}/grafik.pdf", "chart_pdf"),
    ],
)
def test_each_growth_chart_records_one_read_of_the_child(operator, users, child, url, page):
    [entry] = _views(operator.get(url.format(pk=child.pk)), users)
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "growth.child",
        str(child.pk),
        KURNIA_JAYA,
    )
    assert entry.changes == {"page": page}


def test_a_nik_search_in_the_child_list_is_recorded_masked_with_the_count(operator, users, child):
    factories.child(KURNIA_JAYA, nama="Anak Lain")
    response = operator.get(reverse("growth:child_list"), {"q": NIK, "desa": KURNIA_JAYA})
    [entry] = _views(response, users)
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "growth.child",
        "",
        KURNIA_JAYA,
    )
    assert entry.changes == {
        "page": "list",
        "q": "1906********0007",
        "desa": KURNIA_JAYA,
        "count": 1,
    }


def test_the_whole_child_list_is_recorded_for_the_users_area(client, users, child):
    client.force_login(users["kecamatan"])
    [entry] = _views(client.get(reverse("growth:child_list")), users, "kecamatan")
    assert entry.wilayah_kode == "19.06.01" and entry.changes["count"] == 1


def test_a_session_search_records_the_children_shown_by_id(operator, users, posyandu, child, today):
    response = operator.get(
        _session("session_search", posyandu, today=today), {"q": "budi"}, **HTMX
    )
    assert "Budi Santoso" in response.content.decode()
    [entry] = _views(response, users)
    assert (entry.object_type, entry.wilayah_kode) == ("growth.child", KURNIA_JAYA)
    assert entry.changes["ids"] == [child.pk] and entry.changes["q"] == "budi"
    assert entry.changes["posyandu"] == posyandu.pk


def test_a_session_page_records_the_measurements_listed(operator, users, posyandu, child, today):
    m = factories.measurement(child, today, posyandu=posyandu)
    [entry] = _views(operator.get(_session("session", posyandu, today=today)), users)
    assert entry.object_type == "growth.measurement" and entry.changes["ids"] == [m.pk]


def test_the_measure_form_of_a_session_records_the_child(operator, users, posyandu, child, today):
    response = operator.get(_session("session_measure", posyandu, child.pk, today=today), **HTMX)
    [entry] = _views(response, users)
    assert (entry.object_type, entry.object_id) == ("growth.child", str(child.pk))


def test_the_measurement_edit_form_records_the_measurement(operator, users, child):
    m = child.measurements.get()
    [entry] = _views(operator.get(reverse("growth:measurement_edit", args=[m.pk])), users)
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "growth.measurement",
        str(m.pk),
        KURNIA_JAYA,
    )


def test_the_e_ppgbm_export_records_area_filters_rows_and_whole_niks(client, users, child):
    client.force_login(users["kecamatan"])
    response = client.post(reverse("growth:export_xlsx"), {"date_from": "2020-01-01"})
    entries = _views(response, users, "kecamatan")
    # The request of the export (a job, with what was asked) and the file written (with what
    # it held): one entry each.
    [job] = [e for e in entries if e.object_type == "growth.filejob"]
    [entry] = [e for e in entries if e.object_type == "growth.measurement"]
    assert job.changes["rows"] == 1 and job.wilayah_kode == "19.06.01"
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "growth.measurement",
        "",
        "19.06.01",
    )
    assert entry.changes == {
        "page": "eppgbm_export",
        "date_from": "2020-01-01",
        "date_to": None,
        "desa": "",
        "rows": 1,
        "full_nik": True,
    }


def test_the_import_preview_and_rejected_rows_record_a_read_each(
    client, users, eppgbm, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(users["kecamatan"])
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(NIK="12", Nama="Salah NIK")])
    with open(path, "rb") as fh:
        upload = SimpleUploadedFile(path.name, fh.read())
    sha = (
        client.post(reverse("growth:import_upload"), {"file": upload})["Location"]
        .rstrip("/")
        .rsplit("/", 1)[-1]
    )
    [preview] = _views(client.get(reverse("growth:import_preview", args=[sha])), users, "kecamatan")
    assert (preview.object_type, preview.object_repr) == ("growth.upload", path.name)
    assert preview.changes == {"page": "preview", "sha256": sha, "rows": 2}
    response = client.get(reverse("growth:import_errors_xlsx", args=[sha]))
    openpyxl.load_workbook(io.BytesIO(response.content))
    rejected = AuditEntry.objects.filter(action="view").exclude(pk=preview.pk).get()
    assert rejected.changes == {"page": "rejected_xlsx", "sha256": sha, "rows": 1}
    assert rejected.wilayah_kode == "19.06.01"


def test_an_imports_result_page_records_a_read_of_its_report(
    client, users, eppgbm, settings, tmp_path
):
    """The result page lists possible duplicate children by name, mother and birth date."""
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.child(
        KURNIA_JAYA,
        nama="Anak Contoh Satu",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date(2024, 3, 10),
        nama_ibu="Siti",
    )
    client.force_login(users["kecamatan"])
    path = eppgbm.xlsx([eppgbm.row(NIK="")])
    with open(path, "rb") as fh:
        upload = SimpleUploadedFile(path.name, fh.read())
    preview = client.post(reverse("growth:import_upload"), {"file": upload})["Location"]
    result = client.post(preview + "simpan/")["Location"]
    AuditEntry.objects.filter(action="view").delete()
    response = client.get(result)
    assert "Siti" in response.content.decode()
    [entry] = _views(response, users, "kecamatan")
    batch = response.context["batch"]
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "growth.importbatch",
        str(batch.pk),
        path.name,
    )
    assert entry.wilayah_kode == "19.06.01"
    assert entry.changes == {"page": "import_result", "sha256": batch.sha256, "rows": 1}


def test_a_desa_filter_outside_the_users_area_files_the_read_under_their_area(
    operator, users, child
):
    [entry] = _views(operator.get(reverse("growth:child_list"), {"desa": "zz"}), users)
    assert entry.wilayah_kode == KURNIA_JAYA and entry.changes["desa"] == "zz"


def test_a_search_with_a_nul_character_is_refused_and_reads_nothing(operator, users, child):
    # Refused before the page (core.middleware.NulCharacterMiddleware): no list, no entry.
    response = operator.get(reverse("growth:child_list"), {"q": "bu\x00di"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="view", actor=users["desa"]).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_refused_weighing_shows_the_childs_form_again_and_records_the_read(
    operator, users, posyandu, child, headers, today
):
    url = _session("session_measure", posyandu, child.pk, today=today)
    response = operator.post(url, {"berat": "", "cara_ukur": "PB"}, **headers)
    assert response.status_code == 400 and "Budi Santoso" in response.content.decode()
    entries = AuditEntry.objects.filter(action="view", actor=users["desa"])
    reads = [(e.object_type, e.object_id, e.wilayah_kode) for e in entries]
    assert ("growth.child", str(child.pk), KURNIA_JAYA) in reads
    assert NIK not in str([(e.object_repr, e.changes) for e in entries])
