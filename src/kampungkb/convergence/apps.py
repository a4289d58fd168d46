from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConvergenceConfig(AppConfig):
    name = "kampungkb.convergence"
    label = "convergence"
    verbose_name = _("Kampung KB convergence")

    def ready(self):
        from django.db.models.signals import post_delete, pre_save

        from kampungkb.analytics.signals import summaries_rebuilt
        from kampungkb.convergence.actions.models import EvidenceFile
        from kampungkb.convergence.actions.services import (
            evidence_file_forget,
            evidence_file_replaced,
        )
        from kampungkb.convergence.review.services import evaluations_refresh_all

        # Stunting and coverage feed the maturity level: re-evaluate when they change.
        summaries_rebuilt.connect(evaluations_refresh_all, dispatch_uid="evaluations_refresh")
        # An evidence record deleted or given another file leaves no file behind.
        post_delete.connect(evidence_file_forget, sender=EvidenceFile, dispatch_uid="evidence_rm")
        pre_save.connect(evidence_file_replaced, sender=EvidenceFile, dispatch_uid="evidence_mv")
