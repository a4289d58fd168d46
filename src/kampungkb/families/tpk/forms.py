"""Forms of the TPK pages; the services check the rules, the forms only parse."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.families.tpk.models import (
    MANUAL_END_REASONS,
    DeliveryOutcome,
    EndReason,
    TargetKind,
    VisitKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Registered on this page; children come from their growth record (baduta/balita).
DIRECT_KINDS = [
    (k.value, k.label)
    for k in (TargetKind.CATIN, TargetKind.IBU_HAMIL, TargetKind.PASCA_PERSALINAN)
]


def _date(label, required=False):
    return forms.DateField(label=capfirst(label), required=required, widget=DATE_WIDGET)


class VisitForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    tanggal = _date(_("visit date"), required=True)
    jenis = forms.ChoiceField(label=capfirst(_("type of visit")), choices=VisitKind.choices)
    temuan = forms.CharField(
        label=capfirst(_("findings")), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rujukan = forms.BooleanField(label=capfirst(_("referral made")), required=False)
    rujukan_ke = forms.CharField(label=capfirst(_("referred to")), required=False, max_length=150)
    tindak_lanjut_tanggal = _date(_("follow-up date"))
    tindak_lanjut_hasil = forms.CharField(
        label=capfirst(_("follow-up result")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TargetForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("target type")), choices=DIRECT_KINDS)
    desa = forms.ModelChoiceField(label=capfirst(_("desa")), queryset=None)
    nama = forms.CharField(label=capfirst(_("name")), max_length=150)
    nik = forms.CharField(label=capfirst(_("NIK")), max_length=16, required=False)
    tanggal_lahir = _date(_("date of birth"))
    nama_pasangan = forms.CharField(
        label=capfirst(_("partner's name")), max_length=150, required=False
    )
    nik_pasangan = forms.CharField(
        label=capfirst(_("partner's NIK")), max_length=16, required=False
    )
    tanggal_rencana_nikah = _date(_("planned marriage date"))
    hpht = _date(_("first day of last period (HPHT)"))
    hpl = _date(_("estimated due date (HPL)"))
    tanggal_persalinan = _date(_("delivery date"))
    hasil_persalinan = forms.ChoiceField(
        label=capfirst(_("delivery outcome")),
        choices=[("", "---------"), *DeliveryOutcome.choices],
        required=False,
    )
    berat_lahir = forms.IntegerField(
        label=capfirst(_("birth weight (g)")), required=False, min_value=0
    )
    panjang_lahir = forms.DecimalField(
        label=capfirst(_("birth length (cm)")), required=False, max_digits=4, decimal_places=1
    )

    STAGE = {
        TargetKind.CATIN: ("nama_pasangan", "nik_pasangan", "tanggal_rencana_nikah"),
        TargetKind.IBU_HAMIL: ("hpht", "hpl"),
        TargetKind.PASCA_PERSALINAN: (
            "tanggal_persalinan",
            "hasil_persalinan",
            "berat_lahir",
            "panjang_lahir",
        ),
    }

    def __init__(self, *args, desa_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_queryset

    def service_values(self) -> dict:
        """The cleaned values as ``services.target_register`` takes them (only the fields of
        the chosen kind)."""
        data = self.cleaned_data
        kind = data["kind"]
        values = {k: data[k] for k in ("kind", "desa", "nama", "nik", "tanggal_lahir")}
        for name in self.STAGE[kind]:
            values[name] = data[name] if data[name] != "" else ""
        return values


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nama} · {obj.tanggal_lahir:%d-%m-%Y}"


class DeliveryForm(StyledFormMixin, forms.Form):
    tanggal_persalinan = _date(_("delivery date"), required=True)
    hasil_persalinan = forms.ChoiceField(
        label=capfirst(_("delivery outcome")), choices=DeliveryOutcome.choices
    )
    berat_lahir = forms.IntegerField(
        label=capfirst(_("birth weight (g)")), required=False, min_value=300, max_value=7000
    )
    panjang_lahir = forms.DecimalField(
        label=capfirst(_("birth length (cm)")),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=20,
        max_value=65,
    )
    child = ChildChoiceField(
        label=capfirst(_("the baby in growth records")),
        queryset=None,
        required=False,
        help_text=_("Children of the desa born around the due date; leave empty if not yet."),
    )

    def __init__(self, *args, child_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = child_queryset


class MarriageForm(StyledFormMixin, forms.Form):
    tanggal_nikah = _date(_("marriage date"), required=True)


class CloseForm(StyledFormMixin, forms.Form):
    tanggal = _date(_("closed from"), required=True)
    alasan = forms.ChoiceField(
        label=capfirst(_("reason")),
        choices=[(r.value, r.label) for r in map(EndReason, MANUAL_END_REASONS)],
    )
    catatan = forms.CharField(
        label=capfirst(_("note")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where she moved, what happened; required for another reason."),
    )


class ReopenForm(StyledFormMixin, forms.Form):
    alasan = forms.CharField(
        label=capfirst(_("why it is reopened")), widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(StyledFormMixin, forms.Form):
    desa = forms.ModelChoiceField(label=capfirst(_("desa")), queryset=None)
    nama = forms.CharField(label=capfirst(_("team name")), max_length=100)
    aktif = forms.BooleanField(label=capfirst(_("active")), required=False, initial=True)
    # Only when a team is changed: who takes its active targets over if it is deactivated.
    successor = forms.ModelChoiceField(
        label=_("When the team is deactivated, give its active targets to"),
        queryset=None,
        required=False,
        empty_label=_("(choose a team)"),
    )

    def __init__(self, *args, desa_queryset, successor_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_queryset
        if successor_queryset is None:
            del self.fields["successor"]
        else:
            self.fields["successor"].queryset = successor_queryset


class TargetTeamForm(StyledFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label=capfirst(_("TPK team")), queryset=None, required=False, empty_label=_("(no team)")
    )

    def __init__(self, *args, team_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_queryset
