"""TPK figures in the analytics summaries (issue 14 item 7): built in the same rebuild as the
other summaries, per desa, summed to kecamatan / kabupaten and split into Kampung KB and other
desa, per quarter and year, on hand-made targets whose every count is known.

Kurnia Jaya (a Kampung KB since 2020) and Lalang Jaya are desa of Manggar, Batu Penyu one of
Gantung; all dates are in 2025, at the edges of its first and second quarter."""

import datetime
from decimal import Decimal

import pytest

from kampungkb.analytics.models import TpkSummary
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.families.models import FamilySurvey, Relation
from kampungkb.families.tpk.models import Target, TargetKind, Visit
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan
from kampungkb.families.tpk.screening import services as screening_services
from tests import factories
from tests.factories import BATU_PENYU, BELTIM, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR

pytestmark = pytest.mark.django_db
D = datetime.date
Q1, Q2, Q3 = D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1)
Y2025 = D(2025, 1, 1)


def cell(kode, start, period_type="quarter", group="all"):
    return TpkSummary.objects.get(
        wilayah_kode=kode, group=group, period_type=period_type, period_start=start
    )


def target(desa, kind, **values):
    """A target written straight to the table (registration rules relative to today are the
    families tests' business; analytics read the stored dates)."""
    values = {"nama": f"Sasaran Sintetis {kind}", "is_synthetic": True, **values}
    return Target.objects.create(kind=kind, desa=factories.wilayah(desa), **values)


def krs_family(desa, *, no_kk):
    """A KRS family of the 2025 round with one woman, and her TPK (ibu hamil) target."""
    survey = factories.family_row(
        desa,
        members=[{"hubungan": Relation.SPOUSE, "tanggal_lahir": "1998-05-01"}],
        tanggal="2025-02-01",
        no_kk=no_kk,
    )
    FamilySurvey.objects.filter(pk=survey.pk).update(is_sasaran=True, is_krs=True)
    return target(
        desa,
        TargetKind.IBU_HAMIL,
        member=survey.members.get(),
        keluarga=survey.keluarga,
        hpht=D(2025, 1, 10),
        tanggal_daftar=D(2025, 2, 15),
    )


def visit(t, day):
    return Visit.objects.create(target=t, tanggal=day, jenis="kie", is_synthetic=True)


def anc(t, day, **values):
    return AncContact.objects.create(
        target=t, tanggal=day, tempat="Puskesmas", pemeriksa="bidan", **values
    )


def catin(desa, *, registered, marriage, nama):
    return target(
        desa, TargetKind.CATIN, nama=nama, nama_pasangan="Pasangan Sintetis",
        tanggal_rencana_nikah=marriage, tanggal_daftar=registered,
    )  # fmt: skip


@pytest.fixture
def district(beltim):
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=D(2020, 3, 1))
    # Kurnia Jaya: two KRS families, visited on the last day of Q1 and the first of Q2; a
    # third KRS family never visited.
    a = krs_family(KURNIA_JAYA, no_kk="1906000000000001")
    b = krs_family(KURNIA_JAYA, no_kk="1906000000000002")
    krs_family(KURNIA_JAYA, no_kk="1906000000000003")
    visit(a, D(2025, 3, 31))
    visit(b, D(2025, 4, 1))
    # KEK and anaemia of the first pregnancy (seen in every quarter it runs).
    anc(a, D(2025, 3, 1), lila=Decimal("22.0"), hb=Decimal("10.0"))
    # Lalang Jaya: a catin registered on the last day of Q1, screened at risk five months
    # before the marriage; another registered on the first day of Q2, never screened.
    early = catin(LALANG_JAYA, registered=D(2025, 3, 31), marriage=D(2025, 9, 1), nama="Catin A")
    screening_services.screening_record(
        user=None, target=early, tanggal=D(2025, 4, 2), peran="putri", berat_kg=Decimal("45"),
        tinggi_cm=Decimal("155"), umur_tahun=22, lila_cm=Decimal("22.0"), hb=Decimal("13.0"),
    )  # fmt: skip
    catin(LALANG_JAYA, registered=D(2025, 4, 1), marriage=D(2025, 12, 1), nama="Catin B")
    # Batu Penyu (Gantung): a mother delivered in Q2 who chose a KB method on day 20.
    hamil = target(
        BATU_PENYU, TargetKind.IBU_HAMIL, hpht=D(2024, 8, 1), tanggal_daftar=D(2024, 10, 1),
        aktif=False, tanggal_selesai=D(2025, 5, 5), alasan_selesai="melahirkan",
    )  # fmt: skip
    ibu = target(
        BATU_PENYU, TargetKind.PASCA_PERSALINAN, previous=hamil,
        tanggal_persalinan=D(2025, 5, 5), tanggal_daftar=D(2025, 5, 5),
    )  # fmt: skip
    KbPascaPersalinan.objects.create(target=ibu, keputusan="suntik", tanggal=D(2025, 5, 25))
    summaries_rebuild()


def test_krs_accompanied_counts_a_visit_in_the_quarter_of_its_date(district):
    assert (cell(KURNIA_JAYA, Q1).krs, cell(KURNIA_JAYA, Q1).krs_accompanied) == (3, 1)
    assert cell(KURNIA_JAYA, Q2).krs_accompanied == 1
    assert cell(KURNIA_JAYA, Q3).krs_accompanied == 0
    year = cell(KURNIA_JAYA, Y2025, "year")
    assert (year.krs, year.krs_accompanied) == (3, 2)
    assert year.shares["krs_accompanied_share"] == pytest.approx(2 / 3)


def test_catin_are_counted_in_the_quarter_of_their_registration(district):
    q1, q2 = cell(LALANG_JAYA, Q1), cell(LALANG_JAYA, Q2)
    assert (q1.catin_registered, q1.catin_screened, q1.catin_screened_early) == (1, 1, 1)
    assert q1.catin_at_risk == 1
    assert (q2.catin_registered, q2.catin_screened, q2.catin_at_risk) == (1, 0, 0)
    year = cell(LALANG_JAYA, Y2025, "year")
    assert (year.catin_registered, year.catin_screened, year.catin_at_risk) == (2, 1, 1)
    assert year.shares["catin_screened_share"] == pytest.approx(0.5)
    assert year.shares["catin_at_risk_share"] == pytest.approx(1.0)


def test_pregnancies_and_kb_pasca_persalinan_per_desa(district):
    q1 = cell(KURNIA_JAYA, Q1)
    assert (q1.pregnant, q1.pregnant_kek, q1.pregnant_anaemia) == (3, 1, 1)
    q2 = cell(BATU_PENYU, Q2)
    assert (q2.deliveries, q2.kb_pasca) == (1, 1)
    assert q2.shares["kb_pasca_share"] == 1.0
    assert cell(BATU_PENYU, Q1).deliveries == 0


def test_kecamatan_and_kabupaten_are_the_sums_of_their_desa_with_the_kampung_kb_split(district):
    manggar = cell(MANGGAR, Y2025, "year")
    assert (manggar.krs, manggar.krs_accompanied, manggar.catin_registered) == (3, 2, 2)
    assert cell(GANTUNG, Q2).deliveries == 1
    district_q1 = cell(BELTIM, Q1)
    assert (district_q1.krs, district_q1.catin_registered, district_q1.pregnant) == (3, 1, 4)
    kkb, other = cell(BELTIM, Q1, group="kampung_kb"), cell(BELTIM, Q1, group="other")
    assert (kkb.krs, kkb.catin_registered, kkb.pregnant) == (3, 0, 3)
    assert (other.krs, other.catin_registered, other.pregnant) == (0, 1, 1)
    for name in ("scorecard_y", "scorecard_applicable", "pregnant", "krs"):
        desa_sum = sum(
            getattr(c, name)
            for c in TpkSummary.objects.filter(
                level="desa_kelurahan", period_type="quarter", period_start=Q2
            )
        )
        assert getattr(cell(BELTIM, Q2), name) == desa_sum


def test_a_kampung_kb_launched_later_counts_as_other_desa_before(beltim):
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=D(2025, 4, 15))
    krs_family(KURNIA_JAYA, no_kk="1906000000000009")
    summaries_rebuild()
    assert cell(BELTIM, Q1, group="other").krs == 1
    assert cell(BELTIM, Q2, group="kampung_kb").krs == 1
    # An area × period with nothing to count has no row.
    assert not TpkSummary.objects.filter(wilayah_kode=BELTIM, group="other", period_start=Q2)


def test_no_tpk_data_no_rows(beltim):
    summaries_rebuild()
    assert not TpkSummary.objects.exists()
