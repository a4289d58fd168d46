import datetime
from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.scoping import within_q
from kampungkb.core.submissions import SubmitOnceFormMixin
from kampungkb.core.validators import is_in_future, validate_not_in_future
from kampungkb.growth.models import Child, Measurement, MeasureMethod, Posyandu, Sex
from kampungkb.growth.services import child_nik_taken_reason

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LocalDecimalField(forms.DecimalField):
    """A decimal typed on a phone: accepts a comma as the decimal separator."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        """A stored value as the user would type it: 14,4 on an Indonesian page (the stored
        14.400 read as fourteen thousand four hundred), 14.4 on an English one."""
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return super().prepare_value(value)


class SessionStartForm(StyledFormMixin, forms.Form):
    posyandu = forms.ModelChoiceField(queryset=None, label=_("Posyandu"))
    tanggal = forms.DateField(
        label=_("Date"), widget=DATE_WIDGET, validators=[validate_not_in_future]
    )

    def __init__(self, *args, posyandu_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posyandu"].queryset = posyandu_queryset
        self.fields["posyandu"].label_from_instance = lambda p: f"{p.nama} · {p.desa.nama}"


class ChildForm(StyledFormMixin, forms.ModelForm):
    berat_lahir = LocalDecimalField(
        label=_("Birth weight (kg)"), required=False, max_digits=4, decimal_places=2
    )
    panjang_lahir = LocalDecimalField(
        label=_("Birth length (cm)"), required=False, max_digits=4, decimal_places=1
    )

    class Meta:
        model = Child
        fields = [
            "nama", "jenis_kelamin", "tanggal_lahir", "nik", "nama_ibu", "nik_ibu",
            "berat_lahir", "panjang_lahir", "punya_buku_kia", "dusun", "rt", "rw", "alamat",
        ]  # fmt: skip
        widgets = {
            "tanggal_lahir": DATE_WIDGET,
            "jenis_kelamin": forms.RadioSelect,
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "nik_ibu": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "punya_buku_kia": forms.NullBooleanSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jenis_kelamin"].choices = Sex.choices
        self.fields["nama_ibu"].required = True

    def clean_nik(self):
        return self.cleaned_data.get("nik") or None

    def clean_tanggal_lahir(self):
        value = self.cleaned_data["tanggal_lahir"]
        if is_in_future(value):
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if (datetime.date.today() - value).days > 1856:
            raise forms.ValidationError(_("This child is already five years old or more."))
        return value

    def validate_unique(self):
        # Unique NIK is checked here so the message lands at the field; the service saves.
        # The message is the service's own: the same whether the other child is in the
        # user's area or not.
        try:
            self.instance.validate_unique(exclude=["match_key"])
        except forms.ValidationError as exc:
            errors = exc.update_error_dict({})
            if "nik" in errors:
                errors["nik"] = [child_nik_taken_reason()]
            self._update_errors(forms.ValidationError(errors))


class ChildEditForm(ChildForm):
    """A registered child's data, and the posyandu of their desa they go to: a child
    registered at the wrong posyandu, or who moved to another, is counted in S there (SKDN)."""

    posyandu = forms.ModelChoiceField(queryset=None, label=_("Posyandu"), required=False)

    class Meta(ChildForm.Meta):
        fields = [*ChildForm.Meta.fields[:6], "posyandu", *ChildForm.Meta.fields[6:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posyandu"].queryset = Posyandu.objects.filter(
            desa_id=self.instance.desa_id
        ).order_by("nama")


class ChildRegisterForm(SubmitOnceFormMixin, ChildForm):
    """A new child: sent twice (a double tap, a resend), it registers one child."""


class MeasurementForm(StyledFormMixin, forms.ModelForm):
    berat = LocalDecimalField(
        label=_("Weight (kg)"), required=False, max_digits=6, decimal_places=3
    )
    tinggi = LocalDecimalField(
        label=_("Length/height (cm)"), required=False, max_digits=6, decimal_places=2
    )
    lila = LocalDecimalField(label=_("LiLA (cm)"), required=False, max_digits=5, decimal_places=2)
    lingkar_kepala = LocalDecimalField(
        label=_("Head circumference (cm)"), required=False, max_digits=5, decimal_places=2
    )
    pmt_kg = LocalDecimalField(
        label=_("PMT received (kg)"), required=False, max_digits=6, decimal_places=2
    )

    class Meta:
        model = Measurement
        fields = [
            "berat",
            "tinggi",
            "cara_ukur",
            "oedema",
            "lila",
            "lingkar_kepala",
            "vitamin_a",
            "pmt_kg",
        ]
        widgets = {"cara_ukur": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cara_ukur"].choices = MeasureMethod.choices
        self.fields["cara_ukur"].required = False

    def _post_clean(self):
        # The service validates against the child (dates, limits); the ModelForm's own model
        # validation would need the computed fields, so it is skipped here.
        pass


class MeasurementEditForm(MeasurementForm):
    """A stored measurement's values, and the date and posyandu it was taken on (a weighing
    entered in the wrong session is corrected here, not deleted and typed again)."""

    tanggal = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    posyandu = forms.ModelChoiceField(queryset=None, label=_("Posyandu"), required=False)

    class Meta(MeasurementForm.Meta):
        fields = ["tanggal", "posyandu", *MeasurementForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The posyandu a measurement may name: those of the child's kecamatan
        # (``services.validate_measurement_values``).
        kecamatan = self.instance.child.desa_id[:8]
        self.fields["posyandu"].queryset = Posyandu.objects.filter(
            within_q("desa__kode", kecamatan)
        ).order_by("nama")
        # A form sent without them (a page opened before they were on it) keeps them.
        for name in ("tanggal", "posyandu"):
            if self.is_bound and name not in self.data:
                self.fields[name].required = False
                self.fields[name].disabled = True


def _reason_field():
    return forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why the record is changed: it is kept in the audit trail."),
    )


class ChildMergeForm(StyledFormMixin, forms.Form):
    """The child's other record this one is merged into, and why. ``candidates``: the
    children it may be merged into (``selectors.child_merge_candidates``), in that order."""

    into = forms.TypedChoiceField(label=_("The child's other record (kept)"), coerce=int)
    alasan = _reason_field()

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {c.pk: c for c in candidates}
        self.fields["into"].choices = [("", "---------")] + [
            (c.pk, _candidate_label(c)) for c in candidates
        ]

    @property
    def kept(self) -> Child:
        return self.candidates[self.cleaned_data["into"]]


def _candidate_label(c: Child) -> str:
    return "{nama} · {sex} · {born} · {ibu} · {n}".format(
        nama=c.nama,
        sex=c.jenis_kelamin,
        born=formats.date_format(c.tanggal_lahir, "j M Y"),
        ibu=_("mother %(name)s") % {"name": c.nama_ibu or "–"},
        n=_("measurements: %(n)d") % {"n": c.n_measurements},
    )


class ChildDeleteForm(StyledFormMixin, forms.Form):
    """The removal of a child registered by mistake, with the reason for it."""

    alasan = _reason_field()
