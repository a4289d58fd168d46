"""The reasons of a KRS label in words: each risk factor named with the threshold of the rule
set that gave it ("Istri terlalu muda (<20 th)"), and the rule set itself read out line by line.

Plain functions of a rule set's ``rules`` (``families.krs``): no database.
"""

from django.utils.translation import gettext as _

from kampungkb.families import krs


def _codes(codes: list[int], choices: dict[int, str]) -> str:
    return ", ".join(f"{c} {choices.get(c, '?')}" for c in sorted(codes)) or "–"


def factor_reason(name: str, rules: dict | None) -> str:
    """The factor ``name`` (``families.krs.FACTORS``) as a reason, with its threshold."""
    f = (rules or krs.DEFAULT_RULES)["factors"][name]
    if name == "air":
        return _("Drinking water not proper")
    if name == "jamban":
        return _("Latrine not proper")
    if name == "muda":
        return _("Wife too young (<%(years)s y)") % {"years": f["under_years"]}
    if name == "tua":
        return _("Wife too old (%(lo)s–%(hi)s y)") % {
            "lo": f["from_years"],
            "hi": f["to_years"],
        }
    if name == "dekat":
        return _("Births too close (<%(months)s months)") % {"months": f["under_months"]}
    return _("Too many children (>%(births)s)") % {"births": f["over_births"]}


def factor_reasons(factors: list[str], rules: dict | None) -> list[str]:
    return [factor_reason(name, rules) for name in factors]


def sasaran_labels() -> dict[str, str]:
    return {
        "sasaran_pus": _("PUS"),
        "sasaran_hamil": _("Pregnant wife"),
        "sasaran_baduta": _("Child 0–23 months"),
        "sasaran_balita": _("Child 24–59 months"),
    }


def rule_lines(rules: dict, *, water: dict[int, str], latrine: dict[int, str]) -> list[dict]:
    """The rule set in sentences: one dict per line (``label``, ``text``, ``enabled``);
    ``water`` and ``latrine`` name the codes (``families.models.WaterSource``, ``Latrine``)."""
    f = rules["factors"]
    lines = [
        {
            "label": _("PUS (couple of reproductive age)"),
            "text": _("A married wife aged %(lo)s to %(hi)s years on the survey date.")
            % {"lo": rules["pus_age"][0], "hi": rules["pus_age"][1]},
            "enabled": True,
        },
        {
            "label": _("Baduta"),
            "text": _("A child aged %(lo)s to %(hi)s months on the survey date.")
            % {"lo": rules["baduta_months"][0], "hi": rules["baduta_months"][1]},
            "enabled": True,
        },
        {
            "label": _("Balita"),
            "text": _("A child aged %(lo)s to %(hi)s months on the survey date.")
            % {"lo": rules["balita_months"][0], "hi": rules["balita_months"][1]},
            "enabled": True,
        },
        {
            "label": factor_reason("air", rules),
            "text": _("Proper drinking water: %(codes)s; any other source is a risk.")
            % {"codes": _codes(f["air"]["proper_codes"], water)},
            "enabled": f["air"]["enabled"],
        },
        {
            "label": factor_reason("jamban", rules),
            "text": _("Proper latrine: %(codes)s; any other is a risk.")
            % {"codes": _codes(f["jamban"]["proper_codes"], latrine)},
            "enabled": f["jamban"]["enabled"],
        },
        {
            "label": factor_reason("muda", rules),
            "text": _("The PUS wife is under %(years)s years old.")
            % {"years": f["muda"]["under_years"]},
            "enabled": f["muda"]["enabled"],
        },
        {
            "label": factor_reason("tua", rules),
            "text": _("The PUS wife is %(lo)s to %(hi)s years old.")
            % {"lo": f["tua"]["from_years"], "hi": f["tua"]["to_years"]},
            "enabled": f["tua"]["enabled"],
        },
        {
            "label": factor_reason("dekat", rules),
            "text": _("The two youngest children were born less than %(months)s months apart.")
            % {"months": f["dekat"]["under_months"]},
            "enabled": f["dekat"]["enabled"],
        },
        {
            "label": factor_reason("banyak", rules),
            "text": _(
                "The wife has had more than %(births)s live births (where not given: more "
                "than %(births)s children in the family)."
            )
            % {"births": f["banyak"]["over_births"]},
            "enabled": f["banyak"]["enabled"],
        },
    ]
    return lines
