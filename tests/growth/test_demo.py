import datetime

import pytest
from django.db.models import Count, OuterRef, Q, Subquery

from kampungkb.core.models import AuditEntry
from kampungkb.growth.demo import desa_stunting_targets, period_months, seed_growth
from kampungkb.growth.models import Child, Measurement, Posyandu, Puskesmas

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def two_desa(beltim):
    """The desa the seed gives the lowest and the highest stunting prevalence."""
    targets = desa_stunting_targets()
    ordered = sorted(targets, key=targets.get)
    return [ordered[0], ordered[-1]]


def _seed(desa, n=50):
    return seed_growth(today=TODAY, desa=desa, n_children=n)


def _snapshot():
    children = list(
        Child.objects.order_by("desa_id", "tanggal_lahir", "nama", "nik").values_list(
            "nama", "nik", "tanggal_lahir", "jenis_kelamin", "desa_id", "posyandu__nama",
            "punya_buku_kia",
        )
    )  # fmt: skip
    measurements = list(
        Measurement.objects.order_by("child__nama", "child__tanggal_lahir", "tanggal").values_list(
            "child__nama", "tanggal", "berat", "tinggi", "cara_ukur", "sumber", "vitamin_a",
            "posyandu__nama", "zlen", "growth_code",
        )
    )  # fmt: skip
    return children, measurements


def _delete_synthetic():
    Measurement.objects.filter(is_synthetic=True).delete()
    Child.objects.filter(is_synthetic=True).delete()
    Posyandu.objects.filter(is_synthetic=True).delete()
    Puskesmas.objects.filter(is_synthetic=True).delete()


def test_the_same_seed_gives_the_same_data(two_desa):
    _seed(two_desa)
    first = _snapshot()
    _delete_synthetic()
    _seed(two_desa)
    assert _snapshot() == first
    assert len(first[1]) > 500


def test_the_data_covers_two_years_ending_at_the_last_complete_month(two_desa):
    _seed(two_desa)
    assert period_months(TODAY)[0] == (2024, 11)
    dates = Measurement.objects.order_by("tanggal").values_list("tanggal", flat=True)
    assert dates.first() >= datetime.date(2024, 11, 1)
    assert dates.last() <= datetime.date(2026, 10, 31)
    weighing_month = Measurement.objects.filter(sumber="bulan_penimbangan")
    assert weighing_month.exists()
    assert {d.month for d in weighing_month.values_list("tanggal", flat=True)} == {2, 8}
    assert weighing_month.filter(vitamin_a=True).exists()
    assert not Measurement.objects.filter(sumber="posyandu", vitamin_a=True).exists()
    assert Measurement.objects.filter(umur_hari__gte=1826).count() == 0
    assert Measurement.objects.filter(computed_at__isnull=True).count() == 0


def test_stunting_prevalence_differs_between_desa(two_desa):
    _seed(two_desa, n=120)
    latest = Measurement.objects.filter(child=OuterRef("child"), zlen__isnull=False).order_by(
        "-tanggal"
    )
    rows = (
        Measurement.objects.filter(id=Subquery(latest.values("id")[:1]), stunted__isnull=False)
        .values("child__desa_id")
        .annotate(n=Count("id"), stunted=Count("id", filter=Q(stunted=True)))
    )
    share = {r["child__desa_id"]: r["stunted"] / r["n"] for r in rows}
    low, high = two_desa
    assert share[high] > share[low] + 0.05


def test_every_record_is_synthetic_and_niks_start_with_the_district_code(two_desa):
    result = _seed(two_desa)
    assert result.created
    for model in (Puskesmas, Posyandu, Child, Measurement):
        assert not model.objects.filter(is_synthetic=False).exists(), model
    niks = list(Child.objects.exclude(nik=None).values_list("nik", flat=True))
    assert all(n.startswith("1906") and len(n) == 16 for n in niks)
    assert 0.5 < len(niks) / Child.objects.count() < 0.9
    assert all(2 <= Posyandu.objects.filter(desa_id=d).count() <= 5 for d in two_desa)
    entry = AuditEntry.objects.get(object_type="growth.puskesmas")
    assert entry.actor is None
    assert entry.changes["children"] == result.children


def test_some_typing_errors_are_caught_by_the_who_flags(beltim):
    seed_growth(today=TODAY, n_children=300)
    flagged = Measurement.objects.filter(Q(fwei=True) | Q(flen=True) | Q(fwfl=True))
    assert flagged.exists()
    assert Measurement.objects.filter(umur_hari__lt=731, cara_ukur="TB").exists()


def test_seeding_twice_changes_nothing(two_desa):
    _seed(two_desa)
    counts = (Child.objects.count(), Measurement.objects.count(), AuditEntry.objects.count())
    again = _seed(two_desa)
    assert not again.created
    assert (Child.objects.count(), Measurement.objects.count(), AuditEntry.objects.count()) == (
        counts
    )
