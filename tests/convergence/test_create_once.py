"""The convergence create forms sent twice (a double tap, the browser's resend, the page in
two tabs) save once: a cadre, a coaching visit or an innovation has no key that refuses the
copy, and a copy counts twice (cadres per desa, visits per OPD, innovations per year). The
second send shows what the first saved."""

import re

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
    Innovation,
    ProgrammeArea,
)
from kampungkb.convergence.plans.services import activity_add, plan_create
from kampungkb.wilayah.models import FundingSourceType, Wilayah
from tests.conftest import KURNIA_JAYA
from tests.submit_twice import post_twice

ALREADY = "Data ini sudah tersimpan"


def _twice(client, url, data):
    return post_twice(client, form_url=url, post_url=url, data=data)


def test_a_cadre_registered_twice_is_one_cadre(client, users, ref):
    client.force_login(users["desa"])
    data = {"desa": KURNIA_JAYA, "nama": "Kader Dua Kali", "peran": "kpm", "aktif": "on"}
    first, again = _twice(client, reverse("convergence:cadre_create"), data)
    cadre = Cadre.objects.get(nama="Kader Dua Kali")
    page = reverse("convergence:cadre_detail", args=[cadre.pk])
    assert (first["Location"], again["Location"]) == (page, page)
    assert ALREADY in client.get(page).content.decode()


def test_a_coaching_visit_recorded_twice_is_one_visit(client, users, ref, today):
    client.force_login(users["admin"])
    data = {
        "opd": ref["dpupr"].pk,
        "desa": KURNIA_JAYA,
        "tanggal": today.isoformat(),
        "topik": "Air bersih dua kali",
        "temuan": "Sumur",
        "tindakan": "Perbaiki sumur",
        "penanggung_jawab": "Pak Kades",
        "batas_waktu": today.isoformat(),
    }
    first, again = _twice(client, reverse("convergence:visit_create"), data)
    assert first.status_code == 302, first.content.decode()[-3000:]
    visit = CoachingVisit.objects.get(topik="Air bersih dua kali")
    page = reverse("convergence:visit_detail", args=[visit.pk])
    assert (first["Location"], again["Location"]) == (page, page)
    assert visit.follow_ups.count() == 1
    assert ALREADY in client.get(page).content.decode()


def test_an_innovation_registered_twice_is_one_innovation(client, users, ref, today):
    client.force_login(users["desa"])
    data = {
        "nama": "Dapur sehat dua kali",
        "desa": KURNIA_JAYA,
        "tahun": str(today.year),
        "deskripsi": "Dapur bersama",
        "bukti": "Foto",
    }
    first, again = _twice(client, reverse("convergence:innovation_create"), data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert Innovation.objects.filter(nama="Dapur sehat dua kali").count() == 1
    assert ALREADY in client.get(again["Location"]).content.decode()


# --- the records added on a detail page --------------------------------------------------


@pytest.fixture
def cadre(ref):
    return cadre_save(
        user=None, desa=Wilayah.objects.get(kode=KURNIA_JAYA), nama="Kader Ani", peran="kpm"
    )


def _twice_on(client, page, url, data, **files):
    """Read the detail ``page``, post the form of ``url`` on it twice (new ``files`` each
    time, as the browser sends them again)."""
    token = form_token_of(client, page, url)
    answers = []
    for _ in range(2):
        sent = {name: SimpleUploadedFile(*args) for name, args in files.items()}
        answers.append(client.post(url, {**data, **token, **sent}))
    return answers


def form_token_of(client, page: str, action: str) -> dict:
    """The token of the form posting to ``action`` on ``page`` (a page may hold several)."""
    html = client.get(page).content.decode()
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="submission_token" value="([^"]+)"', form)
    return {"submission_token": found[1]} if found else {}


def test_a_training_added_twice_is_one_training(client, users, cadre, today):
    client.force_login(users["desa"])
    page = reverse("convergence:cadre_detail", args=[cadre.pk])
    data = {"tanggal": today.isoformat(), "topik": "Gizi", "penyelenggara": "Dinkes"}
    first, again = _twice_on(
        client, page, reverse("convergence:training_add", args=[cadre.pk]), data
    )
    assert (first["Location"], again["Location"]) == (page, page)
    assert cadre.trainings.count() == 1
    assert ALREADY in client.get(page).content.decode()


def test_an_assignment_added_twice_is_one_assignment(client, users, cadre, today):
    client.force_login(users["desa"])
    page = reverse("convergence:cadre_detail", args=[cadre.pk])
    data = {"tugas": "Posyandu Melati", "mulai": today.isoformat()}
    _twice_on(client, page, reverse("convergence:assignment_add", args=[cadre.pk]), data)
    assert cadre.assignments.count() == 1


def test_a_follow_up_added_twice_is_one_follow_up(client, users, ref, today):
    visit = visit_record(
        user=None,
        opd=ref["dkppkb"],
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        tanggal=today,
        topik="Pembinaan",
        temuan="Temuan",
    )
    client.force_login(users["admin"])
    page = reverse("convergence:visit_detail", args=[visit.pk])
    data = {"tindakan": "Rapat", "penanggung_jawab": "Kades", "batas_waktu": today.isoformat()}
    _twice_on(client, page, reverse("convergence:followup_add", args=[visit.pk]), data)
    assert visit.follow_ups.count() == 1


def test_an_activity_added_twice_is_one_activity(client, users, kampungs, today):
    plan = plan_create(user=None, tahun=today.year, kampung=kampungs["own"])
    client.force_login(users["desa"])
    page = reverse("convergence:plan_detail", args=[plan.pk])
    data = {
        "kegiatan": "Kelas ibu balita",
        "programme_area": ProgrammeArea.objects.first().pk,
        "sasaran": "Ibu balita",
        "jumlah_sasaran": "20",
        "anggaran": "1000000",
        "sumber_dana": FundingSourceType.values[0],
        "bulan": ["3", "4"],
        "penanggung_jawab": "Bu Kader",
    }
    first, again = _twice_on(
        client, page, reverse("convergence:activity_add", args=[plan.pk]), data
    )
    assert (first.status_code, again.status_code) == (302, 302)
    assert plan.activities.count() == 1


def test_an_evidence_file_uploaded_twice_is_one_file(client, users, ref, settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path
    year = today.year
    action = ActionDefinition.objects.filter(framework__kode="transformasi-2025").first()
    record = action_record_save(
        user=None, kabupaten=Wilayah.objects.get(kode="19.06"), tahun=year, action=action,
        values={},
    )  # fmt: skip
    client.force_login(users["admin"])
    page = reverse("convergence:action_edit", args=[year, action.pk])
    first, again = _twice_on(
        client,
        page,
        reverse("convergence:evidence_upload", args=[record.pk]),
        {"judul": "Laporan"},
        berkas=("laporan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    assert (first.status_code, again.status_code) == (302, 302)
    assert EvidenceFile.objects.count() == 1


# --- a realisation, one form per activity on the plan page -------------------------------


def _tokens_on(html: str, *actions: str) -> list[dict]:
    """The token of each form posting to one of ``actions`` on one page's ``html``."""
    tokens = []
    for action in actions:
        form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
        found = re.search(r'name="submission_token" value="([^"]+)"', form)
        tokens.append({"submission_token": found[1]} if found else {})
    return tokens


@pytest.fixture
def plan_of_two(users, kampungs, today):
    """A plan of the desa operator's Kampung KB with two activities."""
    plan = plan_create(user=None, tahun=today.year, kampung=kampungs["own"])
    for name in ("Kelas ibu balita", "Pemberian makanan tambahan"):
        activity_add(
            user=None,
            plan=plan,
            kegiatan=name,
            programme_area=ProgrammeArea.objects.first(),
            sasaran="Ibu balita",
            jumlah_sasaran=20,
            anggaran=1_000_000,
            sumber_dana=FundingSourceType.values[0],
            bulan=[3, 4],
            penanggung_jawab="Bu Kader",
        )
    return plan


def test_a_realisation_recorded_twice_is_one_realisation(client, users, plan_of_two, today):
    realised = {
        "tanggal": today.isoformat(),
        "progres": "40",
        "output_tercapai": "8",
        "anggaran_realisasi": "400000",
    }
    client.force_login(users["desa"])
    activity = plan_of_two.activities.order_by("pk").first()
    page = reverse("convergence:plan_detail", args=[plan_of_two.pk])
    url = reverse("convergence:realisation_add", args=[activity.pk])
    first, again = _twice_on(client, page, url, realised)
    assert (first["Location"], again["Location"]) == (page, page)
    assert activity.realisations.count() == 1
    assert ALREADY in client.get(page).content.decode()


def test_realisations_of_two_activities_from_one_page_load_are_both_recorded(
    client, users, plan_of_two, today
):
    realised = {
        "tanggal": today.isoformat(),
        "progres": "40",
        "output_tercapai": "8",
        "anggaran_realisasi": "400000",
    }
    client.force_login(users["desa"])
    a, b = plan_of_two.activities.order_by("pk")
    page = reverse("convergence:plan_detail", args=[plan_of_two.pk])
    urls = [reverse("convergence:realisation_add", args=[x.pk]) for x in (a, b)]
    tokens = _tokens_on(client.get(page).content.decode(), *urls)
    # Each activity's form carries a token of its own.
    assert all(tokens) and tokens[0] != tokens[1]
    for url, token in zip(urls, tokens, strict=True):
        assert client.post(url, {**realised, **token}).status_code == 302
    assert (a.realisations.count(), b.realisations.count()) == (1, 1)
    assert ALREADY not in client.get(page).content.decode()


def test_a_realisation_sent_without_a_token_is_recorded_as_before(
    client, users, plan_of_two, today
):
    realised = {
        "tanggal": today.isoformat(),
        "progres": "40",
        "output_tercapai": "8",
        "anggaran_realisasi": "400000",
    }
    client.force_login(users["desa"])
    activity = plan_of_two.activities.order_by("pk").first()
    url = reverse("convergence:realisation_add", args=[activity.pk])
    for _ in range(2):
        assert client.post(url, realised).status_code == 302
    assert activity.realisations.count() == 2
