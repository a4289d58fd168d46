from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConvergenceConfig(AppConfig):
    name = "kampungkb.convergence"
    label = "convergence"
    verbose_name = _("Kampung KB convergence")

    def ready(self):
        from kampungkb.analytics.signals import summaries_rebuilt
        from kampungkb.convergence.review.services import evaluations_refresh_all

        # Stunting and coverage feed the maturity level: re-evaluate when they change.
        summaries_rebuilt.connect(evaluations_refresh_all, dispatch_uid="evaluations_refresh")
