from django.contrib import admin

from kampungkb.convergence import models
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
    models.Cadre,
    models.CoachingVisit,
    models.FollowUp,
    models.Evaluation,
    models.Innovation,
):
    admin.site.register(model, AuditedModelAdmin)
