from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.convergence.form_fields import DATE, DesaChoiceField
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin


class FollowUpForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    tindakan = forms.CharField(label=_("Follow-up action"), max_length=300)
    penanggung_jawab = forms.CharField(label=_("Person responsible"), max_length=150)
    owner_opd = forms.ModelChoiceField(
        label=_("Owner OPD"),
        queryset=Opd.objects.all(),
        required=False,
        help_text=_("Leave empty when the desa / Kampung KB must act."),
    )
    batas_waktu = forms.DateField(label=_("Due date"), widget=DATE)


class VisitForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.all())
    desa = DesaChoiceField(label=_("Desa"), queryset=None)
    tanggal = forms.DateField(label=_("Date"), widget=DATE)
    topik = forms.CharField(label=_("Topic"), max_length=200)
    programme_area = forms.ModelChoiceField(
        label=_("Programme area"), queryset=ProgrammeArea.objects.all(), required=False
    )
    temuan = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    tindakan = forms.CharField(label=_("Follow-up action"), max_length=300, required=False)
    penanggung_jawab = forms.CharField(
        label=_("Person responsible"), max_length=150, required=False
    )
    owner_opd = forms.ModelChoiceField(
        label=_("Owner OPD"),
        queryset=Opd.objects.all(),
        required=False,
        help_text=_("Leave empty when the desa / Kampung KB must act."),
    )
    batas_waktu = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, desa_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs

    def clean(self):
        data = super().clean()
        follow = [data.get(f) for f in ("tindakan", "penanggung_jawab", "batas_waktu")]
        if any(follow) and not all(follow):
            raise ValidationError(
                _("A follow-up needs an action, a person responsible and a due date.")
            )
        return data

    def follow_ups(self) -> list[dict]:
        d = self.cleaned_data
        if not d.get("tindakan"):
            return []
        return [{k: d[k] for k in ("tindakan", "penanggung_jawab", "batas_waktu", "owner_opd")}]
