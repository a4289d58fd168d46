"""The services of pregnancy monitoring: who may record, the plausibility bounds and their
Indonesian messages, the audit trail; and the selectors the scorecard reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kampungkb.analytics.tpk_cube import _EVERY_AREA, tpk_desa_counts
from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import services as tpk_services
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.pregnancy import selectors, services
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan
from kampungkb.families.tpk.scorecard.quarters import Quarter
from tests import factories
from tests.families.tpk import factories as tpk
from tests.families.tpk.factories import anc_contact as _anc
from tests.families.tpk.factories import error_messages as _messages

DAY = datetime.timedelta(days=1)


def test_an_anc_contact_is_recorded_and_audited(users):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, users["desa"], lila=Decimal("22.0"), hb=Decimal("10.5"), ttd_diminum=30)
    assert contact.recorded_by == users["desa"]
    entry = AuditEntry.objects.get(object_type="families.anccontact")
    assert (entry.action, entry.actor, entry.wilayah_kode) == (
        AuditAction.CREATE,
        users["desa"],
        factories.KURNIA_JAYA,
    )


def test_an_operator_of_another_desa_or_a_viewer_may_not_record(users, make_user):
    hamil = tpk.pregnant(factories.BATU_PENYU, weeks=20)
    for user in (users["desa"], users["viewer"], users["mitra"]):
        with pytest.raises(PermissionDenied):
            _anc(hamil, user)
    assert not AncContact.objects.exists()


# A "tanggal" is given in days from today, the day the test runs on.
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"lila": Decimal("9.9")}, "lila", "Isi nilai antara 10 dan 50 cm."),
        ({"hb": Decimal("20.1")}, "hb", "Isi nilai antara 3 dan 20 g/dL."),
        ({"berat": Decimal("24")}, "berat", "Isi nilai antara 25 dan 200 kg."),
        ({"ttd_diminum": 121}, "ttd_diminum", "Isi nilai antara 0 dan 120 tablet."),
        ({"sistolik": 120}, "diastolik", "Isi kedua angka tekanan darah, atau kosongkan keduanya."),
        (
            {"sistolik": 80, "diastolik": 90},
            "diastolik",
            "Tekanan diastolik harus lebih rendah dari sistolik.",
        ),
        ({"tempat": "  "}, "tempat", "Isi tempat atau pemberi layanan pemeriksaan."),
        ({"pemeriksa": "dukun"}, "pemeriksa", "Pilih siapa yang memeriksa."),
        ({"tanggal": 1}, "tanggal", "Tanggal tidak boleh di masa depan."),
    ],
)
def test_implausible_anc_values_are_refused_beside_their_field(
    beltim, values, field, message, today
):
    hamil = tpk.pregnant(weeks=20)
    if "tanggal" in values:
        values = values | {"tanggal": today + values["tanggal"] * DAY}
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _anc(hamil, **values)
    assert _messages(exc.value)[field] == [message]
    assert not AncContact.objects.exists()


def test_a_contact_before_the_hpht_or_twice_a_day_is_refused(beltim, today):
    hamil = tpk.pregnant(weeks=5)
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _anc(hamil, tanggal=today - 6 * 7 * DAY)
    assert "sebelum kehamilan dimulai" in _messages(exc.value)["tanggal"][0]
    _anc(hamil)
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _anc(hamil)
    assert _messages(exc.value)["tanggal"] == ["Kontak ANC pada hari ini sudah tercatat."]


def test_anc_contacts_belong_to_a_pregnancy_only(beltim):
    with pytest.raises(ValidationError):
        _anc(tpk.catin())


def test_the_kb_decision_is_one_per_delivery_changed_in_place_and_audited(users, today):
    ibu = tpk.mother(days_since=10)
    services.kb_pasca_record(
        user=users["desa"], target=ibu, keputusan="belum", tanggal=today - 5 * DAY
    )
    services.kb_pasca_record(user=users["desa"], target=ibu, keputusan="implan", tanggal=today)
    kb = KbPascaPersalinan.objects.get()
    assert (kb.keputusan, kb.is_method, kb.within_42_days) == ("implan", True, True)
    actions = list(
        AuditEntry.objects.filter(object_type="families.kbpascapersalinan").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted([AuditAction.CREATE, AuditAction.UPDATE])


def test_a_kb_decision_before_the_delivery_or_of_no_known_kind_is_refused(beltim, today):
    ibu = tpk.mother(days_since=10)
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.kb_pasca_record(user=None, target=ibu, keputusan="jamu", tanggal=today - 11 * DAY)
    assert set(_messages(exc.value)) == {"keputusan", "tanggal"}
    with pytest.raises(ValidationError):
        services.kb_pasca_record(user=None, target=tpk.pregnant(), keputusan="pil", tanggal=today)


def test_a_nifas_visit_is_within_42_days_of_the_delivery(beltim, today):
    ibu = tpk.mother(days_since=43)
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.nifas_visit_record(
            user=None, target=ibu, tanggal=today, tempat="Rumah", pemeriksa="bidan"
        )
    assert _messages(exc.value)["tanggal"] == [
        "Kunjungan nifas dilakukan dalam 42 hari setelah persalinan."
    ]
    visit = services.nifas_visit_record(
        user=None, target=ibu, tanggal=today - DAY, tempat="Rumah", pemeriksa="bidan"
    )
    summary = selectors.postpartum_summary(target=ibu, on=today)
    assert [(r.visit, r.kf) for r in summary.nifas] == [(visit, 4)]


def test_the_summary_counts_ttd_kelas_and_flags_kek_and_anaemia(beltim, today):
    hamil = tpk.pregnant(weeks=30, tanggal_lahir=today.replace(year=today.year - 18))
    _anc(hamil, tanggal=today - 14 * 7 * DAY, ttd_diminum=30, kelas_ibu_hamil=True)
    _anc(hamil, lila=Decimal("22.0"), hb=Decimal("10.0"), ttd_diminum=30)
    s = selectors.pregnancy_summary(target=hamil, on=today)
    assert (s.anc.total, s.ttd_taken, s.ttd_90, s.kelas_count) == (2, 60, False, 1)
    assert [(r.number.k, r.number.trimester) for r in s.rows] == [(1, 2), (2, 3)]
    codes = {f.code for f in s.flags}
    assert {"usia_muda", "kek", "anemia", "tanpa_k1", "anc_kurang_t2"} <= codes


def test_a_short_interval_is_found_from_the_previous_delivery_of_the_same_nik(beltim, today):
    nik = "1906014101950009"
    ibu = tpk.mother(days_since=300, nik=nik)
    tpk_services.targets_transition(user=None)
    ibu.refresh_from_db()
    assert not ibu.aktif
    hamil = tpk.pregnant(weeks=8, nik=nik)
    flags = {f.code for f in selectors.pregnancy_summary(target=hamil, on=today).flags}
    assert "jarak_dekat" in flags


def test_the_list_is_scoped_and_puts_flagged_women_first(users, today):
    calm = tpk.pregnant(nama="Ibu Tenang Sintetis", weeks=8)
    _anc(calm, tanggal=today - 7 * DAY)
    risky = tpk.pregnant(nama="Ibu Risiko Sintetis", weeks=8)
    _anc(risky, hb=Decimal("9.0"))
    tpk.pregnant(factories.BATU_PENYU, nama="Ibu Gantung Sintetis")
    names = [r.target.nama for r in selectors.pregnancy_list(user=users["desa"], on=today)]
    assert names == ["Ibu Risiko Sintetis", "Ibu Tenang Sintetis"]
    everyone = selectors.pregnancy_list(user=users["admin"], on=today)
    assert len(everyone) == 3
    counts = selectors.pregnancy_counts_per_desa(user=users["viewer"], on=today)
    mine = next(c for c in counts if c.desa_kode == factories.KURNIA_JAYA)
    assert (mine.pregnant, mine.anaemia, mine.kek, mine.ttd_below_90) == (2, 1, 0, 2)


def test_the_indicators_follow_a_pregnancy_into_the_kb_decision_after_delivery(users, today):
    hamil = tpk.pregnant(weeks=39, tanggal_daftar=today - 30 * 7 * DAY)
    for weeks_ago, ttd in ((30, 0), (24, 30), (20, 30), (10, 10), (6, 10), (3, 10)):
        _anc(hamil, tanggal=today - weeks_ago * 7 * DAY, ttd_diminum=ttd)
    ibu = tpk_services.delivery_record(user=None, target=hamil, tanggal_persalinan=today - 2 * DAY)
    services.kb_pasca_record(user=None, target=ibu, keputusan="suntik", tanggal=today)
    on_mother = selectors.target_indicators(target=ibu, on=today)
    assert (on_mother.anc_count, on_mother.k4, on_mother.k6) == (6, True, True)
    assert (on_mother.ttd_taken, on_mother.ttd_90) == (90, True)
    assert (on_mother.kb_decision, on_mother.kb_within_42_days) == ("suntik", True)
    hamil.refresh_from_db()
    assert selectors.target_indicators(target=hamil, on=today) == on_mother
    per_desa = selectors.desa_indicators(user=users["kecamatan"], start=today - 90 * DAY, end=today)
    row = next(r for r in per_desa if r.desa_kode == factories.KURNIA_JAYA)
    assert (row.pregnant, row.k6, row.ttd_90, row.deliveries, row.kb_method_within_42_days) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert row.anc_contacts == 3  # those of 30, 24 and 20 weeks ago are before the period
    # Aggregates: the Mitra OPD (the whole kabupaten) reads the same figures.
    mitra = selectors.desa_indicators(user=users["mitra"], start=today - 90 * DAY, end=today)
    assert row in mitra
    # A period after the delivery month has neither the pregnancy nor the delivery.
    assert selectors.desa_indicators(user=users["mitra"], start=today, end=today) == []


def test_the_kb_methods_are_the_family_contraception_list():
    from kampungkb.families.models import ContraceptiveMethod
    from kampungkb.families.tpk.pregnancy.models import KbDecision

    assert KbDecision.methods() == frozenset(ContraceptiveMethod.values)
    assert {KbDecision(m).label for m in ContraceptiveMethod.values} == set(
        ContraceptiveMethod.labels
    )


def test_a_method_chosen_within_42_days_counts_with_the_deliverys_quarter(beltim):
    """Delivered 11 days before a quarter ends, a method chosen 10 days into the next (day
    21 of her 42): her quarter counts it, and the quarters sum to the year (before, no
    quarter counted her, though the year did)."""
    delivered, chosen = datetime.date(2025, 3, 20), datetime.date(2025, 4, 10)
    mother = Target.objects.create(
        kind=TargetKind.PASCA_PERSALINAN, desa=factories.wilayah(factories.KURNIA_JAYA),
        nama="Ibu Nifas Sintetis", tanggal_persalinan=delivered, tanggal_daftar=delivered,
        is_synthetic=True,
    )  # fmt: skip
    services.kb_pasca_record(user=None, target=mother, keputusan="implan", tanggal=chosen)
    q1 = selectors.desa_indicators(
        user=_EVERY_AREA, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31)
    )
    assert [(r.deliveries, r.kb_method_within_42_days) for r in q1] == [(1, 1)]
    quarters = [Quarter(2025, k) for k in range(1, 5)]
    periods = [(q.start, q.end) for q in quarters]
    periods.append((datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
    counts = tpk_desa_counts(
        periods, quarters_of=[[q] for q in quarters] + [quarters], today=datetime.date(2026, 1, 1)
    )
    by_period = {p: v["kb_pasca"] for (_desa, p), v in counts.items()}
    assert sum(by_period.get(p, 0) for p in range(4)) == by_period[4] == 1
