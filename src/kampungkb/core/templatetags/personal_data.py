"""Personal data in templates: a person's name only for those who may see it."""

from django import template
from django.utils.translation import gettext as _

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
