"""The synthetic families of the demo: every demo child in one family, its mother the wife,
two survey rounds with families moving in and out of KRS, a KRS share by desa in range."""

import datetime

import pytest
from django.db.models import Count, Q

from kampungkb.core.models import AuditEntry
from kampungkb.families.demo import seed_families
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga, Relation
from kampungkb.growth.demo import seed_growth
from kampungkb.growth.models import Child

TODAY = datetime.date(2026, 11, 27)
DESA = ["19.06.01.2002", "19.06.02.2010", "19.06.05.2001"]


@pytest.fixture
def seeded(beltim):
    seed_growth(today=TODAY, desa=DESA, n_children=60)
    return seed_families(today=TODAY, n_children=60)


def test_every_demo_child_is_a_child_of_one_family_with_its_mother_as_the_wife(seeded):
    assert seeded.created and seeded.families == Keluarga.objects.count() == 300
    children = {c.pk: c for c in Child.objects.filter(is_synthetic=True)}
    latest = FamilyMember.objects.filter(survey__tahun=TODAY.year, child__isnull=False)
    assert sorted(m.child_id for m in latest) == sorted(children)  # each exactly once
    for member in latest.select_related("survey__keluarga"):
        child = children[member.child_id]
        assert (member.nama, member.tanggal_lahir, member.jenis_kelamin) == (
            child.nama, child.tanggal_lahir, child.jenis_kelamin
        )  # fmt: skip
        assert member.survey.keluarga.desa_id == child.desa_id
        assert member.tanggal_lahir <= member.survey.tanggal_pendataan <= TODAY
        wife = member.survey.members.get(hubungan=Relation.SPOUSE)
        assert wife.nama == child.nama_ibu
        assert wife.nik == child.nik_ibu or not child.nik_ibu
    # A child is in last year's round only when born by then.
    for member in FamilyMember.objects.filter(survey__tahun=TODAY.year - 1, child__isnull=False):
        assert member.tanggal_lahir <= member.survey.tanggal_pendataan


def test_two_rounds_with_families_moving_in_and_out_of_krs(seeded):
    assert set(FamilySurvey.objects.values_list("tahun", flat=True)) == {2025, 2026}
    assert not Keluarga.objects.filter(is_synthetic=False).exists()
    assert FamilySurvey.objects.filter(computed_at__isnull=True).count() == 0
    by_family = {}
    for kk, tahun, krs in FamilySurvey.objects.values_list("keluarga_id", "tahun", "is_krs"):
        by_family.setdefault(kk, {})[tahun] = krs
    moves = [r for r in by_family.values() if len(r) == 2 and r[2025] != r[2026]]
    assert any(r[2025] and not r[2026] for r in moves)
    assert any(r[2026] and not r[2025] for r in moves)
    shares = (
        FamilySurvey.objects.filter(tahun=2026)
        .values("keluarga__desa_id")
        .annotate(n=Count("pk"), krs=Count("pk", filter=Q(is_krs=True)))
    )
    for row in shares:
        assert 0.05 <= row["krs"] / row["n"] <= 0.5, row
    assert seeded.krs_latest == FamilySurvey.objects.filter(tahun=2026, is_krs=True).count()
    assert 3 <= seeded.members / seeded.rounds <= 4.5
    assert AuditEntry.objects.filter(object_type="families.keluarga").exists()


def test_seeding_again_changes_nothing(seeded):
    assert seed_families(today=TODAY, n_children=60).created is False
    assert Keluarga.objects.count() == 300
