"""Reads of the Kampung KB scorecard: every Kampung KB of the user's area against every
indicator of the year's rule set, each value placed in a band by the part of its weight it
earns (the rule set's own ends), with the computed level and the model / needs-support verdict;
and the points of the management-against-stunting chart.

Bands follow the rule set's list settings: a part below ``lists.support.lag_below`` is weak
(the indicator a village needing support is told about), from ``lists.model.strong_from`` it is
strong (what worked in a model village), in between fair; a missing value has no band.
"""

import math

from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.review import scoring
from kampungkb.convergence.review.selectors import (
    LEVEL_LABELS,
    indicator_definitions,
    indicator_values_many,
    review_rows,
    rule_set_for_year,
    village_lists,
)

BAND_LABELS = {
    "weak": _("weak"),
    "fair": _("fair"),
    "strong": _("strong"),
    "missing": _("no data"),
}
VERDICT_LABELS = {
    "model": _("Model village"),
    "support": _("Needs support"),
    "": _("On track"),
    # No evaluation for the year: nothing says whether it is on track.
    "unevaluated": _("Not evaluated"),
}
GROUP_SHORT = {"management": _("Management"), "contribution": _("Contribution")}
LEVEL_ORDER = {None: 0, **{v: i + 1 for i, v in enumerate(LEVEL_LABELS)}}


def band_limits(rules: dict) -> tuple[float, float]:
    """Return (weak below, strong from) for the parts of ``rules``."""
    lists = {**scoring.DEFAULT_LISTS, **(rules.get("lists") or {})}
    return float(lists["support"]["lag_below"]), float(lists["model"]["strong_from"])


def band_of(part: float | None, limits: tuple[float, float]) -> str:
    """Say which band an indicator's part falls in.

    >>> band_of(0.49, (0.5, 0.8)), band_of(0.5, (0.5, 0.8)), band_of(0.8, (0.5, 0.8))
    ('weak', 'fair', 'strong')
    >>> band_of(None, (0.5, 0.8))
    'missing'
    """
    if part is None:
        return "missing"
    weak_below, strong_from = limits
    if part < weak_below:
        return "weak"
    return "strong" if part >= strong_from else "fair"


def indicator_columns(rules: dict) -> list[dict]:
    """The indicators of a rule set, management first, each group in the indicators' own
    order (``IndicatorDefinition.urutan``; PostgreSQL keeps a JSON object's keys in its own
    order, not as written), with name, unit, OPD and direction."""
    defs = {d.kode: d for d in indicator_definitions()}
    last = len(defs) + 1
    columns = []
    for group in scoring.GROUPS:
        indicators = rules[group]["indicators"]
        ordered = sorted(
            indicators,
            key=lambda k: (defs[k].urutan if k in defs else last, k),
        )
        for kode in ordered:
            spec = indicators[kode]
            d = defs.get(kode)
            columns.append(
                {
                    "kode": kode,
                    "group": group,
                    "group_label": GROUP_SHORT[group],
                    "nama": d.nama if d else kode,
                    "satuan": d.satuan if d else "",
                    "computed": bool(d and d.computed),
                    "opd": d.programme_area.opd if d and d.programme_area else None,
                    "lower_is_better": spec["best"] < spec["worst"],
                    "spec": spec,
                }
            )
    return columns


def cells_of(values: dict, columns: list[dict], limits) -> list[dict]:
    """One cell per column: the value, its part of the weight and its band."""
    cells = []
    for col in columns:
        value = values.get(col["kode"])
        known = isinstance(value, int | float) and math.isfinite(value)
        part = scoring.indicator_part(value, col["spec"]) if known else None
        band = band_of(part, limits)
        cells.append(
            {
                "kode": col["kode"],
                "nama": col["nama"],
                "value": value,
                "part": part,
                "band": band,
                "band_label": BAND_LABELS[band],
            }
        )
    return cells


SORT_KEYS = {
    "nama": lambda r: r["kampung"].nama.lower(),
    "tingkat": lambda r: r["level_rank"],
    "manajemen": lambda r: _num(r["management"]),
    "kontribusi": lambda r: _num(r["contribution"]),
    "stunting": lambda r: _num(r["prevalence"]),
    "putusan": lambda r: {"model": 0, "": 1, "support": 2, "unevaluated": 3}[r["verdict"]],
}


def _num(x) -> float:
    return float("-inf") if x is None else float(x)


def scorecard(*, user, tahun: int, sort: str = "", launched_only: bool = True) -> dict:
    """Return the scorecard of the user's Kampung KB for a year (those that existed in it
    unless not ``launched_only``), sorted by ``sort`` (a key of ``SORT_KEYS`` or an indicator
    code, ``-`` first for descending; unknown: by name)."""
    rows = review_rows(user=user, tahun=tahun, launched_only=launched_only)
    rule_set = rule_set_for_year(tahun)
    lists = village_lists(user=user, tahun=tahun, rows=rows)
    verdicts = {m["key"]: ("model", m) for m in lists["model"]}
    verdicts.update({s["key"]: ("support", s) for s in lists["support"]})
    columns = indicator_columns(rule_set.rules) if rule_set else []
    limits = band_limits(rule_set.rules) if rule_set else (0.5, 0.8)
    values_of = indicator_values_many(kampungs=[r["kampung"] for r in rows], tahun=tahun)
    out = []
    for r in rows:
        k, e = r["kampung"], r["evaluation"]
        verdict, item = verdicts.get(k.pk, ("" if e else "unevaluated", None))
        if verdict == "model":
            why = [i["nama"] for i in item["worked_list"][:3]]
        elif verdict == "support":
            why = [str(x) for x in item["reason_labels"]] + [
                i["nama"] for i in item["lagging_list"][:3]
            ]
        else:
            why = []
        out.append(
            {
                "kampung": k,
                "evaluation": e,
                "level": r["level"],
                "level_label": LEVEL_LABELS.get(r["level"], "") if r["level"] else "",
                "level_rank": LEVEL_ORDER.get(r["level"], 0),
                "management": e.skor_manajemen if e else None,
                "contribution": e.skor_kontribusi if e else None,
                "prevalence": r["system"]["sys_prevalensi"],
                "trend": r["trend"],
                "verdict": verdict,
                "verdict_label": VERDICT_LABELS[verdict],
                "why": why,
                "cells": cells_of(values_of[k.pk], columns, limits),
            }
        )
    out = _sorted(out, sort, columns)
    return {
        "tahun": tahun,
        "rule_set": rule_set,
        "columns": columns,
        "rows": out,
        "limits": limits,
        "sort": sort,
        "n_model": sum(r["verdict"] == "model" for r in out),
        "n_support": sum(r["verdict"] == "support" for r in out),
    }


def _sorted(rows: list[dict], sort: str, columns: list[dict]) -> list[dict]:
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    index = {c["kode"]: i for i, c in enumerate(columns)}
    if key in SORT_KEYS:
        fn = SORT_KEYS[key]
    elif key in index:

        def fn(r, i=index[key]):
            return _num(r["cells"][i]["part"])

    else:
        fn, reverse = SORT_KEYS["nama"], False
    return sorted(rows, key=lambda r: (fn(r), r["kampung"].nama), reverse=reverse)


def outcome_line(rules: dict) -> float | None:
    """The stunting prevalence (%) under which the rule set no longer counts it as weak: where
    the prevalence indicator earns ``lag_below`` of its weight."""
    spec = rules.get("contribution", {}).get("indicators", {}).get("sys_prevalensi")
    if not spec:
        return None
    weak_below, _strong = band_limits(rules)
    return round(spec["worst"] + weak_below * (spec["best"] - spec["worst"]), 2)


def chart_points(card: dict) -> dict:
    """The management-against-stunting chart of a scorecard: one point per Kampung KB with a
    management score, and the rule set's lines."""
    rules = card["rule_set"].rules if card["rule_set"] else {}
    lists = {**scoring.DEFAULT_LISTS, **(rules.get("lists") or {})}
    points = []
    for r in card["rows"]:
        if r["management"] is None or r["prevalence"] is None:
            continue
        trend = r["trend"]
        if trend is None:
            direction = "unknown"
        elif trend >= lists["support"]["min_trend"]:
            direction = "rising"
        elif trend <= lists["model"]["max_trend"]:
            direction = "falling"
        else:
            direction = "stable"
        points.append(
            {
                "nama": r["kampung"].nama,
                "management": r["management"],
                "contribution": r["contribution"],
                "prevalence": r["prevalence"],
                "trend": trend,
                "direction": direction,
                "level": r["level_label"] or "–",
                "verdict": r["verdict"],
            }
        )
    return {
        "points": points,
        "management_threshold": rules.get("management", {}).get("threshold"),
        "outcome_line": outcome_line(rules) if rules else None,
    }


def scorecard_chart(*, user, tahun: int) -> dict:
    """Return the chart points of the user's scorecard for a year."""
    return chart_points(scorecard(user=user, tahun=tahun))
