from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.convergence.form_fields import DATE
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.wilayah.models import FundingSourceType

MONTHS = [(i, str(i)) for i in range(1, 13)]


class PlanCreateForm(StyledFormMixin, forms.Form):
    kampung = forms.ModelChoiceField(label=_("Kampung KB"), queryset=None, required=False)
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.all(), required=False)

    def __init__(self, *args, kampung_kb_qs, allow_opd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kampung"].queryset = kampung_kb_qs
        if not allow_opd:
            del self.fields["opd"]

    def clean(self):
        data = super().clean()
        if bool(data.get("kampung")) == bool(data.get("opd")):
            raise ValidationError(_("Choose either a Kampung KB or an OPD."))
        return data


class ActivityForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    kegiatan = forms.CharField(label=_("Activity"), max_length=200)
    programme_area = forms.ModelChoiceField(
        label=_("Programme area"), queryset=ProgrammeArea.objects.all()
    )
    opd = forms.ModelChoiceField(
        label=_("Responsible OPD"), queryset=Opd.objects.all(), required=False
    )
    sasaran = forms.CharField(label=_("Target group"), max_length=150)
    jumlah_sasaran = forms.IntegerField(label=_("Number targeted"), min_value=1)
    anggaran = forms.DecimalField(
        label=_("Budget (Rp)"), min_value=0, decimal_places=0, max_digits=15
    )
    sumber_dana = forms.ChoiceField(label=_("Budget source"), choices=FundingSourceType.choices)
    bulan = forms.TypedMultipleChoiceField(
        label=_("Months"), choices=MONTHS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    penanggung_jawab = forms.CharField(label=_("Owner"), max_length=150)


class _RealisationFields(StyledFormMixin, forms.Form):
    tanggal = forms.DateField(label=_("Date"), widget=DATE)
    progres = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    output_tercapai = forms.IntegerField(label=_("Output achieved"), min_value=0)
    anggaran_realisasi = forms.DecimalField(
        label=_("Budget spent so far (Rp)"), min_value=0, decimal_places=0, max_digits=15
    )
    catatan = forms.CharField(label=_("Notes"), max_length=300, required=False)


class RealisationForm(SubmitOnceFormMixin, _RealisationFields):
    """A realisation of one activity. The plan page shows one per activity, each an instance
    of its own (:func:`realisation_forms`), so that each carries its own one-time token."""


def _reason_field():
    return forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why the record is changed: it is kept in the audit trail."),
    )


class RealisationCorrectForm(_RealisationFields):
    """A correction of one recorded realisation, with the reason for it."""

    alasan = _reason_field()

    def __init__(self, *args, realisation, **kwargs):
        fields = ("tanggal", "progres", "output_tercapai", "anggaran_realisasi", "catatan")
        initial = {name: getattr(realisation, name) for name in fields}
        super().__init__(*args, initial=initial, **kwargs)


class RealisationRemoveForm(StyledFormMixin, forms.Form):
    """The removal of a realisation entered by mistake, with the reason for it."""

    alasan = _reason_field()


def realisation_forms(activities) -> list:
    """The ``activities`` of a plan page, each with its own empty realisation form as
    ``realisation_form``: one form shared by all would give them one token, and the second
    activity's realisation would be taken for the first one sent again."""
    activities = list(activities)
    for activity in activities:
        activity.realisation_form = RealisationForm(auto_id=f"r{activity.pk}-%s")
    return activities
