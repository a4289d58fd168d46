"""Forms that narrow a list page (GET): a bad value is ignored with a message, never an error
page, and the rest of the filters still apply."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.growth.selectors import (
    AGE_BANDS,
    CHILD_SORTS,
    LATEST_STATUS,
    ChildFilters,
    child_list_desa_choices,
    child_list_posyandu_choices,
)


def _flat(choices) -> set[str]:
    values = set()
    for value, label in choices:
        if isinstance(label, list | tuple):
            values |= {str(v) for v, _label in label}
        else:
            values.add(str(value))
    return values


class PlainSelect(forms.Select):
    """A select written in Python: Django renders each option through a template, which for
    the ~200 desa and posyandu of a kabupaten took longer than the whole list's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if str(v) in chosen else "", label) for v, label in choices),
            )

        body = format_html_join(
            "",
            "{}",
            (
                (
                    format_html('<optgroup label="{}">{}</optgroup>', group, options(label))
                    if isinstance(label, list | tuple)
                    else options([(group, label)]),
                )
                for group, label in self.choices
            ),
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), body)


class ChildListForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or NIK"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    desa = forms.ChoiceField(label=gettext_lazy("Desa"), required=False, widget=PlainSelect)
    posyandu = forms.TypedChoiceField(
        label=gettext_lazy("Posyandu"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=PlainSelect,
    )
    umur = forms.ChoiceField(label=gettext_lazy("Age"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(
        label=gettext_lazy("Latest status"), required=False, widget=PlainSelect
    )
    belum_diukur = forms.BooleanField(label=gettext_lazy("Not measured this month"), required=False)
    urut = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, widget=PlainSelect)

    def __init__(self, data, *, user):
        super().__init__(data)
        desa_choices = child_list_desa_choices(user=user)
        self.fields["desa"].choices = [("", _("All desa")), *desa_choices]
        # The posyandu of the chosen desa (or kecamatan) when that choice is valid.
        desa = str(self.data.get("desa", ""))
        within = desa if desa in _flat(desa_choices) else ""
        self.fields["posyandu"].choices = [
            ("", _("All posyandu")),
            *child_list_posyandu_choices(user=user, desa=within),
        ]
        if len(_flat(desa_choices)) <= 1:
            del self.fields["desa"]  # one desa: nothing to choose
        self.fields["umur"].choices = [("", _("All ages"))] + [
            (key, label) for key, (label, *_range) in AGE_BANDS.items()
        ]
        self.fields["status"].choices = [("", _("Any status"))] + [
            (key, label) for key, (label, _q) in LATEST_STATUS.items()
        ]
        self.fields["urut"].choices = [(key, label) for key, (label, _o) in CHILD_SORTS.items()]

    def filters(self) -> ChildFilters:
        """The valid filters; an invalid one is left out (see :meth:`ignored`)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ChildFilters(
            search=data.get("q") or "",
            desa=data.get("desa") or "",
            posyandu=data.get("posyandu"),
            age_band=data.get("umur") or "",
            status=data.get("status") or "",
            not_measured_this_month=bool(data.get("belum_diukur")),
            sort=data.get("urut") or "nama",
        )

    def ignored(self) -> list[str]:
        """One sentence per filter left out, naming it and why."""
        return [
            _("The filter “%(field)s” was ignored: %(reason)s")
            % {"field": self.fields[name].label, "reason": " ".join(errors)}
            for name, errors in self.errors.items()
            if name in self.fields
        ]

    def n_active(self) -> int:
        """How many filters (besides the search and the sort) narrow the list."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        names = ("desa", "posyandu", "umur", "status", "belum_diukur")
        return sum(1 for n in names if data.get(n) and n not in self.errors)
