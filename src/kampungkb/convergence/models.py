"""Every model of the convergence app, gathered here because Django loads an app's models from
``<app>.models``. Each is defined beside the rest of its sub-domain; code imports it (and its
choices) from there.

Reference data (frameworks, actions, OPD, programme areas, indicators, rule sets, targets) is
loaded by ``convergence.reference.reference_load`` from a data migration and stays editable.
"""

from kampungkb.convergence.actions.models import (
    ActionDefinition,
    ActionFramework,
    ActionRecord,
    Commitment,
    EvidenceFile,
)
from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.convergence.cadres.models import Assignment, Cadre, TpkMembership, Training
from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp
from kampungkb.convergence.innovations.models import Innovation
from kampungkb.convergence.plans.models import Plan, PlanActivity, Realisation
from kampungkb.convergence.review.models import (
    Evaluation,
    IndicatorDefinition,
    IndicatorRecord,
    RuleSet,
)

__all__ = [
    "ActionDefinition",
    "ActionFramework",
    "ActionRecord",
    "Assignment",
    "Cadre",
    "CoachingVisit",
    "Commitment",
    "Evaluation",
    "EvidenceFile",
    "FollowUp",
    "IndicatorDefinition",
    "IndicatorRecord",
    "Innovation",
    "Opd",
    "Plan",
    "PlanActivity",
    "ProgrammeArea",
    "Realisation",
    "RuleSet",
    "TpkMembership",
    "Training",
]
