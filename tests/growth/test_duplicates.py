"""A child registered twice is merged into the record kept; a child registered by mistake is
deleted, with a reason, unless it has measurements or a TPK target (growth.duplicates)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kampungkb.analytics.models import PrevalenceSummary
from kampungkb.core.models import AuditEntry
from kampungkb.families.models import FamilyMember
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.services import target_register
from kampungkb.growth.duplicates import child_delete, child_merge, child_merge_plan
from kampungkb.growth.models import Child, GrowthCode, Measurement
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in their English msgids.
    with translation.override("en"):
        yield


def _months_ago(today, n: int) -> datetime.date:
    """The 10th of the calendar month ``n`` months before today's."""
    month = today.month - n
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 10)


@pytest.fixture
def born(today):
    return today - 400 * DAY


def _registered_twice(posyandu, today, born):
    """Siti registered at a session with her NIK and weighed three and two months ago; then
    registered again (the name mistyped, no NIK, the mother's NIK given) and weighed last
    month on that record."""
    kept = factories.child(
        posyandu=posyandu,
        nama="Siti Aminah",
        jenis_kelamin="P",
        tanggal_lahir=born,
        nama_ibu="Ibu Sari",
        nik="1906010101250001",
    )
    dup = factories.child(
        posyandu=posyandu,
        nama="Siti Aminnah",
        jenis_kelamin="P",
        tanggal_lahir=born,
        nama_ibu="Ibu Sari",
        nik_ibu="1906014101900002",
        alamat="Jl. Contoh 7",
    )
    factories.measurement(kept, _months_ago(today, 3), berat=Decimal("8.0"))
    factories.measurement(kept, _months_ago(today, 2), berat=Decimal("8.4"))
    factories.measurement(dup, _months_ago(today, 1), berat=Decimal("8.9"))
    return kept, dup


@pytest.fixture
def twice(users, posyandu, today, born):
    return _registered_twice(posyandu, today, born)


def test_a_merge_moves_the_measurements_and_deletes_the_duplicate(users, twice, today):
    kept, dup = twice
    moved = dup.measurements.get()
    child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert not Child.objects.filter(pk=dup.pk).exists()
    series = list(kept.measurements.order_by("tanggal"))
    assert [m.tanggal for m in series] == [_months_ago(today, n) for n in (3, 2, 1)]
    assert series[-1].pk == moved.pk
    # Its growth code follows the kept record's last weighing, not "first weighing" any more.
    assert moved.growth_code == GrowthCode.B
    assert series[-1].growth_code in (GrowthCode.N, GrowthCode.T)
    assert series[-1].kenaikan_gram == 500


def test_a_merge_fills_only_the_empty_fields_of_the_kept_record(users, twice):
    kept, dup = twice
    child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    kept.refresh_from_db()
    assert (kept.nama, kept.nik) == ("Siti Aminah", "1906010101250001")
    assert (kept.nik_ibu, kept.alamat) == ("1906014101900002", "Jl. Contoh 7")


def test_a_merge_takes_the_duplicates_nik_when_the_kept_record_has_none(users, twice):
    kept, dup = twice
    # The other way round: the record with the NIK is the duplicate.
    child_merge(user=users["desa"], duplicate=kept, kept=dup, alasan="Terdaftar dua kali")
    dup.refresh_from_db()
    assert dup.nik == "1906010101250001"
    assert dup.measurements.count() == 3


def test_a_merge_moves_family_links_and_tpk_targets(users, twice, today):
    kept, dup = twice
    survey = factories.family_row(
        KURNIA_JAYA,
        members=[{"nama": "Siti Aminnah", "hubungan": 3, "tanggal_lahir": dup.tanggal_lahir}],
    )
    member = survey.members.get()
    FamilyMember.objects.filter(pk=member.pk).update(child=dup)
    target = target_register(
        user=None, kind=TargetKind.BADUTA, child=dup, tanggal_daftar=today - 30 * DAY
    )
    child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert FamilyMember.objects.get(pk=member.pk).child_id == kept.pk
    assert Target.objects.get(pk=target.pk).child_id == kept.pk


def test_a_merge_is_audited_naming_both_records_and_what_moved(users, twice):
    kept, dup = twice
    moved = dup.measurements.get().pk
    dup_pk = dup.pk
    child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    deleted = AuditEntry.objects.get(action="delete", object_type="growth.child")
    assert deleted.object_id == str(dup_pk)
    assert deleted.changes["merged_into"] == kept.pk
    assert deleted.changes["alasan"] == "Terdaftar dua kali"
    updated = AuditEntry.objects.filter(
        action="update", object_type="growth.child", object_id=str(kept.pk)
    ).get()
    assert updated.changes["merged_from"] == {"id": dup_pk, "nama": "Siti Aminnah"}
    assert updated.changes["measurements_moved"] == [moved]
    assert updated.changes["alasan"] == "Terdaftar dua kali"
    # The mother's NIK filled in, masked as everywhere in the trail.
    assert updated.changes["nik_ibu"] == ["", "1906********0002"]
    assert "1906014101900002" not in str(updated.changes)
    assert updated.wilayah_kode == deleted.wilayah_kode == KURNIA_JAYA


def test_a_merge_counts_the_child_once_in_the_prevalence(
    users, posyandu, today, born, django_capture_on_commit_callbacks
):
    # The summaries are rebuilt as in use: by the refresh each write queues on commit.
    with django_capture_on_commit_callbacks(execute=True):
        kept, dup = _registered_twice(posyandu, today, born)
        month = _months_ago(today, 1).replace(day=1)
        # Weighed that month on both records (on the kept one a few days earlier).
        factories.measurement(kept, month + 2 * DAY, berat=Decimal("8.8"))

    def weighed_that_month():
        return PrevalenceSummary.objects.get(
            wilayah_kode=KURNIA_JAYA,
            period_type="month",
            period_start=month,
            indicator="underweight",
            group="all",
        ).n

    assert weighed_that_month() == 2
    with django_capture_on_commit_callbacks(execute=True):
        child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert weighed_that_month() == 1


def test_a_day_both_records_have_a_measurement_on_is_refused_naming_it(users, twice):
    kept, dup = twice
    day = kept.measurements.order_by("tanggal").first().tanggal
    factories.measurement(dup, day, berat=Decimal("8.1"))
    with pytest.raises(ValidationError) as exc:
        child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert day.strftime("%Y") in str(exc.value.messages)
    assert "Correct or delete one of the two" in exc.value.messages[0]
    assert Child.objects.filter(pk=dup.pk).exists()
    assert dup.measurements.count() == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"jenis_kelamin": "L"}, "differ in sex"),
        ({"nik": "1906010101250009"}, "different NIKs"),
        ({"desa_id": "19.06.01.2001"}, "different desa"),
    ],
)
def test_two_children_that_may_not_be_one_are_not_merged(users, twice, change, words):
    kept, dup = twice
    Child.objects.filter(pk=dup.pk).update(**change)
    dup.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        child_merge(user=users["admin"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert words in " ".join(exc.value.messages)
    assert Measurement.objects.filter(child=dup).count() == 1


def test_a_record_is_not_merged_with_itself(users, twice):
    kept, _dup = twice
    with pytest.raises(ValidationError, match="itself"):
        child_merge(user=users["desa"], duplicate=kept, kept=kept, alasan="x")


def test_a_measurement_before_the_kept_birth_date_is_refused(users, twice, today):
    kept, dup = twice
    # The duplicate's birth date was typed a year early, and a weighing recorded before the
    # kept record's birth date.
    Child.objects.filter(pk=dup.pk).update(tanggal_lahir=dup.tanggal_lahir - 365 * DAY)
    early = kept.tanggal_lahir - 10 * DAY
    Measurement.objects.create(child=dup, tanggal=early, berat=Decimal("3.1"))
    dup.refresh_from_db()
    plan = child_merge_plan(duplicate=dup, kept=kept)
    assert plan.outside == [early]
    assert "date of birth" in [label for label, _dup, _kept in plan.differences]
    with pytest.raises(ValidationError, match="before the date of birth"):
        child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")


def test_a_merge_needs_a_reason_and_an_editor_of_the_area(users, twice, make_user):
    kept, dup = twice
    with pytest.raises(ValidationError):
        child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="  ")
    for user in (users["viewer"], users["mitra"], make_user("operator_desa", BATU_PENYU)):
        with pytest.raises(PermissionDenied):
            child_merge(user=user, duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert Child.objects.filter(pk=dup.pk).exists()


# --- delete ---------------------------------------------------------------------------------


def test_a_child_registered_by_mistake_is_deleted_with_its_reason(users, posyandu):
    child = factories.child(posyandu=posyandu, nama="Anak Salah Daftar")
    pk = child.pk
    child_delete(user=users["desa"], child=child, alasan="Salah desa")
    assert not Child.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="delete", object_id=str(pk))
    assert entry.changes["alasan"] == "Salah desa"
    assert entry.changes["nama"] == "Anak Salah Daftar"


def test_a_deletion_unlinks_family_members_and_lists_them(users, posyandu):
    child = factories.child(posyandu=posyandu)
    survey = factories.family_row(
        KURNIA_JAYA, members=[{"hubungan": 3, "tanggal_lahir": child.tanggal_lahir}]
    )
    member = survey.members.get()
    FamilyMember.objects.filter(pk=member.pk).update(child=child)
    child_delete(user=users["desa"], child=child, alasan="Salah daftar")
    assert FamilyMember.objects.get(pk=member.pk).child_id is None
    entry = AuditEntry.objects.get(action="delete", object_type="growth.child")
    assert entry.changes["records_unlinked"] == {"families.familymember": [member.pk]}


def test_a_child_with_measurements_is_not_deleted_but_merged(users, twice):
    _kept, dup = twice
    with pytest.raises(ValidationError, match="merge this record"):
        child_delete(user=users["desa"], child=dup, alasan="Terdaftar dua kali")
    assert Child.objects.filter(pk=dup.pk).exists()


def test_a_tpk_target_is_not_deleted_and_says_so_instead_of_a_server_error(users, posyandu, today):
    child = factories.child(posyandu=posyandu)
    target_register(user=None, kind=TargetKind.BADUTA, child=child, tanggal_daftar=today)
    with pytest.raises(ValidationError) as exc:
        child_delete(user=users["desa"], child=child, alasan="Salah daftar")
    assert "TPK" in exc.value.messages[0]
    assert Child.objects.filter(pk=child.pk).exists()


def test_a_deletion_needs_a_reason_and_an_editor_of_the_area(users, posyandu, make_user):
    child = factories.child(posyandu=posyandu)
    with pytest.raises(ValidationError):
        child_delete(user=users["desa"], child=child, alasan="")
    for user in (users["viewer"], make_user("operator_desa", BATU_PENYU)):
        with pytest.raises(PermissionDenied):
            child_delete(user=user, child=child, alasan="Salah daftar")
    assert Child.objects.filter(pk=child.pk).exists()


def test_a_record_merged_or_deleted_meanwhile_is_refused_not_a_server_error(users, twice):
    kept, dup = twice
    stale = Child.objects.get(pk=dup.pk)
    child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    with pytest.raises(ValidationError, match="meanwhile"):
        child_merge(user=users["desa"], duplicate=stale, kept=kept, alasan="Terdaftar dua kali")
    with pytest.raises(ValidationError, match="meanwhile"):
        child_delete(user=users["desa"], child=stale, alasan="Salah daftar")


def test_two_records_both_active_targets_of_one_stage_are_not_merged(users, twice, today):
    # Merged, the child would be twice an active baduta target, which the TPK never allows.
    kept, dup = twice
    for child in (kept, dup):
        target_register(
            user=None, kind=TargetKind.BADUTA, child=child, tanggal_daftar=today - 30 * DAY
        )
    with pytest.raises(ValidationError, match="Both records are active TPK targets"):
        child_merge(user=users["desa"], duplicate=dup, kept=kept, alasan="Terdaftar dua kali")
    assert Target.objects.filter(child=dup).count() == 1
