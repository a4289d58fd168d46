from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: the home page and the demo seeding, which may use every app."""

    name = "kampungkb.site"
    label = "site"
    verbose_name = _("Site")
