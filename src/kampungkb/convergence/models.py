"""Every model of the convergence app, gathered here because Django loads an app's models from
``<app>.models``; each is defined beside the rest of its sub-domain and imported from there.

Reference data (frameworks, actions, OPD, programme areas, indicators, rule sets, targets) is
loaded by ``convergence.reference.reference_load`` from a data migration and stays editable.
"""

from kampungkb.convergence.actions.models import (
    ActionDefinition,
    ActionFramework,
    ActionKind,
    ActionRecord,
    ActionStatus,
    Commitment,
    EvidenceFile,
)
from kampungkb.convergence.agencies import AreaKind, Opd, ProgrammeArea
from kampungkb.convergence.cadres.models import TPK_ROLES, Assignment, Cadre, CadreRole, Training
from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp, FollowUpStatus
from kampungkb.convergence.innovations.models import Innovation
from kampungkb.convergence.plans.models import Plan, PlanActivity, PlanQuerySet, Realisation
from kampungkb.convergence.review.models import (
    Evaluation,
    IndicatorDefinition,
    IndicatorGroup,
    IndicatorRecord,
    RuleSet,
)

__all__ = [
    "TPK_ROLES",
    "ActionDefinition",
    "ActionFramework",
    "ActionKind",
    "ActionRecord",
    "ActionStatus",
    "AreaKind",
    "Assignment",
    "Cadre",
    "CadreRole",
    "CoachingVisit",
    "Commitment",
    "Evaluation",
    "EvidenceFile",
    "FollowUp",
    "FollowUpStatus",
    "IndicatorDefinition",
    "IndicatorGroup",
    "IndicatorRecord",
    "Innovation",
    "Opd",
    "Plan",
    "PlanActivity",
    "PlanQuerySet",
    "ProgrammeArea",
    "Realisation",
    "RuleSet",
    "Training",
]
