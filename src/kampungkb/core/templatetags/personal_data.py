"""Personal data in templates: a person's name only for those who may see it, NIK masked."""

from django import template
from django.utils.translation import gettext as _

from kampungkb.core.privacy import mask_nik

register = template.Library()


@register.filter
def person_name(name, shown):
    """``name`` when ``shown`` (the view's ``can_view_personal_data``), else a neutral
    placeholder that says a name is there but not whose; "–" when there is no name.

    Usage: ``{{ fu.penanggung_jawab|person_name:show_personal }}``.
    """
    if not name:
        return "–"
    return name if shown else _("(name hidden)")


@register.filter
def masked_nik(nik):
    """A NIK as lists show it, whoever looks: ``1906********0001`` (``core.privacy``)."""
    return mask_nik(nik)
