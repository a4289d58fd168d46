from django import forms
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.form_fields import DesaChoiceField
from kampungkb.convergence.years import FIRST_YEAR, LAST_YEAR
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin


class InnovationForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    nama = forms.CharField(label=_("Name"), max_length=200)
    desa = DesaChoiceField(label=_("Desa"), queryset=None)
    tahun = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    deskripsi = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    bukti = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it works: figures, documents, links."),
    )
    direplikasi_di = forms.ModelMultipleChoiceField(
        label=_("Replicated in"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, desa_qs, replica_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs
        self.fields["direplikasi_di"].queryset = replica_qs
