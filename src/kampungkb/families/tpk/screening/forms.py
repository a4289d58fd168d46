"""Forms of the catin screening: the screening (parsed only; the service checks the rules) and
a threshold version (checked with ``rules.check_thresholds``)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.families.tpk.forms import DATE_WIDGET
from kampungkb.families.tpk.screening import rules
from kampungkb.families.tpk.screening.models import CatinThresholdSet, Peran


def _measure(label, *, required=False) -> forms.DecimalField:
    # Wider than the columns: a value out of range gets the service's message naming the
    # bounds, not a count of digits.
    return forms.DecimalField(
        label=capfirst(label),
        required=required,
        max_digits=6,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )


class ScreeningForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    # It shares the catin target's page with the visit form: its own ids and names.
    prefix = "skrining"

    tanggal = forms.DateField(label=capfirst(gettext_lazy("screening date")), widget=DATE_WIDGET)
    peran = forms.ChoiceField(
        label=capfirst(gettext_lazy("who")), choices=Peran.choices, widget=forms.RadioSelect
    )
    umur_tahun = forms.IntegerField(
        label=capfirst(gettext_lazy("age (years)")),
        required=False,
        min_value=0,
        max_value=150,
        help_text=gettext_lazy("Leave empty for the bride when her date of birth is known."),
    )
    berat_kg = _measure(gettext_lazy("weight (kg)"), required=True)
    tinggi_cm = _measure(gettext_lazy("height (cm)"), required=True)
    lila_cm = _measure(gettext_lazy("LiLA (cm)"))
    hb = _measure(gettext_lazy("Hb (g/dL)"))
    lingkar_perut_cm = _measure(gettext_lazy("waist (cm)"))
    merokok = forms.BooleanField(label=capfirst(gettext_lazy("smokes")), required=False)


def _number(label, low, high, *, decimal=True) -> forms.Field:
    if decimal:
        return forms.DecimalField(
            label=label, min_value=low, max_value=high, max_digits=5, decimal_places=1
        )
    return forms.IntegerField(label=label, min_value=low, max_value=high)


def _flag(label) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


#: form field -> (threshold group, key); ``None`` key for the group's ``enabled`` flag.
FIELDS = {
    "anemia_enabled": ("anemia", "enabled"),
    "hb_under_female": ("anemia", "hb_under_female"),
    "hb_under_male": ("anemia", "hb_under_male"),
    "kek_enabled": ("kek", "enabled"),
    "lila_under": ("kek", "lila_under"),
    "kurus_enabled": ("kurus", "enabled"),
    "bmi_under": ("kurus", "bmi_under"),
    "usia_enabled": ("usia", "enabled"),
    "legal_under": ("usia", "legal_under"),
    "bride_under": ("usia", "bride_under"),
    "groom_under": ("usia", "groom_under"),
    "obesitas_sentral_enabled": ("obesitas_sentral", "enabled"),
    "waist_over_female": ("obesitas_sentral", "waist_over_female"),
    "waist_over_male": ("obesitas_sentral", "waist_over_male"),
    "merokok_enabled": ("merokok", "enabled"),
}


class ThresholdSetForm(StyledFormMixin, forms.Form):
    nama = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    sumber = forms.CharField(label=gettext_lazy("Source (regulation, letter)"), max_length=300)
    berlaku_mulai = forms.DateField(
        label=capfirst(gettext_lazy("in force from")),
        widget=DATE_WIDGET,
        help_text=gettext_lazy(
            "Screenings on or after this date are evaluated by the new version; those saved "
            "already keep their result until they are re-evaluated."
        ),
    )
    anemia_enabled = _flag(gettext_lazy("Anaemia counts as a risk"))
    hb_under_female = _number(gettext_lazy("Anaemia: Hb under (g/dL), women"), 5, 20)
    hb_under_male = _number(gettext_lazy("Anaemia: Hb under (g/dL), men"), 5, 20)
    kek_enabled = _flag(gettext_lazy("KEK counts as a risk (women)"))
    lila_under = _number(gettext_lazy("KEK: LiLA under (cm)"), 15, 40)
    kurus_enabled = _flag(gettext_lazy("Thinness counts as a risk"))
    bmi_under = _number(gettext_lazy("Thin: BMI under"), 10, 30)
    usia_enabled = _flag(gettext_lazy("Age counts as a risk"))
    legal_under = _number(gettext_lazy("Legal minimum age to marry (years)"), 10, 30, decimal=False)
    bride_under = _number(gettext_lazy("Recommended age, bride (years)"), 10, 40, decimal=False)
    groom_under = _number(gettext_lazy("Recommended age, groom (years)"), 10, 40, decimal=False)
    obesitas_sentral_enabled = _flag(gettext_lazy("Central obesity counts as a risk"))
    waist_over_female = _number(gettext_lazy("Central obesity: waist over (cm), women"), 40, 150)
    waist_over_male = _number(gettext_lazy("Central obesity: waist over (cm), men"), 40, 150)
    merokok_enabled = _flag(gettext_lazy("Smoking counts as a risk"))

    def __init__(self, *args, threshold_set: CatinThresholdSet, **kwargs):
        t = threshold_set.thresholds
        initial = {
            "nama": threshold_set.nama,
            "sumber": threshold_set.sumber,
            "berlaku_mulai": kwargs.pop("berlaku_mulai", None),
            **{name: t[group][key] for name, (group, key) in FIELDS.items()},
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            rules.check_thresholds(self.thresholds())
        except rules.ThresholdError:
            self.add_error("legal_under", _("Must not be above a recommended age."))
        return data

    def thresholds(self) -> dict:
        """The thresholds the form holds (call after ``is_valid``)."""
        out: dict = {}
        for name, (group, key) in FIELDS.items():
            value = self.cleaned_data[name]
            if not isinstance(value, bool | int):
                value = float(value)
            out.setdefault(group, {})[key] = value
        return out
