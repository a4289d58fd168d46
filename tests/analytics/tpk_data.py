"""Hand-made TPK data for the analytics tests: every count of the TPK summaries is known.

Kurnia Jaya (a Kampung KB since 2020) and Lalang Jaya are desa of Manggar, Batu Penyu one of
Gantung; all dates are in 2025, at the edges of its first and second quarter. Rows are
written straight to the tables (the registration rules relative to today are the families
tests' business; analytics read the stored dates)."""

import datetime
from decimal import Decimal

from kampungkb.families.models import FamilySurvey, Relation
from kampungkb.families.tpk.models import Target, TargetKind, Visit
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan
from kampungkb.families.tpk.screening import services as screening_services
from tests import factories
from tests.factories import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA

D = datetime.date


def target(desa, kind, **values):
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


def district():
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
