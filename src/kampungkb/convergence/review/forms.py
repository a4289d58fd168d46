from django import forms

from kampungkb.core.forms_style import StyledFormMixin


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
