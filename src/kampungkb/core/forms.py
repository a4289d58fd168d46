"""Forms of the ground floor's own pages: the audit trail's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.models import AuditAction


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class AuditFilterForm(StyledFormMixin, forms.Form):
    """What to look for in the audit trail; every field may stay empty."""

    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        help_text=_("e.g. growth.child, growth.measurement, accounts.user"),
    )
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> dict:
        """The valid filters, as the selector takes them (empty values left out)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
