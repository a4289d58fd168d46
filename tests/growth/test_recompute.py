import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from kampungkb.growth.compute import COMPUTED_FIELDS
from kampungkb.growth.models import Child, KBMTable, Measurement
from kampungkb.growth.recompute import measurements_recompute_all
from kampungkb.growth.services import (
    child_register,
    measurement_record,
    measurements_recompute_child,
)
from kampungkb.wilayah.models import Wilayah
from tests.conftest import BATU_PENYU, KURNIA_JAYA

COMPARED = [f for f in COMPUTED_FIELDS if f != "computed_at"]


def _child(desa: str, nama: str, sex: str, born: datetime.date) -> Child:
    return child_register(
        user=None,
        desa=Wilayah.objects.get(kode=desa),
        nama=nama,
        jenis_kelamin=sex,
        tanggal_lahir=born,
        nama_ibu="Ibu " + nama,
        is_synthetic=True,
    )


def _weigh(child, day, berat=None, tinggi=None, cara="", **extra):
    return measurement_record(
        user=None,
        child=child,
        tanggal=day,
        berat=Decimal(berat) if berat is not None else None,
        tinggi=Decimal(tinggi) if tinggi is not None else None,
        cara_ukur=cara,
        **extra,
    )


def _stored():
    return {
        m["id"]: {f: m[f if f != "kbm_table" else "kbm_table_id"] for f in COMPARED}
        for m in Measurement.objects.values("id", *COMPARED[:-1], "kbm_table_id")
    }


@pytest.fixture
def series(beltim):
    """Children whose weighings cover B, N, T, 2T, O, a missing weight, flags and oedema."""
    a = _child(KURNIA_JAYA, "Ayu Lestari", "P", datetime.date(2025, 3, 10))
    # At 3 completed months a 700 g gain is T under Buku KIA (800 g), N under the 600 g sheet.
    for day, kg, cm in [
        ((2025, 4, 12), "4.20", "54.0"),
        ((2025, 5, 12), "5.10", "57.5"),
        ((2025, 6, 12), "5.80", "60.0"),
        ((2025, 7, 12), "6.10", "61.5"),
        ((2025, 8, 12), "6.30", "62.5"),
        ((2025, 10, 12), "7.00", "65.0"),  # a skipped month: O, or N/T against 2 × KBM
    ]:
        _weigh(a, datetime.date(*day), kg, cm, "PB")
    b = _child(BATU_PENYU, "Bima Saputra", "L", datetime.date(2022, 1, 5))
    _weigh(b, datetime.date(2025, 1, 6), "11.0", "84.0", "TB")
    _weigh(b, datetime.date(2025, 2, 6), "11.1", "84.5", "PB")  # lying from 2 y: -0.7 cm
    _weigh(b, datetime.date(2025, 3, 6), "31.1", None)  # digits swapped: flagged
    _weigh(b, datetime.date(2025, 3, 20), None, "85.1", "TB")  # height only, same month
    _weigh(b, datetime.date(2025, 4, 7), "11.3", "85.6", "TB", oedema=True)
    _weigh(b, datetime.date(2025, 5, 7), "11.2", "86.0", "TB", lila=Decimal("14.5"))
    return [a, b]


def test_recompute_all_writes_exactly_what_the_per_child_service_writes(series):
    by_service = _stored()
    Measurement.objects.update(zlen=None, growth_code="", stunted=None, cat_bbu=None)

    result = measurements_recompute_all(batch_children=1)

    assert result.rows == 12
    assert result.children == 2
    assert _stored() == by_service


def test_recompute_after_changing_the_default_kbm_table_changes_the_growth_codes(series):
    ayu = series[0]
    codes_before = list(ayu.measurements.order_by("tanggal").values_list("growth_code", flat=True))
    assert codes_before == ["B", "N", "T", "T", "T", "O"]
    KBMTable.objects.update(is_default=False)
    KBMTable.objects.filter(kode="lembar-posyandu-600").update(is_default=True)

    measurements_recompute_all()

    rows = list(ayu.measurements.order_by("tanggal").values_list("growth_code", "two_t"))
    assert rows == [
        ("B", False),
        ("N", False),
        ("N", False),
        ("T", False),
        ("T", True),
        ("N", False),
    ]
    assert Measurement.objects.filter(kbm_table__kode="lembar-posyandu-600").count() == 12
    stored = _stored()
    for child in series:
        measurements_recompute_child(child=child)
    assert _stored() == stored


def test_the_two_t_code_follows_the_recomputed_codes(series):
    ayu = series[0]
    flags = list(ayu.measurements.order_by("tanggal").values_list("two_t", flat=True))
    assert flags == [False, False, False, True, True, False]


def test_recompute_can_be_limited_to_some_children(series):
    result = measurements_recompute_all(children=Child.objects.filter(desa_id=KURNIA_JAYA))
    assert (result.rows, result.children) == (6, 1)


def test_the_command_prints_the_rows_and_the_speed(series, capsys):
    call_command("recompute_measurements")
    out = capsys.readouterr().out
    assert "12 pengukuran dari 2 anak" in out
    assert "baris/s" in out


def test_a_recompute_with_nothing_changed_writes_nothing(series):
    before = dict(Measurement.objects.values_list("id", "computed_at"))

    result = measurements_recompute_all()

    assert (result.rows, result.written, result.relabelled) == (12, 0, 0)
    assert dict(Measurement.objects.values_list("id", "computed_at")) == before


def test_a_recompute_writes_only_the_rows_that_change_and_relabels_the_others(series):
    by_service = _stored()
    bima = series[1]
    changed = bima.measurements.order_by("tanggal").first()
    Measurement.objects.filter(pk=changed.pk).update(zwei=None, growth_code="T", two_t=True)
    Measurement.objects.filter(pk=changed.pk + 1).update(kbm_table=None)
    before = dict(Measurement.objects.values_list("id", "computed_at"))

    result = measurements_recompute_all()

    assert (result.written, result.relabelled) == (1, 1)
    assert _stored() == by_service
    after = dict(Measurement.objects.values_list("id", "computed_at"))
    assert {pk for pk in after if after[pk] != before[pk]} == {changed.pk, changed.pk + 1}


def test_switching_the_kbm_table_relabels_rows_whose_codes_stay(series):
    KBMTable.objects.update(is_default=False)
    KBMTable.objects.filter(kode="lembar-posyandu-600").update(is_default=True)

    result = measurements_recompute_all()

    assert result.written + result.relabelled == 12
    assert 0 < result.written < 12
    assert Measurement.objects.filter(kbm_table__kode="lembar-posyandu-600").count() == 12
