"""The derivation of each indicator on hand-made data: the TS rules, the sources, the quarter's
edges, and that an entered value never overrides a derived one."""

import pytest

from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from tests import factories

from .helpers import AFTER, Q3, D, baduta, card, cells, pregnant, visit, weigh


@pytest.fixture
def admin(users):
    return users["admin"]


def test_a_child_weighed_in_each_month_of_the_quarter_is_y_from_the_measurements(admin):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 7, 3), D(2025, 8, 4), D(2025, 9, 30))
    c = cells(card(admin), t)["an_timbang"]
    assert (c.value, c.source) == ("Y", "derived")
    assert "07/2025" in c.note and "09/2025" in c.note


def test_a_weighing_outside_the_quarter_does_not_count_for_it(admin):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 6, 30), D(2025, 8, 4), D(2025, 9, 30), D(2025, 10, 1))
    c = cells(card(admin), t)["an_timbang"]
    assert (c.value, c.source) == ("T", "derived")
    assert "07/2025" in c.note and "09/2025" not in c.note


def test_under_six_months_immunisation_weighing_and_counselling_are_ts(admin):
    young = baduta(D(2025, 4, 1))  # 5 months on 30 September
    six = baduta(D(2025, 3, 30))  # 6 months on 30 September
    card_ = card(admin)
    for key in ("an_imunisasi", "an_timbang", "an_konseling"):
        assert (cells(card_, young)[key].value, cells(card_, young)[key].source) == ("TS", "rule")
        assert cells(card_, six)[key].value != "TS"


def test_length_is_needed_in_each_february_and_august_since_birth(admin):
    both = baduta(D(2025, 1, 10))
    weigh(both, D(2025, 2, 12), D(2025, 8, 12), tinggi="60.0")
    only_aug = baduta(D(2025, 1, 11))
    weigh(only_aug, D(2025, 8, 12), tinggi="60.0")
    born_feb = baduta(D(2025, 2, 15))  # its first bulan penimbangan is August
    weigh(born_feb, D(2025, 8, 20), tinggi="58.0")
    newborn = baduta(D(2025, 8, 10))  # no February or August after birth yet
    card_ = card(admin)
    assert cells(card_, both)["an_ukur"].value == "Y"
    assert cells(card_, only_aug)["an_ukur"].value == "T"
    assert "02/2025" in cells(card_, only_aug)["an_ukur"].note
    assert cells(card_, born_feb)["an_ukur"].value == "Y"
    assert (cells(card_, newborn)["an_ukur"].value, cells(card_, newborn)["an_ukur"].source) == (
        "TS",
        "rule",
    )


def test_a_weighing_without_length_does_not_count_as_measured(admin):
    t = baduta(D(2024, 12, 1))
    weigh(t, D(2025, 2, 12), D(2025, 8, 12))  # weight only
    assert cells(card(admin), t)["an_ukur"].value == "T"


def test_a_child_turning_two_in_the_quarter_needs_only_its_months_as_baduta(admin):
    t = baduta(D(2023, 8, 15))  # two on 15 August 2025
    weigh(t, D(2025, 7, 3), D(2025, 8, 4))
    visit(t, D(2025, 7, 10), D(2025, 8, 10))
    gone = baduta(D(2023, 7, 1))  # two on 1 July: not a baduta in the quarter
    c = cells(card(admin), t)
    assert c["an_timbang"].value == "Y"
    assert c["an_konseling"].value == "Y"
    with pytest.raises(LookupError):
        cells(card(admin), gone)


def test_counselling_is_a_tpk_kie_visit_each_month_since_registration(admin):
    t = baduta(D(2024, 9, 1), registered=D(2025, 8, 20))
    visit(t, D(2025, 8, 21))
    visit(t, D(2025, 9, 5), jenis="bansos")
    c = cells(card(admin), t)["an_konseling"]
    assert (c.value, c.source) == ("T", "derived")
    assert "09/2025" in c.note and "07/2025" not in c.note
    visit(t, D(2025, 9, 6))
    assert cells(card(admin), t)["an_konseling"].value == "Y"


def test_the_home_visit_for_undernourished_children_applies_by_the_latest_measurement(admin):
    stunted = baduta(D(2024, 9, 1))
    weigh(stunted, D(2025, 7, 2), stunted=True, wasted=False, underweight=False)
    visit(stunted, D(2025, 7, 3), D(2025, 8, 3), D(2025, 9, 3), jenis="surveilans")
    normal = baduta(D(2024, 9, 2))
    weigh(normal, D(2025, 7, 2), stunted=False, wasted=False, underweight=False)
    unknown = baduta(D(2024, 9, 3))
    card_ = card(admin)
    assert cells(card_, stunted)["an_kunjungan_gizi"].value == "Y"
    assert (cells(card_, normal)["an_kunjungan_gizi"].value) == "TS"
    # No status measured: the data cannot say, the KPM enters it (TS allowed).
    assert cells(card_, unknown)["an_kunjungan_gizi"].value == ""
    assert cells(card_, unknown)["an_kunjungan_gizi"].editable


def test_water_latrine_birth_certificate_and_jkn_come_from_the_family_survey(admin):
    t = baduta(D(2024, 11, 1))
    factories.family_row(
        members=[{"nama": "Anak", "tanggal_lahir": "2024-11-01", "child": t.child,
                  "hubungan": 3, "akta_lahir": True, "jkn": None}],
        tanggal="2025-03-01",
        sumber_air=2,
        jamban=4,
    )  # fmt: skip
    c = cells(card(admin), t)
    assert (c["an_air"].value, c["an_air"].source) == ("Y", "derived")
    assert "2025" in c["an_air"].note
    assert c["an_jamban"].value == "T"
    assert c["an_akta"].value == "Y"
    assert (c["an_jkn"].value, c["an_jkn"].source) == ("", "")  # not recorded: entered


def test_a_survey_after_the_quarter_is_not_read_for_it(admin):
    t = baduta(D(2024, 11, 1))
    factories.family_row(
        members=[{"tanggal_lahir": "2024-11-01", "child": t.child, "hubungan": 3}],
        tanggal="2025-10-02",
    )
    assert cells(card(admin), t)["an_air"].value == ""


def test_an_entered_value_never_overrides_a_derived_one(admin):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 7, 3), D(2025, 8, 4), D(2025, 9, 3))
    ScorecardEntry.objects.create(
        target=t, tahun=2025, kuartal=3, indikator="an_timbang", nilai="T"
    )
    ScorecardEntry.objects.create(
        target=t, tahun=2025, kuartal=3, indikator="an_pengasuhan", nilai="Y"
    )
    c = cells(card(admin), t)
    assert (c["an_timbang"].value, c["an_timbang"].source, c["an_timbang"].entered) == (
        "Y",
        "derived",
        "T",
    )
    assert (c["an_pengasuhan"].value, c["an_pengasuhan"].source) == ("Y", "entered")


def test_after_delivery_only_postnatal_care_applies(admin):
    delivered = pregnant(
        D(2024, 11, 1), tanggal_persalinan=D(2025, 8, 5), hasil_persalinan="lahir_hidup"
    )
    expecting = pregnant(D(2025, 3, 1), nama="Ibu Kedua")
    card_ = card(admin)
    d, e = cells(card_, delivered), cells(card_, expecting)
    assert d["ih_nifas3"].source == "" and d["ih_anc4"].value == "TS"
    assert e["ih_nifas3"].value == "TS" and e["ih_anc4"].source == ""
    assert all(d[k].value == "TS" for k in d if k != "ih_nifas3")


def test_a_pregnancy_delivered_before_the_quarter_is_not_its_row(admin):
    t = pregnant(D(2024, 9, 1), tanggal_persalinan=D(2025, 6, 1), hasil_persalinan="lahir_hidup")
    with pytest.raises(LookupError):
        cells(card(admin), t)


def test_pregnancy_counselling_needs_two_visits_in_the_third_trimester(admin):
    third = pregnant(D(2025, 1, 10))  # 37 weeks on 30 September
    visit(third, D(2025, 7, 10))
    assert cells(card(admin), third)["ih_konseling"].value == ""  # kelas ibu may make it up
    visit(third, D(2025, 8, 10))
    c = cells(card(admin), third)["ih_konseling"]
    assert (c.value, c.source) == ("Y", "derived")


def test_risti_home_visit_is_entered_until_pregnancy_monitoring_tells_the_risk(admin, monkeypatch):
    from kampungkb.families.tpk.scorecard import derive

    t = pregnant(D(2025, 3, 1))
    visit(t, D(2025, 7, 10), D(2025, 8, 10), D(2025, 9, 10))
    assert cells(card(admin), t)["ih_kunjungan_risti"].value == ""
    monkeypatch.setattr(derive, "PREGNANCY_RISK", lambda ctx: True)
    assert cells(card(admin), t)["ih_kunjungan_risti"].value == "Y"
    monkeypatch.setattr(derive, "PREGNANCY_RISK", lambda ctx: False)
    assert cells(card(admin), t)["ih_kunjungan_risti"].value == "TS"


def test_the_current_quarter_asks_only_the_months_so_far(admin):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 7, 3), D(2025, 8, 4))
    c = cells(card(admin, today=D(2025, 8, 20)), t)["an_timbang"]
    assert c.value == "Y"


def test_quarters_parse_and_step_over_the_year():
    assert Quarter.parse("2025-4", default=Q3).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter.parse("bad", default=Q3) == Q3
    assert (Q3.start, Q3.end) == (D(2025, 7, 1), D(2025, 9, 30))
    assert Q3.end < AFTER


def test_a_mother_delivered_before_the_quarter_is_scored_on_her_pasca_persalinan_row(admin):
    from kampungkb.families.tpk.models import Target

    pregnancy = pregnant(
        D(2024, 9, 1), tanggal_persalinan=D(2025, 6, 20), hasil_persalinan="lahir_hidup"
    )
    after = Target.objects.create(
        kind="pasca_persalinan", desa=pregnancy.desa, nama=pregnancy.nama, previous=pregnancy,
        tanggal_persalinan=D(2025, 6, 20), tanggal_daftar=D(2025, 6, 20), is_synthetic=True,
    )  # fmt: skip
    c = cells(card(admin), after)
    assert c["ih_nifas3"].source == "" and c["ih_anc4"].value == "TS"
    assert card(admin).groups["ibu_hamil"].rows.__len__() == 1


def test_the_growth_mat_colours_each_month_by_its_length_for_age(admin):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 7, 3), zlen=-0.5, flen=False)
    weigh(t, D(2025, 8, 3), zlen=-1.5, flen=False)
    weigh(t, D(2025, 9, 3), zlen=-2.5, flen=False)
    weigh(t, D(2025, 9, 20), zlen=None, flen=None)  # weight only: the earlier length counts
    young = baduta(D(2025, 8, 10))  # born in August: July is not its month
    c = card(admin)
    mat = {r.ctx.target.pk: r.colours for r in c.mat}
    assert mat[t.pk] == ["H", "K", "M"]
    assert mat[young.pk] == ["", "TD", "TD"]
    assert c.mat_counts[0] == {"H": 1, "K": 0, "M": 0, "TD": 0}
    assert c.mat_counts[2] == {"H": 0, "K": 0, "M": 1, "TD": 1}


def test_length_is_needed_in_each_weighing_month_of_the_twelve_calendar_months(admin):
    """The twelve months up to 31 July 2024 are August 2023 to July 2024. Counted as 365 days
    back (to 1 August 2023, a leap day between), August 2023 fell out and a child measured
    only in February was scored Y."""
    t = baduta(D(2022, 8, 1))  # two on 1 August 2024: a baduta up to 31 July in Q3 2024
    weigh(t, D(2024, 2, 12), D(2024, 7, 10), tinggi="80.0")
    c = cells(card(admin, quarter=Quarter(2024, 3), today=D(2024, 10, 15)), t)["an_ukur"]
    assert c.value == "T"
    assert "08/2023" in c.note


def test_the_mothers_survey_rounds_are_read_in_one_query_for_two_or_ten_pregnancies(admin):
    """The JKN cell of a pregnancy names the survey round of the mother's member record: that
    round was read once per pregnancy, so an area's scorecard page made one query per ibu hamil
    (hundreds for a kabupaten)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            survey = factories.family_row(
                members=[{"tanggal_lahir": "1995-01-01", "hubungan": 2, "jkn": True}],
                tanggal="2025-03-01",
            )
            pregnant(D(2025, 3, 1), keluarga=survey.keluarga, member=survey.members.get())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            c = card(admin)
        return c, len(captured)

    add(2)
    _card, small = queries()
    add(8)
    c, many = queries()
    assert many == small
    t = Target.objects.filter(kind="ibu_hamil").last()
    assert cells(c, t)["ih_jkn"].value == "Y" and "2025" in cells(c, t)["ih_jkn"].note
