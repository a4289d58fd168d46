"""Pages per role: 200 / 403 / 404, bad input refused in Indonesian, reports."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampungkb.convergence.actions.services import action_record_save
from kampungkb.convergence.cadres.services import cadre_save
from kampungkb.convergence.coaching.services import visit_record
from kampungkb.convergence.models import (
    ActionDefinition,
    Cadre,
    CoachingVisit,
    EvidenceFile,
    Plan,
    ProgrammeArea,
)
from kampungkb.convergence.plans.services import activity_add, plan_create
from kampungkb.convergence.review.services import evaluation_run
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import Wilayah
from tests.conftest import BATU_PENYU, KURNIA_JAYA

ROLES = ["admin", "kecamatan", "desa", "mitra", "viewer"]


@pytest.fixture
def objs(users, kampungs, ref, mitra_dpupr):
    year = datetime.date.today().year
    own_plan = plan_create(user=None, tahun=year, kampung=kampungs["own"])
    other_plan = plan_create(user=None, tahun=year, kampung=kampungs["other"])
    opd_plan = plan_create(user=None, tahun=year, opd=ref["dpupr"])
    cadres = {
        key: cadre_save(
            user=None,
            desa=Wilayah.objects.get(kode=kode),
            nama=f"Kader {key}",
            peran="kpm",
            telepon="081234500",
        )
        for key, kode in (("own", KURNIA_JAYA), ("other", BATU_PENYU))
    }
    visits = {
        key: visit_record(
            user=None,
            opd=ref["dkppkb"],
            desa=Wilayah.objects.get(kode=kode),
            tanggal=datetime.date.today(),
            topik="Pembinaan",
            temuan="Temuan",
        )
        for key, kode in (("own", KURNIA_JAYA), ("other", BATU_PENYU))
    }
    action = ActionDefinition.objects.filter(framework__kode="transformasi-2025").first()
    return {
        "year": year,
        "own_plan": own_plan,
        "other_plan": other_plan,
        "opd_plan": opd_plan,
        "cadres": cadres,
        "visits": visits,
        "kampungs": kampungs,
        "action": action,
    }


def _pages(o):
    k = o["kampungs"]
    return {
        "home": reverse("convergence:home"),
        "actions": reverse("convergence:action_year"),
        "action": reverse("convergence:action_edit", args=[o["year"], o["action"].pk]),
        "plans": reverse("convergence:plan_list"),
        "plan_create": reverse("convergence:plan_create"),
        "summary": reverse("convergence:plan_summary") + "?by=kecamatan",
        "plan_own": reverse("convergence:plan_detail", args=[o["own_plan"].pk]),
        "plan_other": reverse("convergence:plan_detail", args=[o["other_plan"].pk]),
        "plan_opd": reverse("convergence:plan_detail", args=[o["opd_plan"].pk]),
        "cadres": reverse("convergence:cadre_list"),
        "cadre_create": reverse("convergence:cadre_create"),
        "cadre_own": reverse("convergence:cadre_detail", args=[o["cadres"]["own"].pk]),
        "cadre_other": reverse("convergence:cadre_detail", args=[o["cadres"]["other"].pk]),
        "visits": reverse("convergence:visit_list"),
        "visit_create": reverse("convergence:visit_create"),
        "visit_own": reverse("convergence:visit_detail", args=[o["visits"]["own"].pk]),
        "visit_other": reverse("convergence:visit_detail", args=[o["visits"]["other"].pk]),
        "overdue": reverse("convergence:followup_overdue"),
        "indicators_own": reverse("convergence:indicator_entry", args=[k["own"].pk]),
        "indicators_other": reverse("convergence:indicator_entry", args=[k["other"].pk]),
        "review_own": reverse("convergence:kampung_kb_review", args=[k["own"].pk]),
        "review_other": reverse("convergence:kampung_kb_review", args=[k["other"].pk]),
        "review_year": reverse("convergence:review_year"),
        "xlsx": reverse("convergence:review_xlsx"),
        "innovations": reverse("convergence:innovation_list"),
        "innovation_create": reverse("convergence:innovation_create"),
        "target": reverse("convergence:target"),
    }


# page: (admin, kecamatan Manggar, desa Kurnia Jaya, mitra (DKPPKB), viewer)
EXPECTED = {
    "home": (200, 200, 200, 200, 200),
    "actions": (200, 200, 200, 200, 200),
    "action": (200, 200, 200, 200, 200),
    "plans": (200, 200, 200, 200, 200),
    "plan_create": (200, 200, 200, 403, 403),
    "summary": (200, 200, 200, 200, 200),
    "plan_own": (200, 200, 200, 200, 200),
    "plan_other": (200, 404, 404, 200, 200),
    "plan_opd": (200, 200, 200, 200, 200),
    # A list of persons: not for the Viewer, who sees aggregates only.
    "cadres": (200, 200, 200, 200, 403),
    "cadre_create": (200, 200, 200, 403, 403),
    "cadre_own": (200, 200, 200, 200, 200),
    "cadre_other": (200, 404, 404, 200, 200),
    "visits": (200, 200, 200, 200, 200),
    # The Mitra OPD reads its OPD's visits and records none (read only).
    "visit_create": (200, 403, 403, 403, 403),
    "visit_own": (200, 200, 200, 200, 200),
    "visit_other": (200, 404, 404, 200, 200),
    "overdue": (200, 200, 200, 200, 200),
    "indicators_own": (200, 200, 200, 403, 403),
    "indicators_other": (200, 404, 404, 403, 403),
    "review_own": (200, 200, 200, 200, 200),
    "review_other": (200, 404, 404, 200, 200),
    "review_year": (200, 200, 200, 200, 200),
    "xlsx": (200, 200, 200, 200, 200),
    "innovations": (200, 200, 200, 200, 200),
    "innovation_create": (200, 200, 200, 403, 403),
    "target": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_convergence_page_answers_each_role_as_designed(client, users, objs, role_index):
    user = users[ROLES[role_index]]
    if user.role == "mitra_opd":
        user.organisation = "DKPPKB"
        user.save()
    client.force_login(user)
    got = {name: client.get(url).status_code for name, url in _pages(objs).items()}
    assert got == {name: codes[role_index] for name, codes in EXPECTED.items()}


def test_anonymous_visitors_are_sent_to_log_in(client, objs):
    response = client.get(reverse("convergence:review_year"))
    assert response.status_code == 302


def test_the_coaching_visits_are_listed_newest_first(client, users, objs, ref):
    """The list counts each visit's open follow-ups, and that count used to drop the model's
    ordering (Django leaves Meta.ordering out of a GROUP BY query): visits came in any order."""
    today = datetime.date.today()
    for days in (400, 10, 200):
        visit_record(
            user=None,
            opd=ref["dkppkb"],
            desa=Wilayah.objects.get(kode=KURNIA_JAYA),
            tanggal=today - datetime.timedelta(days=days),
            topik=f"Pembinaan {days}",
            temuan="Temuan",
        )
    client.force_login(users["desa"])
    visits = list(client.get(reverse("convergence:visit_list")).context["visits"])
    dates = [v.tanggal for v in visits]
    assert len(dates) == 4 and dates == sorted(dates, reverse=True)


def test_a_mitra_opd_sees_only_its_own_visits(client, objs, mitra_dpupr):
    client.force_login(mitra_dpupr)
    assert (
        client.get(reverse("convergence:visit_detail", args=[objs["visits"]["own"].pk])).status_code
        == 404
    )
    assert list(client.get(reverse("convergence:visit_list")).context["visits"]) == []


def test_cadre_phone_numbers_are_hidden_from_mitra_and_viewer(client, users, objs):
    for role, shown in (("kecamatan", True), ("mitra", False), ("viewer", False)):
        client.force_login(users[role])
        page = client.get(reverse("convergence:cadre_list")).content.decode()
        assert ("081234500" in page) is shown, role
        detail = client.get(reverse("convergence:cadre_detail", args=[objs["cadres"]["own"].pk]))
        assert ("081234500" in detail.content.decode()) is shown, role


def test_the_mitra_opd_reads_cadre_counts_and_no_cadre_names(client, users, objs):
    client.force_login(users["mitra"])
    response = client.get(reverse("convergence:cadre_list"))
    page = response.content.decode()
    assert response.context["cadres"] is None
    counts = {r["desa_id"]: (r["n_active"], r["n_trained"]) for r in response.context["counts"]}
    assert counts == {KURNIA_JAYA: (1, 0), BATU_PENYU: (1, 0)}
    assert "Kader own" not in page and "Kader other" not in page
    assert "Nama dan nomor telepon kader hanya terlihat oleh operator." in page
    cadre = objs["cadres"]["own"]
    for role in ("mitra", "viewer"):
        client.force_login(users[role])
        detail = client.get(reverse("convergence:cadre_detail", args=[cadre.pk]))
        assert detail.status_code == 200
        assert "Kader own" not in detail.content.decode()
        assert "Kurnia Jaya" in detail.content.decode()
    # The Viewer's pages do not link to the list it may not open.
    home = client.get(reverse("convergence:home")).content.decode()
    assert reverse("convergence:cadre_list") not in home


def test_a_plan_activity_with_bad_values_is_refused_in_indonesian_and_nothing_saved(
    client, users, objs
):
    client.force_login(users["desa"])
    url = reverse("convergence:activity_add", args=[objs["own_plan"].pk])
    response = client.post(
        url,
        {
            "kegiatan": "Penyuluhan",
            "programme_area": "",
            "sasaran": "Keluarga",
            "jumlah_sasaran": "0",
            "anggaran": "-5",
            "sumber_dana": "apbd",
            "penanggung_jawab": "Ketua",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bidang program" in page and "Bulan" in page
    assert "lebih besar dari atau sama dengan" in page  # Django's Indonesian min-value message
    assert objs["own_plan"].activities.count() == 0
    other = reverse("convergence:activity_add", args=[objs["other_plan"].pk])
    assert client.post(other, {}).status_code == 404


def test_a_coaching_visit_with_a_half_filled_follow_up_is_refused(client, users, objs, ref):
    client.force_login(users["admin"])
    before = CoachingVisit.objects.count()
    response = client.post(
        reverse("convergence:visit_create"),
        {
            "opd": ref["dpupr"].pk,
            "desa": KURNIA_JAYA,
            "tanggal": "2099-01-01",
            "topik": "Air bersih",
            "temuan": "Sumur",
            "tindakan": "Perbaiki sumur",
        },
    )
    assert response.status_code == 400
    assert "Tindak lanjut perlu tindakan" in response.content.decode()
    assert CoachingVisit.objects.count() == before


def test_a_mitra_opd_records_no_visit_even_for_its_own_opd(client, objs, mitra_dpupr, ref):
    # Read only (issue 11, item 7): the form was once offered with the Mitra's own OPD, and
    # another OPD's visit was refused with 400.
    client.force_login(mitra_dpupr)
    for opd in (ref["dkppkb"], ref["dpupr"]):
        response = client.post(
            reverse("convergence:visit_create"),
            {
                "opd": opd.pk,
                "desa": KURNIA_JAYA,
                "tanggal": datetime.date.today().isoformat(),
                "topik": "Air bersih",
                "temuan": "Sumur",
            },
        )
        assert response.status_code == 403
    assert not CoachingVisit.objects.filter(topik="Air bersih").exists()
    page = client.get(reverse("convergence:visit_list")).content.decode()
    assert reverse("convergence:visit_create") not in page


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_other_outputs_with_a_number_json_does_not_have_are_refused_at_the_field(
    client, users, objs, constant
):
    # Python's reader takes NaN and Infinity, JSON has neither: the database refused the
    # value, and the admin got the page of a write conflicting with someone else's.
    from kampungkb.convergence.actions.models import ActionRecord

    client.force_login(users["admin"])
    url = reverse("convergence:action_edit", args=[objs["year"], objs["action"].pk])
    data = {"status": "berjalan", "keluaran": '{"peserta": ' + constant + "}"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ini bukan JSON yang sah." in response.content.decode()
    assert not ActionRecord.objects.exists()
    assert client.post(url, {**data, "keluaran": '{"peserta": 12}'}).status_code == 302


def _action_record(objs):
    """The district's record of the year's action, where evidence files are kept."""
    return action_record_save(
        user=None,
        kabupaten=Wilayah.objects.get(kode="19.06"),
        tahun=objs["year"],
        action=objs["action"],
        values={},
    )


def test_evidence_of_the_wrong_type_is_refused_through_the_page(
    client, users, objs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = _action_record(objs)
    client.force_login(users["admin"])
    url = reverse("convergence:evidence_upload", args=[record.pk])
    fake = SimpleUploadedFile(
        "laporan.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(url, {"judul": "Laporan", "berkas": fake})
    assert response.status_code == 400
    assert "Hanya berkas PDF, JPEG atau PNG" in response.content.decode()
    assert EvidenceFile.objects.count() == 0
    good = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {"judul": "Laporan", "berkas": good}).status_code == 302
    evidence = EvidenceFile.objects.get()
    download = client.get(reverse("convergence:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.force_login(users["kecamatan"])
    assert client.post(url, {"judul": "x", "berkas": good}).status_code == 403


def test_the_year_view_shows_done_late_and_missing_actions(client, users, objs):
    client.force_login(users["viewer"])
    response = client.get(reverse("convergence:action_year") + "?tahun=2025")
    states = [r["state"] for r in response.context["rows"]]
    assert len(states) == 6 and set(states) <= {"missing", "late", "done", "pending"}
    assert "missing" in states  # nothing was recorded for 2025, all of it is past due


def test_the_annual_review_heads_its_stunting_change_column_as_a_change_not_a_switch(
    client, users, objs
):
    """It read "Ganti" (the language button's "Change") in Indonesian."""
    evaluation_run(user=users["admin"], tahun=objs["year"])
    client.force_login(users["kecamatan"])
    html = client.get(reverse("convergence:review_year"), {"tahun": objs["year"]}).content.decode()
    assert '<th class="text-end">Perubahan</th>' in html and "Ganti</th>" not in html


def test_the_annual_review_pdf_is_a_pdf(client, users, objs):
    evaluation_run(user=users["admin"], tahun=objs["year"])
    client.force_login(users["kecamatan"])
    response = client.get(reverse("convergence:review_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_admin_runs_an_evaluation_and_others_may_not(client, users, objs):
    client.force_login(users["kecamatan"])
    assert client.post(reverse("convergence:evaluate")).status_code == 403
    client.force_login(users["admin"])
    assert client.post(reverse("convergence:evaluate")).status_code == 302
    assert objs["kampungs"]["own"].evaluations.count() == 1


def test_a_plan_is_created_only_for_a_kampung_kb_of_ones_own_area(client, users, objs):
    client.force_login(users["kecamatan"])
    response = client.post(
        reverse("convergence:plan_create") + "?tahun=2024",
        {"kampung": objs["kampungs"]["other"].pk},
    )
    assert response.status_code == 400
    assert not Plan.objects.filter(tahun=2024).exists()
    assert not Cadre.objects.filter(nama="x").exists()


def test_the_cadres_names_and_phones_shown_are_recorded_once_per_page(client, users, objs):
    from kampungkb.core.models import AuditEntry

    own = objs["cadres"]["own"]
    client.force_login(users["desa"])
    client.get(reverse("convergence:cadre_list"))
    [listed] = AuditEntry.objects.filter(action="view", actor=users["desa"])
    assert (listed.object_type, listed.object_id, listed.wilayah_kode) == (
        "convergence.cadre",
        "",
        KURNIA_JAYA,
    )
    assert listed.changes == {"page": "list", "ids": [own.pk]}
    client.get(reverse("convergence:cadre_detail", args=[own.pk]))
    shown = AuditEntry.objects.filter(action="view", object_id=str(own.pk)).get()
    assert shown.wilayah_kode == KURNIA_JAYA and shown.actor == users["desa"]
    # Those shown counts and roles only leave no entry: they read no personal data.
    for role in ("mitra", "viewer"):
        client.force_login(users[role])
        client.get(reverse("convergence:cadre_list"))
        client.get(reverse("convergence:cadre_detail", args=[own.pk]))
        assert not AuditEntry.objects.filter(actor=users[role], action="view").exists()


def test_an_evidence_file_missing_on_disk_is_a_404_not_a_server_error(
    client, users, objs, settings, tmp_path
):
    """The database restored without media/ (deploy/README.md backs them up apart), or a
    file removed by hand: the download says it is not there."""
    settings.MEDIA_ROOT = tmp_path
    record = _action_record(objs)
    client.force_login(users["admin"])
    url = reverse("convergence:evidence_upload", args=[record.pk])
    good = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {"judul": "Laporan", "berkas": good}).status_code == 302
    evidence = EvidenceFile.objects.get()
    (tmp_path / evidence.berkas.name).unlink()
    client.raise_request_exception = False
    download = client.get(reverse("convergence:evidence_download", args=[evidence.pk]))
    assert download.status_code == 404


def test_a_mitra_opd_reads_no_other_opds_visit_on_a_kampung_kb_review(
    client, objs, mitra_dpupr, ref
):
    # The review page listed every OPD's visits to the desa (date, OPD, topic), linking to
    # pages that answer 404 to the Mitra OPD.
    kampung = objs["kampungs"]["own"]
    visit_record(
        user=None,
        opd=ref["dpupr"],
        desa=kampung.desa,
        tanggal=datetime.date.today(),
        topik="Sumur bor",
        temuan="Temuan",
    )
    client.force_login(mitra_dpupr)
    response = client.get(reverse("convergence:kampung_kb_review", args=[kampung.pk]))
    assert [v.topik for v in response.context["visits"]] == ["Sumur bor"]
    assert reverse("convergence:visit_detail", args=[objs["visits"]["own"].pk]) not in (
        response.content.decode()
    )


def test_the_landing_page_counts_the_active_cadres_only(client, users, objs):
    # An inactive cadre (left the work) was counted on the landing page, not in the cadre
    # list's counts nor in the gaps.
    cadre_save(
        user=None, desa=objs["kampungs"]["own"].desa, nama="Mantan", peran="kpm", aktif=False
    )
    client.force_login(users["viewer"])
    assert client.get(reverse("convergence:home")).context["counts"]["n_cadres"] == 2
    client.force_login(users["desa"])
    assert client.get(reverse("convergence:home")).context["counts"]["n_cadres"] == 1


def test_the_summary_by_opd_names_village_activities_without_an_opd_as_such(
    client, users, objs, ref
):
    """A Kampung KB's activity with no responsible OPD was summed under "OPD plans", the
    label of the OPD plans' row in the desa and kecamatan summaries."""
    activity_add(
        user=None,
        plan=objs["own_plan"],
        kegiatan="Penyuluhan",
        programme_area=ProgrammeArea.objects.first(),
        sasaran="Keluarga",
        jumlah_sasaran=10,
        anggaran=4_000_000,
        sumber_dana="dana_desa",
        bulan=[3],
        penanggung_jawab="Ketua Pokja",
    )
    client.force_login(users["admin"])
    url = reverse("convergence:plan_summary") + f"?tahun={objs['year']}"
    by_opd = client.get(url + "&by=opd").content.decode()
    assert "Tanpa OPD penanggung jawab" in by_opd and "Rencana OPD" not in by_opd


def test_the_kpm_names_on_the_page_of_aksi_5_are_a_read_of_those_cadres(client, users, objs):
    aksi_5 = ActionDefinition.objects.get(framework=objs["action"].framework, nomor=5)
    client.force_login(users["desa"])
    page = client.get(reverse("convergence:action_edit", args=[objs["year"], aksi_5.pk]))
    assert "Kader own" in page.content.decode() and "Kader other" not in page.content.decode()
    [entry] = AuditEntry.objects.filter(action="view", actor=users["desa"])
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "convergence.cadre",
        "",
        KURNIA_JAYA,
    )
    assert entry.changes == {"page": "aksi_5_kpm", "ids": [objs["cadres"]["own"].pk]}
    # Those who see the counts only are shown no name: nothing to record.
    client.force_login(users["mitra"])
    assert client.get(page.wsgi_request.path).status_code == 200
    assert not AuditEntry.objects.filter(action="view", actor=users["mitra"]).exists()


def test_an_evidence_file_the_server_cannot_write_is_refused_with_a_message(
    client, users, objs, settings, tmp_path
):
    """A full disk or a media folder the server may not write: the form says the file was not
    stored (not a server error), and no record names a file that is not there."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "konvergensi").write_text("a file where the evidence folder should be")
    record = _action_record(objs)
    client.force_login(users["admin"])
    url = reverse("convergence:evidence_upload", args=[record.pk])
    good = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(url, {"judul": "Laporan", "berkas": good})
    assert response.status_code == 400
    assert "Server tidak dapat menyimpan berkas" in response.content.decode()
    assert EvidenceFile.objects.count() == 0
