from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.cadres.models import CadreRole
from kampungkb.convergence.form_fields import DATE, DesaChoiceField
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin

PHONE = RegexValidator(r"^\+?[0-9 -]{6,20}$", _("Enter a phone number of digits."))


class CadreForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    desa = DesaChoiceField(label=_("Desa"), queryset=None)
    nama = forms.CharField(label=_("Name"), max_length=150)
    peran = forms.ChoiceField(label=_("Role"), choices=CadreRole.choices)
    telepon = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[PHONE])
    aktif = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, desa_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs


class TrainingForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    tanggal = forms.DateField(label=_("Date"), widget=DATE)
    topik = forms.CharField(label=_("Topic"), max_length=200)
    penyelenggara = forms.CharField(label=_("Organiser"), max_length=150)
    sertifikat = forms.CharField(label=_("Certificate number"), max_length=100, required=False)


class AssignmentForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    tugas = forms.CharField(label=_("Assignment"), max_length=200)
    mulai = forms.DateField(label=_("From"), widget=DATE)
    selesai = forms.DateField(label=_("Until"), required=False, widget=DATE)


class TpkMemberForm(StyledFormMixin, forms.Form):
    """One cadre of the desa joins a TPK team in its own role (bidan, PKK or KB cadre)."""

    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=None)

    def __init__(self, *args, cadre_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_qs
        self.fields["cadre"].label_from_instance = lambda c: f"{c.get_peran_display()}: {c.nama}"
