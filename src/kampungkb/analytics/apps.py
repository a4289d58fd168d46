from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "kampungkb.analytics"
    label = "analytics"
    verbose_name = _("Analysis and publication")

    def ready(self):
        from kampungkb.analytics.tasks import analytics_refresh_enqueue
        from kampungkb.core.events import records_changed

        # Writes below this layer announce changes; the summaries follow them.
        records_changed.connect(analytics_refresh_enqueue, dispatch_uid="analytics_refresh")
