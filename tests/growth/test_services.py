import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kampungkb.core.models import AuditEntry
from kampungkb.growth.models import Child, KBMTable, Measurement
from kampungkb.growth.services import (
    MeasurementNeedsCheck,
    child_register,
    child_update,
    measurement_delete,
    measurement_record,
    measurement_update,
    measurements_recompute_child,
)
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

D = Decimal


@pytest.fixture
def child(users, posyandu, today):
    return factories.child(
        user=users["desa"],
        posyandu=posyandu,
        nama="Putri Contoh",
        jenis_kelamin="P",
        tanggal_lahir=today - datetime.timedelta(days=400),
        nama_ibu="Ibu Contoh",
        nik="1906010101250001",
    )


def _mid_month_days_ago(months: int, *, today) -> int:
    """Days back to the 15th of the month ``months`` calendar months before today's: a
    weighing there is in that month whatever today's day (31 days back from 1 December is
    31 October, not last month, and the growth code then reads "not weighed last month")."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return (today - datetime.date(year, month + 1, 15)).days


def _record(user, child, days_ago, *, today, **values):
    return measurement_record(
        user=user, child=child, tanggal=today - datetime.timedelta(days=days_ago), **values
    )


def test_recording_computes_age_z_scores_category_and_status(users, child, today):
    m = _record(
        users["desa"], child, 0, berat=D("6.5"), tinggi=D("68.0"), cara_ukur="PB", today=today
    )
    assert m.umur_hari == 400
    assert m.zwei is not None and m.zwei < -2 and m.underweight is True
    assert m.zlen < -2 and m.stunted is True and m.cat_tbu in (1, 2)
    assert m.growth_code == "B" and m.kbm_table == KBMTable.objects.get(is_default=True)
    assert m.computed_at is not None


def test_the_engine_and_the_stored_values_agree(users, child, today):
    from kampungkb.anthro import zscores_for_child

    m = _record(
        users["desa"], child, 0, berat=D("8.9"), tinggi=D("74.3"), cara_ukur="TB", today=today
    )
    expected = zscores_for_child(sex="P", age_days=400, weight=8.9, lenhei=74.3, measure="h")
    assert (m.zlen, m.zwei, m.zwfl) == (expected["zlen"], expected["zwei"], expected["zwfl"])
    assert m.clenhei == pytest.approx(75.0)


def test_flagged_values_are_stored_but_do_not_count_as_stunted(users, child, today):
    values = {"berat": D("8.9"), "tinggi": D("45.0"), "cara_ukur": "PB"}
    with pytest.raises(MeasurementNeedsCheck):  # the kader is asked to check them first
        _record(users["desa"], child, 0, **values, today=today)
    m = _record(users["desa"], child, 0, confirmed=True, **values, today=today)
    assert m.flen is True and m.stunted is None and m.needs_check


def test_a_later_weighing_gets_n_or_t_and_editing_the_earlier_one_recomputes_it(
    users, child, today
):
    first = _record(
        users["desa"], child, _mid_month_days_ago(1, today=today), berat=D("8.0"), today=today
    )
    second = _record(users["desa"], child, 0, berat=D("8.1"), today=today)
    assert (first.growth_code, second.growth_code) == ("B", "T")
    measurement_update(user=users["desa"], measurement=first, berat=D("7.5"))
    second.refresh_from_db()
    assert (second.growth_code, second.kenaikan_gram) == ("N", 600)
    measurement_delete(user=users["desa"], measurement=first)
    second.refresh_from_db()
    assert second.growth_code == "B"


def test_the_same_day_twice_corrects_instead_of_duplicating(users, child, today):
    _record(users["desa"], child, 0, berat=D("8.0"), today=today)
    _record(users["desa"], child, 0, berat=D("8.2"), today=today)
    assert Measurement.objects.get().berat == D("8.2")


# "tanggal" is given in days from today: the day is the one the test runs on, not collection's.
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"tanggal": 1, "berat": D("8")}, "tanggal"),
        ({"tanggal": -500, "berat": D("8")}, "tanggal"),
        ({"tanggal": 0, "berat": D("0.2")}, "berat"),
        ({"tanggal": 0, "berat": D("85")}, "berat"),
        ({"tanggal": 0, "tinggi": D("70")}, "cara_ukur"),
        ({"tanggal": 0}, "berat"),
        ({"tanggal": 0, "berat": D("8"), "lila": D("2")}, "lila"),
    ],
)
def test_impossible_measurements_are_refused_and_nothing_is_stored(
    users, child, values, field, today
):
    values = values | {"tanggal": today + datetime.timedelta(days=values["tanggal"])}
    with pytest.raises(ValidationError) as err:
        measurement_record(user=users["desa"], child=child, **values)
    assert field in err.value.message_dict
    assert not Measurement.objects.exists()


def test_a_child_over_five_cannot_be_measured(users, child, today):
    child = child_update(
        user=users["desa"], child=child, tanggal_lahir=today - datetime.timedelta(days=1900)
    )
    with pytest.raises(ValidationError) as err:
        _record(users["desa"], child, 0, berat=D("15"), today=today)
    assert "sudah berumur lima tahun" in str(err.value.message_dict["tanggal"])


@pytest.mark.parametrize("who", ["mitra", "viewer"])
def test_read_only_roles_cannot_record(users, child, who, today):
    with pytest.raises(PermissionDenied):
        _record(users[who], child, 0, berat=D("8"), today=today)


def test_operators_cannot_write_children_of_another_area(users, beltim, today):
    with pytest.raises(PermissionDenied):
        child_register(
            user=users["kecamatan"],
            desa=Wilayah.objects.get(kode=BATU_PENYU),
            nama="X",
            jenis_kelamin="L",
            tanggal_lahir=today,
            nama_ibu="Y",
        )
    assert not Child.objects.exists()


def test_nik_must_be_unique_and_sixteen_digits(users, child, today):
    desa = Wilayah.objects.get(kode=KURNIA_JAYA)
    for nik in ("1906010101250001", "12345"):
        with pytest.raises(ValidationError):
            child_register(
                user=users["desa"],
                desa=desa,
                nama="Lain",
                jenis_kelamin="L",
                tanggal_lahir=today,
                nama_ibu="Ibu",
                nik=nik,
            )
    # Children without NIK are many; an empty NIK is stored as NULL, never as a duplicate "".
    for name in ("Tanpa NIK 1", "Tanpa NIK 2"):
        child_register(
            user=users["desa"],
            desa=desa,
            nama=name,
            jenis_kelamin="L",
            tanggal_lahir=today,
            nama_ibu="Ibu",
            nik="",
        )
    assert Child.objects.filter(nik__isnull=True).count() == 2


def test_audit_trail_records_writes_with_the_nik_masked(users, child, today):
    entry = AuditEntry.objects.get(object_type="growth.child", action="create")
    assert entry.changes["nik"] == "1906********0001"
    assert entry.actor == users["desa"]
    _record(users["desa"], child, 0, berat=D("8"), today=today)
    assert AuditEntry.objects.filter(object_type="growth.measurement", action="create").exists()


def test_changing_the_date_of_birth_recomputes_the_measurements(users, child, today):
    m = _record(users["desa"], child, 0, berat=D("9"), today=today)
    child_update(
        user=users["desa"],
        child=child,
        tanggal_lahir=child.tanggal_lahir - datetime.timedelta(days=100),
    )
    m.refresh_from_db()
    assert m.umur_hari == 500


def test_an_impossible_arm_circumference_stored_earlier_costs_only_its_own_z_score(
    users, child, today
):
    # The form and the import refuse such a value; one stored before the limits (or in SQL)
    # must not take the child's stunting and wasting status with it when recomputed.
    m = _record(
        users["desa"], child, 0, berat=D("6.5"), tinggi=D("68.0"), cara_ukur="PB", today=today
    )
    Measurement.objects.filter(pk=m.pk).update(lila=D("-14"))
    measurements_recompute_child(child=child)
    m.refresh_from_db()
    assert m.zac is None and m.fac is None
    assert m.compute_error == "lingkar lengan atas negatif"
    assert None not in (m.zlen, m.zwei, m.zwfl, m.zbmi, m.cat_tbu)
    assert m.stunted is True and m.underweight is True and m.wasted is not None


def test_a_measurement_dated_before_a_corrected_birth_date_keeps_no_z_score(users, child, today):
    m = _record(
        users["desa"], child, 100, berat=D("8"), tinggi=D("70.0"), cara_ukur="PB", today=today
    )
    child_update(user=users["desa"], child=child, tanggal_lahir=today - datetime.timedelta(days=50))
    m.refresh_from_db()
    assert m.compute_error == "umur negatif"
    # Not even weight-for-length, which a missing age would allow: a wrong age cannot
    # choose between the length and the height table.
    assert (m.zlen, m.zwei, m.zwfl, m.zbmi, m.clenhei) == (None,) * 5
    assert (m.stunted, m.wasted, m.underweight, m.overweight) == (None,) * 4


def test_a_new_weighing_writes_itself_not_the_childs_whole_history(users, child, today):
    # The kader's save: the earlier rows' computed values do not change, so they are not
    # written again (their computed_at stays when their values last changed, as with the bulk
    # recompute), while the new row and a later row it changes are.
    first = _record(
        users["desa"], child, _mid_month_days_ago(2, today=today), berat=D("8.0"), today=today
    )
    third = _record(users["desa"], child, 0, berat=D("8.1"), today=today)
    stored_first = Measurement.objects.get(pk=first.pk)
    stored_third = Measurement.objects.get(pk=third.pk)
    second = _record(
        users["desa"], child, _mid_month_days_ago(1, today=today), berat=D("8.6"), today=today
    )
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.computed_at == stored_first.computed_at
    assert first.computed_digest == stored_first.computed_digest
    # The weighing in between changes the last one's growth code (8.6 -> 8.1: down, "T").
    assert third.growth_code == "T" and stored_third.growth_code != "T"
    assert third.computed_at > stored_third.computed_at
    assert second.growth_code == "N" and Measurement.objects.get(pk=second.pk).growth_code == "N"
    # What is stored equals a recompute of everything from scratch.
    stored = {
        m.pk: (m.growth_code, m.kenaikan_gram, m.zwei, m.computed_digest)
        for m in child.measurements.all()
    }
    Measurement.objects.filter(child=child).update(computed_digest=None)
    fresh = {
        m.pk: (m.growth_code, m.kenaikan_gram, m.zwei, m.computed_digest)
        for m in measurements_recompute_child(child=child)
    }
    assert stored == fresh


def test_a_new_weighing_is_stored_and_audited_as_the_database_keeps_it(users, child, today):
    # The row is computed before it is inserted (one INSERT): its digest and its audit entry
    # are those of the stored row (decimals with the column's places, 8.1 -> 8.100), so a
    # recompute from the database finds nothing to write and the trail matches the row.
    m = _record(
        users["desa"], child, 0, berat=D("8.1"), tinggi=D("70"), cara_ukur="PB", today=today
    )
    stored = Measurement.objects.get(pk=m.pk)
    assert (str(stored.berat), str(stored.tinggi)) == ("8.100", "70.00")
    assert m.computed_digest == stored.computed_digest is not None
    assert (m.zwei, m.zlen, m.growth_code) == (stored.zwei, stored.zlen, stored.growth_code)
    entry = AuditEntry.objects.get(object_type="growth.measurement", action="create")
    assert (entry.changes["berat"], entry.changes["tinggi"]) == ("8.100", "70.00")
    computed_at = stored.computed_at
    measurements_recompute_child(child=child)
    assert Measurement.objects.get(pk=m.pk).computed_at == computed_at  # nothing rewritten


def test_the_values_of_a_measurement_are_checked_against_the_today_given(child):
    """An import reads today once and checks every row against it (not a clock read a row)."""
    from kampungkb.growth.services import validate_measurement_values

    day = child.tanggal_lahir + datetime.timedelta(days=100)
    values = {"tanggal": day, "berat": D("8.0")}
    before = day - datetime.timedelta(days=1)
    assert "tanggal" in validate_measurement_values(child=child, values=values, today=before)
    assert validate_measurement_values(child=child, values=values, today=day) == {}
    assert validate_measurement_values(child=child, values=values) == {}


def test_a_weighing_computes_its_z_scores_once_and_a_confirmed_questioned_one_again(
    users, child, monkeypatch, today
):
    # The plausibility rules read the z-scores and flags the series' compute gives the new
    # row (its "needs checking" mark does not change them): one engine call a weighing.
    # Confirmed, a questioned row's statuses and growth codes follow its mark: a second.
    from kampungkb.growth import compute

    calls = []
    engine = compute.anthro_columns

    def counted(**columns):
        calls.append(len(columns["weight"]))
        return engine(**columns)

    monkeypatch.setattr(compute, "anthro_columns", counted)
    _record(users["desa"], child, 60, berat=D("8.0"), tinggi=D("70.0"), cara_ukur="PB", today=today)
    _record(users["desa"], child, 30, berat=D("8.3"), tinggi=D("71.0"), cara_ukur="PB", today=today)
    calls.clear()
    _record(users["desa"], child, 0, berat=D("8.6"), tinggi=D("72.0"), cara_ukur="PB", today=today)
    assert calls == [3]
    questioned = {"berat": D("8.9"), "tinggi": D("45.0"), "cara_ukur": "PB"}
    with pytest.raises(MeasurementNeedsCheck):
        _record(users["desa"], child, 10, **questioned, today=today)
    calls.clear()
    m = _record(users["desa"], child, 10, confirmed=True, **questioned, today=today)
    assert calls == [4, 4]
    assert m.needs_check and m.check_reasons and m.stunted is None
    # Stored as a recompute from the database would make it: nothing left to rewrite.
    before = {x.pk: (x.computed_digest, x.computed_at) for x in child.measurements.all()}
    measurements_recompute_child(child=child)
    after = {x.pk: (x.computed_digest, x.computed_at) for x in child.measurements.all()}
    assert after == before
