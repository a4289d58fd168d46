"""The catin screening evaluation: each threshold at its edge, the BMI, the ages, the
"three months before the marriage" rule and the plausibility bounds."""

import datetime
from decimal import Decimal as D

import pytest

from kampungkb.families.tpk.screening import rules
from kampungkb.families.tpk.screening.rules import BRIDE, GROOM
from kampungkb.families.tpk.screening.rules import DEFAULT_THRESHOLDS as T


def _m(peran=BRIDE, **kw):
    base = {
        "umur_tahun": 24,
        "berat_kg": D("55"),
        "tinggi_cm": D("158"),
        "lila_cm": D("25"),
        "hb": D("13"),
        "lingkar_perut_cm": D("72"),
        "merokok": False,
    }
    if peran == GROOM:
        base |= {"umur_tahun": 27, "berat_kg": D("62"), "tinggi_cm": D("168"), "hb": D("14.5")}
    return rules.Measures(peran=peran, **(base | kw))


def test_a_healthy_bride_is_ideal():
    result = rules.evaluate(_m(), T)
    assert (result.hasil, result.reasons, result.imt) == ("ideal", [], D("22.0"))


@pytest.mark.parametrize(
    ("peran", "hb", "at_risk"),
    [
        (BRIDE, "11.9", True),
        (BRIDE, "12.0", False),
        (GROOM, "12.9", True),
        (GROOM, "13.0", False),
    ],
)
def test_anaemia_is_hb_below_the_cut_off_of_the_sex(peran, hb, at_risk):
    assert ("anemia" in rules.evaluate(_m(peran, hb=D(hb)), T).reasons) is at_risk


@pytest.mark.parametrize(("lila", "at_risk"), [("23.4", True), ("23.5", False)])
def test_kek_is_lila_below_23_5(lila, at_risk):
    assert ("kek" in rules.evaluate(_m(lila_cm=D(lila)), T).reasons) is at_risk


def test_kek_is_not_a_criterion_for_the_groom():
    assert "kek" not in rules.evaluate(_m(GROOM, lila_cm=D("20")), T).reasons


def test_thin_is_bmi_below_18_5():
    # 46.1 kg at 1.58 m is a BMI of 18.47 -> 18.5 (rounded first, as shown); 46.0 -> 18.4.
    assert "kurus" not in rules.evaluate(_m(berat_kg=D("46.1")), T).reasons
    assert "kurus" in rules.evaluate(_m(berat_kg=D("46.0")), T).reasons


@pytest.mark.parametrize(
    ("peran", "age", "reason"),
    [
        (BRIDE, 18, "usia_hukum"),
        (BRIDE, 19, "usia"),
        (BRIDE, 20, "usia"),
        (BRIDE, 21, None),
        (GROOM, 18, "usia_hukum"),
        (GROOM, 24, "usia"),
        (GROOM, 25, None),
    ],
)
def test_age_under_the_legal_or_the_recommended_age(peran, age, reason):
    reasons = rules.evaluate(_m(peran, umur_tahun=age), T).reasons
    found = [r for r in reasons if r.startswith("usia")]
    assert found == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("peran", "waist", "at_risk"),
    [(BRIDE, "80.0", False), (BRIDE, "80.1", True), (GROOM, "90.0", False), (GROOM, "90.1", True)],
)
def test_central_obesity_is_a_waist_above_the_cut_off_of_the_sex(peran, waist, at_risk):
    reasons = rules.evaluate(_m(peran, lingkar_perut_cm=D(waist)), T).reasons
    assert ("obesitas_sentral" in reasons) is at_risk


def test_smoking_is_a_risk():
    assert rules.evaluate(_m(merokok=True), T).reasons == ["merokok"]


def test_a_disabled_threshold_gives_no_reason():
    off = T | {"merokok": {"enabled": False}, "anemia": T["anemia"] | {"enabled": False}}
    result = rules.evaluate(_m(merokok=True, hb=D("9")), off)
    assert (result.hasil, result.reasons) == ("ideal", [])


def test_a_missing_measure_makes_the_result_incomplete_not_ideal():
    result = rules.evaluate(_m(hb=None), T)
    assert (result.hasil, result.missing) == ("belum_lengkap", ["hb"])
    assert rules.evaluate(_m(hb=None, merokok=True), T).hasil == "berisiko"


def test_the_reasons_name_the_measure_and_the_threshold():
    m = _m(hb=D("10.9"), lila_cm=D("22"))
    result = rules.evaluate(m, T)
    texts = [rules.reason_text(c, m, result.imt, T) for c in result.reasons]
    assert texts == [
        "Anemia: Hb 10,9 g/dL, di bawah 12,0 g/dL.",
        "Risiko KEK: LiLA 22,0 cm, di bawah 23,5 cm.",
    ]


def test_three_months_before_the_marriage():
    marriage = datetime.date(2026, 5, 31)
    assert rules.early_enough(datetime.date(2026, 2, 28), marriage)
    assert not rules.early_enough(datetime.date(2026, 3, 1), marriage)
    assert not rules.early_enough(None, marriage)


def test_values_outside_the_bounds_are_named():
    errors = rules.implausible({"berat_kg": D("300"), "hb": D("2"), "tinggi_cm": D("160")})
    assert set(errors) == {"berat_kg", "hb"}
    assert "antara 3 dan 22" in errors["hb"]


def test_unusual_values_are_questioned_beside_their_field():
    found = rules.unusual({"hb": D("6.5"), "imt": D("14.0"), "lila_cm": D("25")})
    assert set(found) == {"hb", "berat_kg"}


def test_the_default_thresholds_are_valid_and_a_broken_set_is_refused():
    rules.check_thresholds(T)
    with pytest.raises(rules.ThresholdError):
        rules.check_thresholds(T | {"kek": {"enabled": True, "lila_under": "x"}})
    with pytest.raises(rules.ThresholdError):
        rules.check_thresholds(T | {"usia": T["usia"] | {"legal_under": 22}})
