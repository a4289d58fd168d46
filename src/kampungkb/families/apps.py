from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "kampungkb.families"
    label = "families"
    verbose_name = _("Families at risk of stunting")
