"""The pages staff open every day make as many queries for twelve rows as for three: a query
per row (N+1) is unnoticed on a test's handful of records and times a page out at a district's
scale (tens of thousands of children, hundreds of posyandu and TPK targets).

Every record is synthetic. Each page is loaded after ``_grow`` has added three of everything it
lists (with their related records) and again after nine more; the counts must be equal."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.cadres.services import cadre_save, training_add
from kampungkb.convergence.coaching.services import visit_record as coaching_visit_record
from kampungkb.convergence.innovations.services import innovation_save
from kampungkb.convergence.models import Opd, ProgrammeArea
from kampungkb.convergence.plans.services import activity_add, plan_create
from kampungkb.convergence.reference import reference_load
from kampungkb.convergence.review.services import evaluations_refresh, indicator_values_save
from kampungkb.families.tpk.models import Target, Visit
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan, NifasVisit
from kampungkb.families.tpk.screening.services import screening_record
from kampungkb.families.tpk.services import team_save
from kampungkb.wilayah.models import Wilayah
from kampungkb.wilayah.services import maturity_record_add
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA

_n = itertools.count(1)
# What analytics read of a measurement (stored, not computed, by ``measurement_row``).
STATUS = {
    "tinggi": "75.0", "stunted": False, "severely_stunted": False, "wasted": False,
    "severely_wasted": False, "underweight": False, "overweight": False, "flen": False,
    "fwei": False, "fwfl": False,
}  # fmt: skip


@pytest.fixture
def world(users):
    reference_load()
    kampung = factories.kampung_kb(KURNIA_JAYA)
    posyandu = factories.posyandu(KURNIA_JAYA)
    team = team_save(
        user=users["admin"], desa=factories.wilayah(KURNIA_JAYA), nama="Tim Sintetis 1"
    )
    return {"users": users, "kampung": kampung, "posyandu": posyandu, "team": team}


def _grow(world, n: int, *, today) -> None:
    """Add ``n`` of every kind of record the pages list, each with its related records."""
    year = today.year
    screened = today - datetime.timedelta(days=10)
    admin = world["users"]["admin"]
    desa = factories.wilayah(KURNIA_JAYA)
    other_desa = factories.wilayah(LALANG_JAYA)
    opd = Opd.objects.order_by("pk").first()
    area = ProgrammeArea.objects.order_by("pk").first()
    for _ in range(n):
        i = next(_n)
        # Another desa of the district with its Kampung KB, plan, posyandu, child and target,
        # for the pages that list the desa or Kampung KB of an area.
        elsewhere = _spare_desa()
        kampung = factories.kampung_kb(elsewhere)
        maturity_record_add(
            user=admin, kampung=kampung, tingkat="dasar", sumber="Penilaian DKPPKB",
            tanggal=today - datetime.timedelta(days=200),
        )  # fmt: skip
        plan_create(user=admin, tahun=year, kampung=kampung)
        for tahun in (year - 1, year):  # indicators, so it is evaluated (and a history)
            indicator_values_save(
                user=admin, kampung=kampung, tahun=tahun, values={"out_kb_aktif": 30 + i % 50}
            )
        kid = factories.child_row(
            elsewhere, posyandu=factories.posyandu(elsewhere),
            tanggal_lahir=today - datetime.timedelta(days=300),
        )  # fmt: skip
        factories.measurement_row(
            kid, today - datetime.timedelta(days=40), posyandu=kid.posyandu, **STATUS
        )
        Target.objects.create(
            kind="baduta", desa=elsewhere, nama=kid.nama, child=kid,
            tanggal_daftar=kid.tanggal_lahir, is_synthetic=True,
        )  # fmt: skip
        cadre_save(user=admin, desa=elsewhere, nama=f"Kader Lain {i}", peran="kpm")
        # Children of the posyandu, each weighed twice, and their families.
        child = factories.child_row(
            KURNIA_JAYA,
            posyandu=world["posyandu"],
            tanggal_lahir=today - datetime.timedelta(days=400 + i),
        )
        for days in (40, 10):
            factories.measurement_row(
                child, today - datetime.timedelta(days=days), posyandu=world["posyandu"], **STATUS
            )
        survey = factories.family_row(
            members=[
                {"tanggal_lahir": datetime.date(1995, 1, 1), "hubungan": 2, "jkn": True},
                {"tanggal_lahir": child.tanggal_lahir, "hubungan": 3, "child": child},
            ],
            tanggal=today - datetime.timedelta(days=100),
        )
        # TPK targets of the team, with a visit each: a pregnancy and the child.
        mother = Target.objects.create(
            kind="ibu_hamil", desa=desa, team=world["team"], nama=f"Ibu Sintetis {i}",
            hpht=today - datetime.timedelta(days=120), member=survey.members.get(hubungan=2),
            keluarga=survey.keluarga, tanggal_daftar=today - datetime.timedelta(days=60),
            is_synthetic=True,
        )  # fmt: skip
        # A team of its own for the child, so the lists of teams grow too.
        team = team_save(user=admin, desa=desa, nama=f"Tim Sintetis x{i}")
        baduta = Target.objects.create(
            kind="baduta", desa=desa, team=team, nama=child.nama, child=child,
            tanggal_daftar=child.tanggal_lahir, is_synthetic=True,
        )  # fmt: skip
        for target in (mother, baduta):
            Visit.objects.create(
                target=target, team=target.team, tanggal=today - datetime.timedelta(days=5),
                jenis="kie", is_synthetic=True,
            )  # fmt: skip
        # The pregnancy's ANC contact, a delivered mother's nifas visit and KB choice, and a
        # bride-to-be screened.
        AncContact.objects.create(
            target=mother, tanggal=today - datetime.timedelta(days=7), tempat="Puskesmas",
            pemeriksa="bidan", ttd_diterima=30, ttd_diminum=20, lila=Decimal("24.0"),
            hb=Decimal("11.5"), is_synthetic=True,
        )  # fmt: skip
        delivered = Target.objects.create(
            kind="pasca_persalinan", desa=desa, team=world["team"], nama=f"Ibu Nifas {i}",
            previous=mother, tanggal_persalinan=today - datetime.timedelta(days=15),
            tanggal_daftar=today - datetime.timedelta(days=15), is_synthetic=True,
        )  # fmt: skip
        NifasVisit.objects.create(
            target=delivered, tanggal=today - datetime.timedelta(days=12), tempat="Pustu",
            pemeriksa="bidan", is_synthetic=True,
        )  # fmt: skip
        KbPascaPersalinan.objects.create(
            target=delivered, keputusan="suntik", tanggal=today - datetime.timedelta(days=3)
        )
        bride = Target.objects.create(
            kind="catin", desa=desa, team=world["team"], nama=f"Catin Sintetis {i}",
            tanggal_lahir=datetime.date(screened.year - 24, 1, 1),
            tanggal_rencana_nikah=today + datetime.timedelta(days=90),
            tanggal_daftar=today - datetime.timedelta(days=20), is_synthetic=True,
        )  # fmt: skip
        screening_record(
            user=None, target=bride, tanggal=screened, peran="putri", berat_kg=Decimal("45"),
            tinggi_cm=Decimal("155"), umur_tahun=24, lila_cm=Decimal("22.0"), hb=Decimal("13.0"),
        )  # fmt: skip
        # Convergence: a cadre with a training, a coaching visit with a follow-up, an
        # innovation replicated elsewhere, a plan activity.
        cadre = cadre_save(user=admin, desa=desa, nama=f"Kader Sintetis {i}", peran="kpm")
        training_add(
            user=admin, cadre=cadre, tanggal=today - datetime.timedelta(days=30),
            topik="Pelatihan", penyelenggara="DPPKB",
        )  # fmt: skip
        coaching_visit_record(
            user=admin, opd=opd, desa=desa, tanggal=today - datetime.timedelta(days=20),
            topik="Pembinaan", temuan="Catatan", programme_area=area,
            follow_ups=[{"tindakan": "Lengkapi", "penanggung_jawab": "Ketua",
                         "batas_waktu": today - datetime.timedelta(days=1), "owner_opd": None}],
        )  # fmt: skip
        innovation_save(
            user=admin, desa=desa, nama=f"Inovasi {i}", tahun=year, deskripsi="x", bukti="x",
            direplikasi_di=[other_desa],
        )  # fmt: skip
        plan = (
            world["kampung"].plans.filter(tahun=year).first()
            if hasattr(world["kampung"], "plans")
            else None
        ) or plan_create(user=admin, tahun=year, kampung=world["kampung"])
        activity_add(
            user=admin, plan=plan, kegiatan=f"Kegiatan {i}", programme_area=area, opd=opd,
            sasaran="Keluarga", jumlah_sasaran=5, anggaran=1_000_000, sumber_dana="dana_desa",
            bulan=[3], penanggung_jawab="Ketua",
        )  # fmt: skip
    summaries_rebuild()
    evaluations_refresh(tahun=year)


def _spare_desa():
    """A desa of the district without a Kampung KB yet (Manggar's first, then the others)."""
    return (
        Wilayah.objects.desa()
        .within("19.06")
        .exclude(kode__in=[KURNIA_JAYA, LALANG_JAYA])
        .filter(kampung_kb__isnull=True)
        .order_by("kode")
        .first()
    )


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first().pk


def _pages(world, *, today) -> dict[str, str]:
    year = today.year
    from kampungkb.convergence.cadres.models import Cadre
    from kampungkb.convergence.coaching.models import CoachingVisit
    from kampungkb.convergence.plans.models import Plan
    from kampungkb.families.models import Keluarga
    from kampungkb.growth.models import Child

    pos = world["posyandu"]
    session = f"/pertumbuhan/sesi/{pos.pk}/{today - datetime.timedelta(days=10)}/"
    baduta = _first(Target, kind="baduta", desa_id=KURNIA_JAYA)
    delivered = _first(Target, kind="pasca_persalinan")
    bride = _first(Target, kind="catin")
    return {
        "home": "/",
        "child list": "/pertumbuhan/",
        "child search": "/pertumbuhan/?q=Sintetis",
        "check list": "/pertumbuhan/perlu-dicek/",
        "child page": f"/pertumbuhan/anak/{_first(Child, desa_id=KURNIA_JAYA)}/",
        "posyandu session": session,
        "posyandu session search": f"{session}?q=Sintetis",
        "posyandu session search box": f"{session}cari/?q=Sintetis",
        "skdn": "/pertumbuhan/skdn/",
        "family list": "/keluarga/",
        "family page": f"/keluarga/{_first(Keluarga)}/",
        "krs picture": f"/keluarga/krs/{KURNIA_JAYA}/",
        "tpk home": "/keluarga/tpk/",
        "tpk overdue": "/keluarga/tpk/terlambat/",
        "tpk team": f"/keluarga/tpk/tim/{world['team'].pk}/",
        "tpk target": f"/keluarga/tpk/sasaran/{_first(Target, kind='ibu_hamil')}/",
        "tpk target delivered": f"/keluarga/tpk/sasaran/{delivered}/",
        "tpk target catin": f"/keluarga/tpk/sasaran/{bride}/",
        "tpk target child": f"/keluarga/tpk/sasaran/{baduta}/",
        "tpk team overdue": f"/keluarga/tpk/tim/{world['team'].pk}/terlambat/",
        "tpk pregnant list": "/keluarga/tpk/ibu-hamil/",
        "tpk catin list": "/keluarga/tpk/catin/",
        "tpk scorecard desa": f"/keluarga/tpk/skor/desa/{KURNIA_JAYA}/",
        "tpk scorecard area": "/keluarga/tpk/skor/wilayah/19.06/",
        "kampung kb list": "/wilayah/kampung-kb/",
        "kampung kb page": f"/wilayah/kampung-kb/{world['kampung'].pk}/",
        "wilayah page": f"/wilayah/{KURNIA_JAYA}/",
        "analytics desa": f"/analisis/w/{KURNIA_JAYA}/",
        "analytics kabupaten": "/analisis/w/19.06/",
        "priority": "/analisis/prioritas/19.06/",
        "analytics tpk": "/analisis/w/19.06/tpk/",
        "krs kabupaten": "/keluarga/krs/19.06/",
        "publications": "/analisis/publikasi/",
        "wilayah list": "/wilayah/",
        "action year": "/konvergensi/aksi/",
        "district target": "/konvergensi/target/",
        "tpk members": f"/konvergensi/tim-tpk/{world['team'].pk}/anggota/",
        "kampung kb indicators": f"/konvergensi/kampung/{world['kampung'].pk}/indikator/",
        "convergence home": "/konvergensi/",
        "plan list": f"/konvergensi/rencana/?tahun={year}",
        "plan page": f"/konvergensi/rencana/{_first(Plan, kampung=world['kampung'])}/",
        "plan summary": f"/konvergensi/rencana/ringkasan/?tahun={year}",
        "cadre list": "/konvergensi/kader/",
        "cadre page": f"/konvergensi/kader/{_first(Cadre, desa_id=KURNIA_JAYA)}/",
        "coaching visits": f"/konvergensi/pembinaan/?tahun={year}",
        "coaching visit page": f"/konvergensi/pembinaan/{_first(CoachingVisit)}/",
        "follow-ups overdue": "/konvergensi/tindak-lanjut/terlambat/",
        "innovations": "/konvergensi/inovasi/",
        "review": f"/konvergensi/reviu/?tahun={year}",
        "convergence scorecard": f"/konvergensi/reviu/kartu/?tahun={year}",
        "kampung kb review": f"/konvergensi/kampung/{world['kampung'].pk}/reviu/",
        "audit": "/audit/",
    }


def _counts(client, pages) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(captured)
    return counts


DISTRICT_PAGES = (
    "tpk scorecard area", "analytics kabupaten", "priority", "audit", "analytics tpk",
    "krs kabupaten", "publications", "district target", "tpk members", "kampung kb indicators",
)  # fmt: skip


@pytest.mark.parametrize("role", ["admin", "kecamatan", "desa"])
def test_no_page_makes_more_queries_for_twelve_rows_than_for_three(client, world, role, today):
    client.force_login(world["users"][role])
    _grow(world, 3, today=today)
    pages = _pages(world, today=today)
    if role != "admin":
        for name in DISTRICT_PAGES:
            pages.pop(name)
    few = _counts(client, pages)
    _grow(world, 9, today=today)
    many = _counts(client, pages)
    grown = {name: (few[name], many[name]) for name in pages if many[name] > few[name]}
    assert grown == {}


def _statuses_and_counts(client, pages) -> dict[str, tuple[int, int]]:
    out = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        out[name] = (status, len(captured))
    return out


@pytest.mark.parametrize("role", ["provinsi", "mitra", "viewer"])
def test_the_pages_of_the_other_roles_make_as_many_queries_for_twelve_rows_as_for_three(
    client, world, role, today
):
    """The province admin, the Mitra OPD and the Viewer read some pages (the aggregate ones
    for the last two) and are refused the others, the same whatever the rows."""
    user = factories.admin_provinsi() if role == "provinsi" else world["users"][role]
    client.force_login(user)
    _grow(world, 3, today=today)
    pages = {
        **_pages(world, today=today),
        "analytics provinsi": "/analisis/w/19/",
        "krs provinsi": "/keluarga/krs/19/",
        "tpk scorecard provinsi": "/keluarga/tpk/skor/wilayah/19/",
    }
    few = _statuses_and_counts(client, pages)
    _grow(world, 9, today=today)
    many = _statuses_and_counts(client, pages)
    grown = {name: (few[name], many[name]) for name in pages if many[name] != few[name]}
    assert sum(status == 200 for status, _count in few.values()) >= 10
    assert grown == {}


def test_the_public_pages_make_as_many_queries_for_twelve_versions_as_for_three(
    client, world, today
):
    """Each growth adds children to the period and a new published version of it: the public
    index, the kabupaten's page (its versions), a version and the admin's list of them."""
    from kampungkb.analytics.services import publication_publish

    admin = world["users"]["admin"]
    month = (today - datetime.timedelta(days=40)).replace(day=1)

    def grow_and_publish(n):
        for _ in range(n):
            _grow(world, 1, today=today)
            latest = publication_publish(user=admin, period_type="month", period_start=month)
        return latest

    def pages(latest):
        return {
            "public index": "/publik/",
            "public kabupaten": "/publik/kabupaten/19.06/",
            "public province": "/publik/provinsi/19/",
            "public version": f"/publik/v/{latest.pk}/",
            "publications": "/analisis/publikasi/",
        }

    first = grow_and_publish(3)
    client.force_login(admin)
    few = _statuses_and_counts(client, pages(first))
    latest = grow_and_publish(9)
    many = _statuses_and_counts(client, pages(latest))
    assert all(status == 200 for status, _count in few.values()), few
    assert {name: (few[name], many[name]) for name in few if many[name] != few[name]} == {}
