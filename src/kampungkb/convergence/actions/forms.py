import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.actions.models import ActionStatus
from kampungkb.convergence.actions.services import EVIDENCE_MAX_BYTES, evidence_check
from kampungkb.convergence.agencies import Opd
from kampungkb.convergence.form_fields import DATE
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.wilayah.models import Wilayah


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


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

    def __init__(self, *args, kabupaten=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kabupaten is not None:  # its own desa only (a province holds other kabupaten's)
            desa = Wilayah.objects.within(kabupaten.kode).desa().order_by("kode")
            self.fields["lokus_desa"].queryset = desa

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
            # NaN and Infinity are Python's, not JSON's: the database refuses them.
            value = json.loads(text, parse_constant=_not_json)
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


def initial_from_record(record) -> dict:
    """Return the :class:`ActionRecordForm` values of a stored record (``None``: a new one)."""
    if record is None:
        return {"opd": None}
    return {
        "status": record.status,
        "tanggal_rencana": record.tanggal_rencana,
        "tanggal_selesai": record.tanggal_selesai,
        "opd": record.opd,
        "lokus_desa": list(record.lokus_desa.all()),
        "perbup_nomor": record.perbup_nomor,
        "publikasi_url": record.publikasi_url,
        "catatan_reviu": record.catatan_reviu,
        "commitments": "\n".join(
            f"{c.penandatangan}; {c.lembaga}; {c.komitmen}" for c in record.commitments.all()
        ),
        "keluaran": json.dumps(record.keluaran) if record.keluaran else "",
    }


class EvidenceForm(SubmitOnceFormMixin, StyledFormMixin, forms.Form):
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
