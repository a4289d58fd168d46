"""The catin screening services: a screening evaluated and kept with its threshold version,
the bride's age from her date of birth, bounds and confirmation, area, permission and audit;
a new threshold version, its audit and the explicit re-evaluation."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk.screening import selectors, services
from kampungkb.families.tpk.screening.models import CatinScreening, CatinThresholdSet
from kampungkb.families.tpk.screening.rules import DEFAULT_THRESHOLDS
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
OK = {
    "berat_kg": D("55"),
    "tinggi_cm": D("158"),
    "lila_cm": D("25"),
    "hb": D("13"),
    "lingkar_perut_cm": D("72"),
}


def _messages(exc: ValidationError) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}


@pytest.fixture
def bride(beltim, today):
    return tpk.catin(tanggal_lahir=today - 24 * 366 * DAY, days_to_marriage=120)


def test_a_screening_is_evaluated_and_keeps_its_threshold_version(bride, users, today):
    s = services.screening_record(
        user=users["desa"], target=bride, tanggal=today, peran="putri",
        **(OK | {"hb": D("11.2")}),
    )  # fmt: skip
    assert (s.hasil, s.alasan, s.umur_tahun, s.imt) == ("berisiko", ["anemia"], 24, D("22.0"))
    assert s.threshold_set.kode == "elsimil-catin"
    assert s.reason_texts() == ["Anemia: Hb 11,2 g/dL, di bawah 12,0 g/dL."]
    entry = AuditEntry.objects.get(object_type="families.catinscreening")
    assert (entry.action, entry.wilayah_kode) == (AuditAction.CREATE, bride.desa_id)


def test_a_typed_age_must_agree_with_the_brides_date_of_birth(bride, today):
    with pytest.raises(ValidationError) as exc:
        services.screening_record(
            user=None, target=bride, tanggal=today, peran="putri", umur_tahun=30, **OK
        )
    assert "24 tahun" in _messages(exc.value)["umur_tahun"][0]


def test_the_grooms_age_is_typed(bride, today):
    with pytest.raises(ValidationError) as exc:
        services.screening_record(user=None, target=bride, tanggal=today, peran="putra", **OK)
    assert "umur_tahun" in _messages(exc.value)
    s = services.screening_record(
        user=None, target=bride, tanggal=today, peran="putra", umur_tahun=23,
        **(OK | {"hb": D("14")}),
    )  # fmt: skip
    assert s.alasan == ["usia"]


def test_impossible_values_and_a_future_date_are_refused_beside_their_fields(bride, today):
    with pytest.raises(ValidationError) as exc:
        services.screening_record(
            user=None, target=bride, tanggal=today, peran="putri",
            **(OK | {"berat_kg": D("400"), "hb": D("1.5")}),
        )  # fmt: skip
    errors = _messages(exc.value)
    assert set(errors) == {"berat_kg", "hb"}
    assert errors["berat_kg"] == ["Berat badan (kg) harus antara 25 dan 250."]
    with pytest.raises(ValidationError) as exc:
        services.screening_record(user=None, target=bride, tanggal=today + DAY, peran="putri", **OK)
    assert "tanggal" in _messages(exc.value)
    assert not CatinScreening.objects.exists()


def test_unusual_values_need_a_confirmation_and_are_then_marked(bride, today):
    values = {"user": None, "target": bride, "tanggal": today, "peran": "putri"}
    with pytest.raises(services.ScreeningNeedsCheck) as exc:
        services.screening_record(**values, **(OK | {"hb": D("6.0")}))
    assert "Saya sudah cek, simpan" in _messages(exc.value)["hb"][0]
    s = services.screening_record(**values, **(OK | {"hb": D("6.0")}), confirmed=True)
    assert (s.perlu_dicek, s.alasan) == (True, ["anemia"])


def test_a_screening_outside_the_users_area_or_by_a_reader_is_refused(bride, users, today):
    other = tpk.catin(factories.BATU_PENYU, nama="Catin Gantung Sintetis")
    base = {"tanggal": today, "peran": "putri", "umur_tahun": 22, **OK}
    with pytest.raises(PermissionDenied):
        services.screening_record(user=users["desa"], target=other, **base)
    with pytest.raises(PermissionDenied):
        services.screening_record(user=users["viewer"], target=bride, **base)
    assert not CatinScreening.objects.exists()


def test_only_a_catin_target_is_screened(beltim, today):
    ibu = tpk.pregnant(tanggal_lahir=today - 25 * 366 * DAY)
    with pytest.raises(ValidationError):
        services.screening_record(user=None, target=ibu, tanggal=today, peran="putri", **OK)


def _revise(users, *, today, **changes):
    base = services.threshold_set_in_force(today)
    t = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    t["anemia"]["hb_under_female"] = 11.5
    return services.threshold_set_revise(
        user=users["admin"], base=base, thresholds=t, nama="Hb 11,5 (BKKBN)",
        sumber="BKKBN", berlaku_mulai=changes.get("berlaku_mulai", today),
    )  # fmt: skip


def test_a_new_threshold_version_is_audited_as_a_diff_and_only_for_the_manager(bride, users, today):
    with pytest.raises(PermissionDenied):
        services.threshold_set_revise(
            user=users["kecamatan"], base=services.threshold_set_in_force(today),
            thresholds=DEFAULT_THRESHOLDS, nama="x", sumber="x", berlaku_mulai=today,
        )  # fmt: skip
    new = _revise(users, today=today)
    entry = AuditEntry.objects.get(object_type="families.catinthresholdset")
    assert entry.changes["anemia.hb_under_female"] == [12.0, 11.5]
    assert services.threshold_set_in_force(today) == new
    assert services.threshold_set_in_force(today - DAY).kode == "elsimil-catin"


def test_old_results_stay_until_they_are_evaluated_again(bride, users, today):
    s = services.screening_record(
        user=None, target=bride, tanggal=today - 10 * DAY, peran="putri",
        **(OK | {"hb": D("11.7")}),
    )  # fmt: skip
    assert s.alasan == ["anemia"]
    new = _revise(users, berlaku_mulai=today - 30 * DAY, today=today)
    s.refresh_from_db()
    assert (s.alasan, s.threshold_set.kode) == (["anemia"], "elsimil-catin")
    assert selectors.screenings_outdated_count() == 1
    with pytest.raises(PermissionDenied):
        services.screenings_reevaluate(user=users["desa"])
    assert services.screenings_reevaluate(user=users["admin"]) == 1
    s.refresh_from_db()
    assert (s.hasil, s.alasan, s.threshold_set) == ("ideal", [], new)
    assert selectors.screenings_outdated_count() == 0
    assert CatinThresholdSet.objects.count() == 2


def test_the_counts_per_desa(beltim, users, today):
    early = tpk.catin(nama="Catin Awal Sintetis", days_to_marriage=200)
    late = tpk.catin(nama="Catin Telat Sintetis", days_to_marriage=30)
    tpk.catin(nama="Catin Belum Sintetis", days_to_marriage=150)
    tpk.catin(factories.BATU_PENYU, nama="Catin Gantung Sintetis")
    base = {"user": None, "tanggal": today, "peran": "putri", "umur_tahun": 22}
    services.screening_record(target=early, **base, **(OK | {"lila_cm": D("22")}))
    services.screening_record(target=late, **base, **OK, merokok=True)
    rows = selectors.catin_counts_per_desa(user=users["desa"])
    assert len(rows) == 1
    r = rows[0]
    assert (r.registered, r.registered_early, r.screened, r.screened_early, r.at_risk) == (
        3, 2, 2, 1, 2,
    )  # fmt: skip
    assert (r.reasons["kek"], r.reasons["merokok"], r.reasons["anemia"]) == (1, 1, 0)
    everywhere = selectors.catin_counts_per_desa(user=users["admin"])
    assert sorted(c.registered for c in everywhere) == [1, 3]
    none = selectors.catin_counts_per_desa(user=users["admin"], start=today + DAY)
    assert none == []
