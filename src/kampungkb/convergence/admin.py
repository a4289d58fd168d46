from django.contrib import admin

from kampungkb.convergence import models
from kampungkb.convergence.cadres.services import tpk_membership_end_if_unfit
from kampungkb.core.admin import AuditedModelAdmin

# Reference data (OPD, frameworks, programme areas, indicators, rule sets, targets) is edited
# here by a superuser; the rule set's JSON is checked by ``scoring.check_rules`` on evaluation.
# Every change made here goes to the audit trail (``AuditedModelAdmin``).
for model in (
    models.Opd,
    models.ActionFramework,
    models.ActionDefinition,
    models.ProgrammeArea,
    models.IndicatorDefinition,
    models.RuleSet,
    models.ActionRecord,
    models.EvidenceFile,
    models.Plan,
    models.PlanActivity,
    models.CoachingVisit,
    models.FollowUp,
    models.Evaluation,
    models.Innovation,
):
    admin.site.register(model, AuditedModelAdmin)


@admin.register(models.Cadre)
class CadreAdmin(AuditedModelAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A cadre deactivated, moved or given another role here leaves their TPK team, as
        # the services would not let them join it.
        if change:
            tpk_membership_end_if_unfit(user=request.user, cadre=form.instance)
