"""Forms of the families app outside the import and the TPK pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.scoping import scope_q
from kampungkb.wilayah.models import Level, Wilayah


class FamilyAddressForm(StyledFormMixin, forms.Form):
    """Where a family lives: the desa is one of those the user may edit (their own only, for
    a desa operator), so a family can be moved only between desa the user covers."""

    desa = forms.ModelChoiceField(queryset=Wilayah.objects.none(), label=_("Desa/kelurahan"))
    rw = forms.CharField(label=_("RW"), max_length=10, required=False)
    rt = forms.CharField(label=_("RT"), max_length=10, required=False)
    alamat = forms.CharField(label=_("Address"), max_length=255, required=False)
    alasan = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        desa = self.fields["desa"]
        desa.queryset = (
            Wilayah.objects.filter(scope_q(user), level=Level.DESA)
            .select_related("parent")
            .order_by("parent__nama", "nama")
        )
        desa.label_from_instance = lambda w: f"{w.nama} · {w.parent.nama}" if w.parent else w.nama

    def clean_alasan(self):
        value = self.cleaned_data["alasan"].strip()
        if not value:
            raise forms.ValidationError(_("Say why the address is corrected."))
        return value
