"""Forms of pregnancy monitoring (parse only: the services check the rules). Each has its own
prefix: it shares the target's page with the visit form."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.families.tpk.forms import DATE_WIDGET
from kampungkb.families.tpk.pregnancy.models import Examiner, KbDecision


def _date(label):
    return forms.DateField(label=capfirst(label), widget=DATE_WIDGET)


def _decimal(label, digits):
    return forms.DecimalField(
        label=capfirst(label), required=False, max_digits=digits, decimal_places=1
    )


def _count(label, required=False):
    return forms.IntegerField(label=capfirst(label), required=required, min_value=0)


class AncForm(StyledFormMixin, forms.Form):
    prefix = "anc"

    tanggal = _date(_("ANC contact date"))
    tempat = forms.CharField(label=capfirst(_("place or provider")), max_length=150)
    pemeriksa = forms.ChoiceField(label=capfirst(_("examined by")), choices=Examiner.choices)
    berat = _decimal(_("weight (kg)"), 4)
    lila = _decimal(_("LiLA (cm)"), 3)
    hb = _decimal(_("Hb (g/dL)"), 3)
    sistolik = _count(_("systolic blood pressure (mmHg)"))
    diastolik = _count(_("diastolic blood pressure (mmHg)"))
    ttd_diterima = _count(_("iron tablets (TTD) received"))
    ttd_diminum = _count(_("iron tablets (TTD) taken since the last contact"))
    kelas_ibu_hamil = forms.BooleanField(
        label=capfirst(_("attended a kelas ibu hamil since the last contact")), required=False
    )
    catatan = forms.CharField(
        label=capfirst(_("notes")), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("berat", "lila", "hb", "sistolik", "diastolik", "ttd_diterima"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"


class KbPascaForm(StyledFormMixin, forms.Form):
    prefix = "kb"

    keputusan = forms.ChoiceField(label=capfirst(_("KB decision")), choices=KbDecision.choices)
    tanggal = _date(_("decision date"))
    catatan = forms.CharField(label=capfirst(_("notes")), required=False, max_length=500)


class NifasForm(StyledFormMixin, forms.Form):
    prefix = "nifas"

    tanggal = _date(_("nifas visit date"))
    tempat = forms.CharField(label=capfirst(_("place or provider")), max_length=150)
    pemeriksa = forms.ChoiceField(label=capfirst(_("examined by")), choices=Examiner.choices)
    catatan = forms.CharField(label=capfirst(_("notes")), required=False, max_length=500)
