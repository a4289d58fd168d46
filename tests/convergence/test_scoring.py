"""The maturity rule engine on hand-made cases (no database)."""

import datetime

import pytest

from kampungkb.convergence.reference import RULE_SETS
from kampungkb.convergence.review import scoring

RULES = {
    "management": {
        "threshold": 60,
        "indicators": {
            "a": {"weight": 1, "worst": 0, "best": 10},
            "b": {"weight": 1, "worst": 0, "best": 10},
        },
    },
    "contribution": {
        "threshold": 50,
        "indicators": {
            "prev": {"weight": 1, "worst": 30, "best": 10},  # lower is better
            "c": {"weight": 1, "worst": 0, "best": 100},
        },
    },
    "missing": "zero",
    "min_coverage": 0.5,
}


@pytest.mark.parametrize(
    ("values", "level"),
    [
        ({"a": 2, "b": 2, "prev": 30, "c": 10}, "dasar"),
        ({"a": 10, "b": 10, "prev": 30, "c": 10}, "berkembang"),
        ({"a": 2, "b": 2, "prev": 10, "c": 100}, "mandiri"),
        ({"a": 10, "b": 10, "prev": 10, "c": 100}, "berkelanjutan"),
    ],
)
def test_each_level_follows_the_management_by_contribution_grid(values, level):
    assert scoring.evaluate(values, RULES).level == level


def test_a_score_exactly_at_the_threshold_reaches_it():
    result = scoring.evaluate({"a": 6, "b": 6, "prev": 20, "c": 50}, RULES)
    assert result.management.score == 60.0
    assert result.contribution.score == 50.0
    assert result.level == "berkelanjutan"


def test_a_score_just_below_the_threshold_does_not_reach_it():
    result = scoring.evaluate({"a": 6, "b": 5.99, "prev": 20, "c": 49.9}, RULES)
    assert result.level == "dasar"


def test_lower_is_better_indicators_score_by_their_best_and_worst():
    assert scoring.indicator_part(20, {"worst": 30, "best": 10}) == 0.5
    assert scoring.indicator_part(5, {"worst": 30, "best": 10}) == 1.0
    assert scoring.indicator_part(40, {"worst": 30, "best": 10}) == 0.0


def test_a_missing_indicator_scores_zero_by_default_and_is_listed():
    result = scoring.evaluate({"a": 10, "prev": 10, "c": 100}, RULES)
    assert result.management.score == 50.0
    assert result.management.missing == ["b"]
    assert result.management.coverage == 0.5
    assert result.level == "mandiri"


def test_a_missing_indicator_is_left_out_when_the_rule_set_says_skip():
    rules = {**RULES, "missing": "skip"}
    result = scoring.evaluate({"a": 10, "prev": 10, "c": 100}, rules)
    assert result.management.score == 100.0
    assert result.level == "berkelanjutan"


def test_too_few_indicators_leave_a_village_unclassified():
    result = scoring.evaluate({"prev": 10, "c": 100}, RULES)
    assert result.management.score is None
    assert result.level is None


def test_malformed_rule_sets_are_refused_with_the_reason():
    bad = {**RULES, "management": {"threshold": 120, "indicators": {}}}
    with pytest.raises(scoring.RuleSetError, match="threshold"):
        scoring.evaluate({}, bad)
    bad = {**RULES, "contribution": {"threshold": 50, "indicators": {"x": {"weight": 1}}}}
    with pytest.raises(scoring.RuleSetError, match="worst"):
        scoring.check_rules(bad)


def test_the_2022_and_2025_rule_sets_classify_the_same_village_differently():
    rules = {rs["berlaku_dari"]: rs["rules"] for rs in RULE_SETS}
    for r in rules.values():
        scoring.check_rules(r)
    values = {k: spec["best"] for k, spec in rules[2022]["management"]["indicators"].items()}
    values.update(
        out_8_fungsi=60,
        out_kb_aktif=62,
        out_mkjp=20,
        out_poktan_peserta=45,
        sys_prevalensi=11,
        sys_tren=-1,
        sys_cakupan=85,
    )
    assert scoring.evaluate(values, rules[2022]).level == "berkelanjutan"
    assert scoring.evaluate(values, rules[2025]).level == "berkembang"


def test_lists_explain_what_worked_and_what_lags():
    rows = [
        {
            "key": 1,
            "level": "berkelanjutan",
            "parts": {"a": 1.0, "b": 0.9, "c": 0.3},
            "trend": -1.0,
        },
        {
            "key": 2,
            "level": "dasar",
            "parts": {"a": 0.2, "b": 0.6, "c": 0.1},
            "missing": ["d"],
            "trend": 0.1,
        },
        {"key": 3, "level": "mandiri", "parts": {"a": 0.9}, "trend": 1.2},
        {"key": 4, "level": "berkelanjutan", "parts": {"a": 1.0}, "trend": 0.8},
        {"key": 5, "level": None, "parts": {}, "missing": ["a", "b"], "trend": None},
    ]
    model, support = scoring.village_lists(rows, {"lists": scoring.DEFAULT_LISTS})
    assert [(m["key"], m["worked"]) for m in model] == [(1, ["a", "b"])]
    got = {s["key"]: (s["reasons"], s["lagging"]) for s in support}
    assert got == {
        2: (["level"], ["c", "a", "d"]),
        3: (["rising"], []),
        4: (["rising"], []),
        5: (["unclassified"], ["a", "b"]),
    }


def test_action_state_says_done_late_missing_or_pending():
    day = datetime.date(2026, 6, 1)
    end = datetime.date(2026, 4, 30)
    assert scoring.action_state(done=True, recorded=True, planned_end=end, today=day) == "done"
    assert scoring.action_state(done=False, recorded=True, planned_end=end, today=day) == "late"
    assert scoring.action_state(done=False, recorded=False, planned_end=end, today=day) == "missing"
    later = datetime.date(2026, 12, 31)
    assert (
        scoring.action_state(done=False, recorded=False, planned_end=later, today=day) == "pending"
    )
