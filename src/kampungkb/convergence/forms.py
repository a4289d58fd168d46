import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.models import (
    ActionStatus,
    CadreRole,
    Opd,
    ProgrammeArea,
)
from kampungkb.convergence.services import EVIDENCE_MAX_BYTES, evidence_check
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.wilayah.models import FundingSourceType, Wilayah

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTHS = [(i, str(i)) for i in range(1, 13)]
PHONE = RegexValidator(r"^\+?[0-9 -]{6,20}$", _("Enter a phone number of digits."))


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nama} ({obj.parent.nama})" if obj.parent_id else obj.nama


class ActionRecordForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    tanggal_rencana = forms.DateField(label=_("Planned date"), required=False, widget=DATE)
    tanggal_selesai = forms.DateField(label=_("Date done"), required=False, widget=DATE)
    opd = forms.ModelChoiceField(label=_("Owner OPD"), queryset=Opd.objects.all(), required=False)
    lokus_desa = forms.ModelMultipleChoiceField(
        label=_("Priority desa (lokus)"),
        queryset=Wilayah.objects.desa().order_by("kode"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    perbup_nomor = forms.CharField(label=_("Perbup number"), max_length=100, required=False)
    publikasi_url = forms.URLField(
        label=_("Publication link"), required=False, assume_scheme="https"
    )
    catatan_reviu = forms.CharField(
        label=_("Review notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitments = forms.CharField(
        label=_("Rembuk commitments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: signatory; institution; commitment"),
    )
    keluaran = forms.CharField(
        label=_("Other outputs (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A JSON object of names and values."),
    )

    def clean_commitments(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["commitments"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 3 or not all(parts):
                raise ValidationError(
                    _("Line %(n)s: write signatory; institution; commitment.") % {"n": n}
                )
            rows.append({"penandatangan": parts[0], "lembaga": parts[1], "komitmen": parts[2]})
        return rows

    def clean_keluaran(self):
        text = self.cleaned_data["keluaran"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise ValidationError(_("This is not valid JSON.")) from None
        if not isinstance(value, dict):
            raise ValidationError(_("Write a JSON object of names and values."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("status") == ActionStatus.SELESAI and not data.get("tanggal_selesai"):
            self.add_error("tanggal_selesai", _("A done action needs the date it was done."))
        return data


class EvidenceForm(StyledFormMixin, forms.Form):
    judul = forms.CharField(label=_("Title"), max_length=200)
    berkas = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))

    def __init__(self, *args, max_bytes=EVIDENCE_MAX_BYTES, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_berkas(self):
        f = self.cleaned_data["berkas"]
        head = f.read(16)
        f.seek(0)
        evidence_check(name=f.name, head=head, size=f.size, max_bytes=self.max_bytes)
        return f


class PlanCreateForm(StyledFormMixin, forms.Form):
    kampung = forms.ModelChoiceField(label=_("Kampung KB"), queryset=None, required=False)
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.all(), required=False)

    def __init__(self, *args, kampung_qs, allow_opd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kampung"].queryset = kampung_qs
        if not allow_opd:
            del self.fields["opd"]

    def clean(self):
        data = super().clean()
        if bool(data.get("kampung")) == bool(data.get("opd")):
            raise ValidationError(_("Choose either a Kampung KB or an OPD."))
        return data


class ActivityForm(StyledFormMixin, forms.Form):
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


class RealisationForm(StyledFormMixin, forms.Form):
    tanggal = forms.DateField(label=_("Date"), widget=DATE)
    progres = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    output_tercapai = forms.IntegerField(label=_("Output achieved"), min_value=0)
    anggaran_realisasi = forms.DecimalField(
        label=_("Budget spent so far (Rp)"), min_value=0, decimal_places=0, max_digits=15
    )
    catatan = forms.CharField(label=_("Notes"), max_length=300, required=False)


class CadreForm(StyledFormMixin, forms.Form):
    desa = DesaChoiceField(label=_("Desa"), queryset=None)
    nama = forms.CharField(label=_("Name"), max_length=150)
    peran = forms.ChoiceField(label=_("Role"), choices=CadreRole.choices)
    telepon = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[PHONE])
    aktif = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, desa_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs


class TrainingForm(StyledFormMixin, forms.Form):
    tanggal = forms.DateField(label=_("Date"), widget=DATE)
    topik = forms.CharField(label=_("Topic"), max_length=200)
    penyelenggara = forms.CharField(label=_("Organiser"), max_length=150)
    sertifikat = forms.CharField(label=_("Certificate number"), max_length=100, required=False)


class AssignmentForm(StyledFormMixin, forms.Form):
    tugas = forms.CharField(label=_("Assignment"), max_length=200)
    mulai = forms.DateField(label=_("From"), widget=DATE)
    selesai = forms.DateField(label=_("Until"), required=False, widget=DATE)


class FollowUpForm(StyledFormMixin, forms.Form):
    tindakan = forms.CharField(label=_("Follow-up action"), max_length=300)
    penanggung_jawab = forms.CharField(label=_("Person responsible"), max_length=150)
    owner_opd = forms.ModelChoiceField(
        label=_("Owner OPD"),
        queryset=Opd.objects.all(),
        required=False,
        help_text=_("Leave empty when the desa / Kampung KB must act."),
    )
    batas_waktu = forms.DateField(label=_("Due date"), widget=DATE)


class VisitForm(StyledFormMixin, forms.Form):
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

    def __init__(self, *args, desa_qs, fixed_opd=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs
        if fixed_opd is not None:
            self.fields["opd"].queryset = Opd.objects.filter(pk=fixed_opd.pk)
            self.fields["opd"].initial = fixed_opd.pk

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


class IndicatorForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        for d in definitions:
            self.fields[d.kode] = forms.FloatField(
                label=f"{d.nama} ({d.satuan})",
                required=False,
                min_value=0,
                max_value=100 if d.satuan == "%" else None,
            )
            self.fields[d.kode].group = d.get_kelompok_display()


class InnovationForm(StyledFormMixin, forms.Form):
    nama = forms.CharField(label=_("Name"), max_length=200)
    desa = DesaChoiceField(label=_("Desa"), queryset=None)
    tahun = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    deskripsi = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    bukti = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it works: figures, documents, links."),
    )
    direplikasi_di = forms.ModelMultipleChoiceField(
        label=_("Replicated in"),
        queryset=Wilayah.objects.desa().order_by("kode"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, desa_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs
