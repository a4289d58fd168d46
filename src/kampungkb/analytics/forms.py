from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampungkb.analytics.models import PeriodType, PriorityWeights, SurveyFigure
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.wilayah.models import Level, Wilayah


class SurveyFigureForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SurveyFigure
        fields = ["survey", "tahun", "wilayah", "indicator", "prevalensi", "sumber", "catatan"]

    def __init__(self, *args, kabupaten, **kwargs):
        super().__init__(*args, **kwargs)
        # The district, its kecamatan and desa, and the province and nation above it.
        self.fields["wilayah"].queryset = Wilayah.objects.within(
            kabupaten.kode
        ) | Wilayah.objects.filter(kode=kabupaten.parent_id, level=Level.PROVINSI)


class DistrictTargetForm(StyledFormMixin, forms.Form):
    tahun = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    nilai = forms.DecimalField(
        label=_("target (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    sumber = forms.CharField(label=_("source"), max_length=400)


class PriorityWeightsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PriorityWeights
        fields = [
            "w_prevalence",
            "w_cases",
            "w_trend",
            "w_coverage",
            "w_quality",
            "w_krs",
            "n_lokus",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added after the others: a form sent without it keeps the stored weight.
        self.fields["w_krs"].required = False

    def clean_w_krs(self):
        value = self.cleaned_data.get("w_krs")
        return self.instance.w_krs if value is None else value

    def clean(self):
        data = super().clean()
        if sum(data.get(k) or 0 for k in self.Meta.fields if k.startswith("w_")) <= 0:
            raise forms.ValidationError(_("At least one weight must be more than zero."))
        return data


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as yyyy-mm-dd whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PublishForm(StyledFormMixin, forms.Form):
    """The period to publish, chosen with two date pickers (a preview follows)."""

    period_type = forms.ChoiceField(label=_("period type"), choices=PeriodType.choices)
    period_start = forms.DateField(label=_("period start"), widget=DateInput())
    period_end = forms.DateField(label=_("period end"), widget=DateInput())
    catatan = forms.CharField(label=_("notes"), max_length=300, required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        for name in ("period_start", "period_end"):
            self.fields[name].widget.attrs["max"] = today.isoformat()
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


class PublishConfirmForm(forms.Form):
    """The confirmation of a preview: the period it showed and its fingerprint."""

    period_type = forms.ChoiceField(choices=PeriodType.choices)
    period_start = forms.DateField(input_formats=["%Y-%m-%d"])
    catatan = forms.CharField(max_length=300, required=False)
    konfirmasi = forms.CharField(max_length=64)
