from django import forms
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.core.validators import DATE_IN_FUTURE, is_in_future
from kampungkb.wilayah.models import (
    ActivityGroupType,
    FundingSourceType,
    KampungKB,
    MaturityLevel,
    PartnerType,
    PokjaMember,
    PokjaPosition,
    PokjaSeksi,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(form, data, *names):
    for name in names:
        if is_in_future(data.get(name)):
            form.add_error(name, DATE_IN_FUTURE)


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nama} ({obj.parent.nama if obj.parent else obj.kode})"


class KampungKBForm(StyledFormMixin, forms.ModelForm):
    desa = DesaChoiceField(queryset=None, label=_("Desa"))

    class Meta:
        model = KampungKB
        fields = ["desa", "nama", "tanggal_pencanangan", "sk_nomor", "sk_tanggal", "catatan"]
        widgets = {
            "tanggal_pencanangan": DATE_WIDGET,
            "sk_tanggal": DATE_WIDGET,
            "catatan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, desa_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_queryset

    def clean(self):
        data = super().clean()
        if data.get("sk_tanggal") and not data.get("sk_nomor"):
            self.add_error("sk_nomor", _("Enter the decree number for the decree date."))
        _not_in_future(self, data, "tanggal_pencanangan", "sk_tanggal")
        return data


def _blank_first(choices) -> list:
    # A row's select starts blank: a browser sends a select's first option, and a blank
    # extra row whose select sent a real value would count as filled in (refused for its
    # empty name, or, for funding, saved as a source nobody chose).
    return [("", "—"), *choices]


class PokjaMemberForm(StyledFormMixin, forms.Form):
    nama = forms.CharField(label=_("Name"), max_length=150)
    jabatan = forms.ChoiceField(label=_("Position"), choices=_blank_first(PokjaPosition.choices))
    seksi = forms.ChoiceField(
        label=_("Section"), choices=_blank_first(PokjaSeksi.choices), required=False
    )
    telepon = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=PokjaMember._meta.get_field("telepon").validators,
    )

    def clean(self):
        data = super().clean()
        if data.get("jabatan") == PokjaPosition.KOORDINATOR_SEKSI and not data.get("seksi"):
            self.add_error("seksi", _("A section coordinator needs a section."))
        return data


class ActivityGroupForm(StyledFormMixin, forms.Form):
    jenis = forms.ChoiceField(choices=ActivityGroupType.choices, widget=forms.HiddenInput)
    aktif = forms.BooleanField(label=_("Active"), required=False)
    tanggal_mulai = forms.DateField(label=_("Start date"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("tanggal_mulai") and not data.get("aktif"):
            self.add_error("tanggal_mulai", _("Only an active group has a start date."))
        _not_in_future(self, data, "tanggal_mulai")
        return data

    @property
    def group_label(self) -> str:
        jenis = self["jenis"].value()
        return dict(ActivityGroupType.choices).get(jenis, jenis)


class PartnerForm(StyledFormMixin, forms.Form):
    jenis = forms.ChoiceField(label=_("Type"), choices=_blank_first(PartnerType.choices))
    nama = forms.CharField(label=_("Name"), max_length=150)


class FundingForm(StyledFormMixin, forms.Form):
    sumber = forms.ChoiceField(label=_("Source"), choices=_blank_first(FundingSourceType.choices))
    keterangan = forms.CharField(label=_("Description"), max_length=200, required=False)


PokjaFormSet = forms.formset_factory(PokjaMemberForm, extra=2, can_delete=True)
ActivityGroupFormSet = forms.formset_factory(ActivityGroupForm, extra=0)
PartnerFormSet = forms.formset_factory(PartnerForm, extra=1, can_delete=True)
FundingFormSet = forms.formset_factory(FundingForm, extra=1, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """Return the cleaned rows of a formset, without blank extra forms and deleted ones."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class MaturityRecordForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    tingkat = forms.ChoiceField(label=_("Level"), choices=MaturityLevel.choices)
    tanggal = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    sumber = forms.CharField(label=_("Source"), max_length=200)
    catatan = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        _not_in_future(self, data, "tanggal")
        return data
