from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "kampungkb.families"
    label = "families"
    verbose_name = _("Families at risk of stunting")

    def ready(self):
        from kampungkb.families.tpk.services import (
            child_birth_date_corrected,
            targets_merge_problems,
        )
        from kampungkb.growth.duplicates import child_merge_checked
        from kampungkb.growth.signals import child_birth_date_corrected as corrected

        # A TPK baduta or balita ends by the child's age: a corrected birth date moves it.
        corrected.connect(child_birth_date_corrected, dispatch_uid="tpk_child_birth_date")
        # A child's two records merged must not make it twice an active target of one stage.
        child_merge_checked.connect(targets_merge_problems, dispatch_uid="tpk_targets_merge")
