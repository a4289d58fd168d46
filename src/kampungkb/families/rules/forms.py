"""The form of a KRS rule set: every threshold of ``families.krs`` as a field, checked with
``krs.check_rules`` and each problem shown beside its field, in Indonesian."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.families import krs
from kampungkb.families.models import KrsRuleSet, Latrine, WaterSource

#: The fields of each pair that must read "from <= to".
RANGES = {
    "pus_age": ("pus_age_from", "pus_age_to", 120),
    "baduta_months": ("baduta_from", "baduta_to", 240),
    "balita_months": ("balita_from", "balita_to", 240),
}
#: Where a problem ``krs.check_rules`` names (its first word) is shown.
CHECK_FIELDS = {
    "pus_age": "pus_age_to",
    "baduta_months": "baduta_to",
    "balita_months": "balita_to",
    "factors.air": "air_codes",
    "factors.jamban": "jamban_codes",
    "factors.muda": "muda_under_years",
    "factors.tua": "tua_to_years",
    "factors.dekat": "dekat_under_months",
    "factors.banyak": "banyak_over_births",
}


def _int(label, top: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=top)


def _flag(label) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


class KrsRuleSetForm(StyledFormMixin, forms.Form):
    nama = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    sumber = forms.CharField(label=gettext_lazy("Source (regulation, letter)"), max_length=300)
    pus_age_from = _int(gettext_lazy("PUS: wife's age from (years)"), 120)
    pus_age_to = _int(gettext_lazy("PUS: wife's age to (years)"), 120)
    baduta_from = _int(gettext_lazy("Baduta: age from (months)"), 240)
    baduta_to = _int(gettext_lazy("Baduta: age to (months)"), 240)
    balita_from = _int(gettext_lazy("Balita: age from (months)"), 240)
    balita_to = _int(gettext_lazy("Balita: age to (months)"), 240)
    air_enabled = _flag(gettext_lazy("Drinking water counts as a risk factor"))
    air_codes = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Proper drinking-water sources"),
        choices=WaterSource.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    jamban_enabled = _flag(gettext_lazy("Latrine counts as a risk factor"))
    jamban_codes = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Proper latrines"),
        choices=Latrine.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    muda_enabled = _flag(gettext_lazy("Wife too young counts as a risk factor"))
    muda_under_years = _int(gettext_lazy("Too young: under (years)"), 120)
    tua_enabled = _flag(gettext_lazy("Wife too old counts as a risk factor"))
    tua_from_years = _int(gettext_lazy("Too old: from (years)"), 120)
    tua_to_years = _int(gettext_lazy("Too old: to (years)"), 120)
    dekat_enabled = _flag(gettext_lazy("Births too close count as a risk factor"))
    dekat_under_months = _int(gettext_lazy("Too close: under (months apart)"), 240)
    banyak_enabled = _flag(gettext_lazy("Too many children counts as a risk factor"))
    banyak_over_births = _int(gettext_lazy("Too many: more than (live births)"), 30)

    def __init__(self, *args, rule_set: KrsRuleSet, **kwargs):
        r = rule_set.rules
        f = r["factors"]
        initial = {
            "nama": rule_set.nama,
            "sumber": rule_set.sumber,
            "pus_age_from": r["pus_age"][0],
            "pus_age_to": r["pus_age"][1],
            "baduta_from": r["baduta_months"][0],
            "baduta_to": r["baduta_months"][1],
            "balita_from": r["balita_months"][0],
            "balita_to": r["balita_months"][1],
            "air_codes": f["air"]["proper_codes"],
            "jamban_codes": f["jamban"]["proper_codes"],
            "muda_under_years": f["muda"]["under_years"],
            "tua_from_years": f["tua"]["from_years"],
            "tua_to_years": f["tua"]["to_years"],
            "dekat_under_months": f["dekat"]["under_months"],
            "banyak_over_births": f["banyak"]["over_births"],
            **{f"{name}_enabled": f[name]["enabled"] for name in krs.FACTORS},
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        for lo, hi, _top in RANGES.values():
            if lo in data and hi in data and data[lo] > data[hi]:
                self.add_error(hi, _("Must not be less than the lower bound."))
        if (
            "tua_from_years" in data
            and "tua_to_years" in data
            and data["tua_from_years"] > data["tua_to_years"]
        ):
            self.add_error("tua_to_years", _("Must not be less than the lower bound."))
        if self.errors:
            return data
        rules = self.rules()
        try:
            krs.check_rules(rules)
        except krs.KrsRuleError as error:
            key = str(error).split(":")[0]
            self.add_error(CHECK_FIELDS.get(key), _("This value is not valid for the rule."))
        return data

    def rules(self) -> dict:
        """The rule set the form holds (call after ``is_valid``)."""
        d = self.cleaned_data
        return {
            "pus_age": [d["pus_age_from"], d["pus_age_to"]],
            "baduta_months": [d["baduta_from"], d["baduta_to"]],
            "balita_months": [d["balita_from"], d["balita_to"]],
            "factors": {
                "air": {"enabled": d["air_enabled"], "proper_codes": sorted(d["air_codes"])},
                "jamban": {
                    "enabled": d["jamban_enabled"],
                    "proper_codes": sorted(d["jamban_codes"]),
                },
                "muda": {"enabled": d["muda_enabled"], "under_years": d["muda_under_years"]},
                "tua": {
                    "enabled": d["tua_enabled"],
                    "from_years": d["tua_from_years"],
                    "to_years": d["tua_to_years"],
                },
                "dekat": {
                    "enabled": d["dekat_enabled"],
                    "under_months": d["dekat_under_months"],
                },
                "banyak": {
                    "enabled": d["banyak_enabled"],
                    "over_births": d["banyak_over_births"],
                },
            },
        }
