"""The Kampung KB maturity rule engine: pure Python, no Django.

A rule set is plain data (stored as JSON in ``convergence.RuleSet``, one per starting year)::

    {
      "management": {"threshold": 60,
                     "indicators": {"pr_kie": {"weight": 2, "worst": 0, "best": 12}, ...}},
      "contribution": {"threshold": 60,
                       "indicators": {"sys_prevalensi": {"weight": 3, "worst": 30, "best": 5}}},
      "missing": "zero",          # a missing indicator scores 0 ("zero") or is left out ("skip")
      "min_coverage": 0.5,        # share of a group's weight that must be present to score it
      "lists": {
        "model":   {"levels": ["berkelanjutan"], "strong_from": 0.8, "max_trend": 0},
        "support": {"levels": ["dasar", "berkembang"], "lag_below": 0.5, "min_trend": 0.5}
      }
    }

Each indicator's part is linear between ``worst`` (0) and ``best`` (1), so "lower is better"
indicators simply have ``best < worst``; parts are capped to [0, 1] on purpose (a village far
beyond the target earns the full part, no more). A group score is the weighted mean of the
parts times 100. A score reaching the threshold exactly counts as reaching it: the level is
judged on the exact score (computed in fractions from the values as written), the score kept
and shown is rounded (a score of 64.998 is below a threshold of 65, though it reads 65.00).

The four levels are the 2×2 of management × contribution (DOMAIN §2.6):

>>> classify(management=70, contribution=40, rules={"management": {"threshold": 60},
...          "contribution": {"threshold": 60}})
'berkembang'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

DASAR, BERKEMBANG, MANDIRI, BERKELANJUTAN = "dasar", "berkembang", "mandiri", "berkelanjutan"
GROUPS = ("management", "contribution")


class RuleSetError(ValueError):
    """The rule set is malformed."""


@dataclass
class GroupScore:
    score: float | None
    coverage: float
    parts: dict[str, float] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    exact: Fraction | None = None  # the score before rounding: the one the level is judged on


@dataclass
class Result:
    level: str | None
    management: GroupScore
    contribution: GroupScore

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            **{
                g: {
                    "score": getattr(self, g).score,
                    "coverage": getattr(self, g).coverage,
                    "parts": getattr(self, g).parts,
                    "missing": getattr(self, g).missing,
                }
                for g in GROUPS
            },
        }


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_rules(rules: dict) -> None:
    """Raise :class:`RuleSetError` naming the first problem in ``rules``.

    >>> one = {"pr_kie": {"weight": 1, "worst": 0, "best": 12}}
    >>> check_rules({"management": {"threshold": 60, "indicators": one}})
    Traceback (most recent call last):
    ...
    kampungkb.convergence.review.scoring.RuleSetError: contribution: missing
    >>> try:
    ...     check_rules({"management": {"threshold": 60, "indicators": {}}})
    ... except RuleSetError as error:
    ...     print(error)
    management: indicators must be a non-empty object
    """
    if not isinstance(rules, dict):
        raise RuleSetError("the rule set must be an object")
    for group in GROUPS:
        spec = rules.get(group)
        if not isinstance(spec, dict):
            raise RuleSetError(f"{group}: missing")
        if not _is_number(spec.get("threshold")) or not 0 <= spec["threshold"] <= 100:
            raise RuleSetError(f"{group}: threshold must be a number from 0 to 100")
        indicators = spec.get("indicators")
        if not isinstance(indicators, dict) or not indicators:
            raise RuleSetError(f"{group}: indicators must be a non-empty object")
        for kode, ind in indicators.items():
            if not isinstance(ind, dict):
                raise RuleSetError(f"{group}.{kode}: must be an object")
            for key in ("weight", "worst", "best"):
                if not _is_number(ind.get(key)):
                    raise RuleSetError(f"{group}.{kode}: {key} must be a number")
            if ind["weight"] <= 0:
                raise RuleSetError(f"{group}.{kode}: weight must be positive")
            if ind["worst"] == ind["best"]:
                raise RuleSetError(f"{group}.{kode}: worst and best must differ")
            if not math.isfinite(ind["best"] - ind["worst"]):
                raise RuleSetError(f"{group}.{kode}: worst and best are too far apart")
        if not math.isfinite(sum(i["weight"] for i in indicators.values())):
            raise RuleSetError(f"{group}: the weights add up to more than a number can hold")
    if rules.get("missing", "zero") not in ("zero", "skip"):
        raise RuleSetError('missing must be "zero" or "skip"')
    cov = rules.get("min_coverage", 0)
    if not _is_number(cov) or not 0 <= cov <= 1:
        raise RuleSetError("min_coverage must be a number from 0 to 1")


def indicator_part(value: float, spec: dict) -> float:
    """Return the share (0..1) of an indicator's weight that ``value`` earns.

    >>> indicator_part(6, {"worst": 0, "best": 12})
    0.5
    >>> indicator_part(10, {"worst": 30, "best": 5})  # lower is better
    0.8
    """
    return float(_exact_part(value, spec))


def _exact(number) -> Fraction:
    """A number as the decimal it reads as (a float's shortest repr), exactly."""
    return Fraction(repr(float(number)))


def _exact_part(value, spec: dict) -> Fraction:
    worst, best = _exact(spec["worst"]), _exact(spec["best"])
    part = (_exact(value) - worst) / (best - worst)
    return min(Fraction(1), max(Fraction(0), part))


def group_score(
    values: dict, spec: dict, *, missing: str = "zero", min_coverage: float = 0.0
) -> GroupScore:
    """Score one group (management or contribution) of ``values`` (kode → number or None)."""
    total_weight = sum(_exact(i["weight"]) for i in spec["indicators"].values())
    present_weight = weighted = counted_weight = Fraction(0)
    parts, absent = {}, []
    for kode, ind in spec["indicators"].items():
        value = values.get(kode)
        weight = _exact(ind["weight"])
        if value is None or not _is_number(value):
            absent.append(kode)
            if missing == "zero":
                counted_weight += weight
            continue
        part = _exact_part(value, ind)
        parts[kode] = round(float(part), 4)
        present_weight += weight
        counted_weight += weight
        weighted += weight * part
    coverage = float(present_weight / total_weight) if total_weight else 0.0
    if not present_weight or coverage < min_coverage:
        return GroupScore(None, round(coverage, 4), parts, absent)
    score = 100 * weighted / counted_weight
    return GroupScore(round(float(score), 2), round(coverage, 4), parts, absent, score)


def classify(
    *, management: float | Fraction | None, contribution: float | Fraction | None, rules: dict
) -> str | None:
    """Place scores in the 2×2 grid; ``None`` when either score could not be computed."""
    if management is None or contribution is None:
        return None
    managed = management >= _exact(rules["management"]["threshold"])
    contributes = contribution >= _exact(rules["contribution"]["threshold"])
    if managed and contributes:
        return BERKELANJUTAN
    if contributes:
        return MANDIRI
    if managed:
        return BERKEMBANG
    return DASAR


def evaluate(values: dict, rules: dict) -> Result:
    """Score ``values`` (indicator kode → number, missing ones absent or None) by ``rules``."""
    check_rules(rules)
    opts = {"missing": rules.get("missing", "zero"), "min_coverage": rules.get("min_coverage", 0)}
    m = group_score(values, rules["management"], **opts)
    c = group_score(values, rules["contribution"], **opts)
    # Judged on the exact scores: rounded, one just under a threshold would reach it.
    return Result(classify(management=m.exact, contribution=c.exact, rules=rules), m, c)


DEFAULT_LISTS = {
    "model": {"levels": [BERKELANJUTAN], "strong_from": 0.8, "max_trend": 0.0},
    "support": {"levels": [DASAR, BERKEMBANG], "lag_below": 0.5, "min_trend": 0.5},
}


def village_lists(rows: list[dict], rules: dict) -> tuple[list[dict], list[dict]]:
    """Split evaluated villages into model villages and villages needing support, with reasons.

    Each row holds ``key``, ``level``, ``parts`` (kode → 0..1 over both groups), ``missing``
    (kodes) and ``trend`` (change in stunting prevalence, points; ``None`` if unknown).
    A model village has a model level, a prevalence not rising (trend ≤ ``max_trend``) and
    ``worked`` = its strong indicators. A village needs support when its level is a support
    level, it is unclassified, or its prevalence rose by ``min_trend`` points or more;
    ``lagging`` = its weak and missing indicators, weakest first.
    """
    lists = {**DEFAULT_LISTS, **(rules.get("lists") or {})}
    model_rule, support_rule = lists["model"], lists["support"]
    models_, support = [], []
    for row in rows:
        parts, trend, level = row.get("parts") or {}, row.get("trend"), row.get("level")
        rising = trend is not None and trend >= support_rule["min_trend"]
        if level in model_rule["levels"] and (trend is None or trend <= model_rule["max_trend"]):
            worked = sorted(
                (k for k, p in parts.items() if p >= model_rule["strong_from"]),
                key=lambda k: (-parts[k], k),
            )
            models_.append({**row, "worked": worked})
            continue
        reasons = []
        if level is None:
            reasons.append("unclassified")
        elif level in support_rule["levels"]:
            reasons.append("level")
        if rising:
            reasons.append("rising")
        if reasons:
            lagging = sorted(
                (k for k, p in parts.items() if p < support_rule["lag_below"]),
                key=lambda k: (parts[k], k),
            ) + sorted(row.get("missing") or [])
            support.append({**row, "reasons": reasons, "lagging": lagging})
    return models_, support


def action_state(*, done: bool, recorded: bool, planned_end, today) -> str:
    """Say where a convergence action stands: done, late, missing (past due, nothing
    recorded) or pending (not yet due)."""
    if done:
        return "done"
    if planned_end is not None and today > planned_end:
        return "late" if recorded else "missing"
    return "pending"
