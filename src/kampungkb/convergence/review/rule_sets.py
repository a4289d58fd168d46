"""The maturity rule sets as a page: read by everyone, adjusted by whoever manages the
installation (a rule set applies to every Kampung KB evaluated from its year on).

The form holds one threshold per group and a weight, a worst and a best value per indicator,
plus the missing-value policy and the coverage a group needs; the model/support list settings
are kept as they are. A change is checked by ``scoring.check_rules``, audited as a diff, and
applies to the evaluations run after it (earlier ones keep their results).
"""

import copy

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.convergence.review.models import IndicatorDefinition, RuleSet
from kampungkb.convergence.review.scoring import GROUPS, RuleSetError, check_rules
from kampungkb.core.audit import audit_record, diff
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_manage_installation

GROUP_LABELS = {
    "management": gettext_lazy("Management"),
    "contribution": gettext_lazy("Contribution"),
}
#: Bounds of what a form may store: far beyond any real indicator, and small enough that
#: sums of weights and differences of ends stay finite numbers.
MAX_WEIGHT = 1000
MAX_END = 1_000_000
MISSING_CHOICES = [
    ("zero", gettext_lazy("counts as 0 (the worst)")),
    ("skip", gettext_lazy("is left out of the score")),
]


def _plain(value: float) -> int | float:
    """12.0 as 12, so the stored rules read as they were written."""
    return int(value) if float(value).is_integer() else value


def _number(label, **bounds) -> forms.FloatField:
    return forms.FloatField(label=label, widget=forms.NumberInput(attrs={"step": "any"}), **bounds)


def rule_set_rows(rule_set: RuleSet) -> list[dict]:
    """Per group: its threshold and its indicators with name, unit and settings."""
    names = {d.kode: d for d in IndicatorDefinition.objects.all()}
    out = []
    for group in GROUPS:
        spec = rule_set.rules[group]
        indicators = []
        for kode, ind in spec["indicators"].items():
            definition = names.get(kode)
            indicators.append(
                {
                    "kode": kode,
                    "nama": definition.nama if definition else kode,
                    "satuan": definition.satuan if definition else "",
                    "lower_is_better": ind["best"] < ind["worst"],
                    **ind,
                }
            )
        out.append(
            {
                "group": group,
                "label": GROUP_LABELS[group],
                "threshold": spec["threshold"],
                "indicators": indicators,
            }
        )
    return out


class RuleSetForm(StyledFormMixin, forms.Form):
    """Thresholds, weights and ends of every indicator of one rule set."""

    missing = forms.ChoiceField(label=gettext_lazy("A missing indicator"), choices=MISSING_CHOICES)
    min_coverage = _number(
        gettext_lazy("Share of a group's weight that must be present (0 to 1)"),
        min_value=0,
        max_value=1,
    )

    def __init__(self, *args, rule_set: RuleSet, **kwargs):
        rules = rule_set.rules
        initial = {
            "missing": rules.get("missing", "zero"),
            "min_coverage": rules.get("min_coverage", 0),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.rule_set = rule_set
        for group in GROUPS:
            spec = rules[group]
            name = f"{group}-threshold"
            self.fields[name] = _number(
                gettext_lazy("Threshold (0 to 100)"), min_value=0, max_value=100
            )
            self.initial[name] = spec["threshold"]
            for kode, ind in spec["indicators"].items():
                for key, label in (
                    ("weight", gettext_lazy("weight")),
                    ("worst", gettext_lazy("worst")),
                    ("best", gettext_lazy("best")),
                ):
                    name = f"{group}-{kode}-{key}"
                    if key == "weight":
                        bounds = {"min_value": 0, "max_value": MAX_WEIGHT}
                    else:
                        bounds = {"min_value": -MAX_END, "max_value": MAX_END}
                    self.fields[name] = _number(label, **bounds)
                    self.initial[name] = ind[key]

    def clean(self):
        data = super().clean()
        for group in GROUPS:
            for kode in self.rule_set.rules[group]["indicators"]:
                weight = data.get(f"{group}-{kode}-weight")
                worst, best = data.get(f"{group}-{kode}-worst"), data.get(f"{group}-{kode}-best")
                if weight is not None and weight <= 0:
                    self.add_error(f"{group}-{kode}-weight", _("The weight must be above 0."))
                if worst is not None and best is not None and worst == best:
                    self.add_error(
                        f"{group}-{kode}-best", _("The best value must differ from the worst.")
                    )
        return data

    def rules(self) -> dict:
        """The rule set's rules with the form's values put in (call after ``is_valid``)."""
        rules = copy.deepcopy(self.rule_set.rules)
        data = self.cleaned_data
        rules["missing"] = data["missing"]
        rules["min_coverage"] = data["min_coverage"]
        for group in GROUPS:
            rules[group]["threshold"] = _plain(data[f"{group}-threshold"])
            for kode, ind in rules[group]["indicators"].items():
                for key in ("weight", "worst", "best"):
                    ind[key] = _plain(data[f"{group}-{kode}-{key}"])
        return rules

    def field_rows(self) -> list[dict]:
        """The bound fields laid out like ``rule_set_rows``, for the template."""
        rows = rule_set_rows(self.rule_set)
        for row in rows:
            row["threshold_field"] = self[f"{row['group']}-threshold"]
            for ind in row["indicators"]:
                prefix = f"{row['group']}-{ind['kode']}"
                ind["fields"] = [self[f"{prefix}-{key}"] for key in ("weight", "worst", "best")]
        return rows


@transaction.atomic
def rule_set_update(*, user, rule_set: RuleSet, rules: dict) -> RuleSet:
    """Store new ``rules`` for ``rule_set`` (checked, audited as a diff of the values)."""
    if not can_manage_installation(user):
        raise PermissionDenied
    try:
        check_rules(rules)
    except RuleSetError as error:
        raise ValidationError(str(error)) from error
    before = _flat(rule_set.rules)
    rule_set.rules = rules
    rule_set.save(update_fields=["rules"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=rule_set,
        changes=diff(before, _flat(rules)),
    )
    return rule_set


def _flat(rules: dict) -> dict:
    """The rules as ``{"management.threshold": 60, "management.pr_kie.weight": 2, ...}``."""
    out = {"missing": rules.get("missing"), "min_coverage": rules.get("min_coverage")}
    for group in GROUPS:
        out[f"{group}.threshold"] = rules[group]["threshold"]
        for kode, ind in rules[group]["indicators"].items():
            for key in ("weight", "worst", "best"):
                out[f"{group}.{kode}.{key}"] = ind.get(key)
    return out
