from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "kampungkb.growth"
    label = "growth"
    verbose_name = _("Growth monitoring")
