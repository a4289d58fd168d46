"""What the system holds about a quarter's targets, read in a few queries: their children's
measurements, their TPK visits, their families' survey rounds and the members' JKN and birth
certificate, and the pregnancy records (ANC contacts, nifas visits: pregnancy monitoring's
``pregnancy_facts``). The derivers (``derive``) read only this, never the database."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from kampungkb.families.krs import DEFAULT_RULES
from kampungkb.families.models import FamilyMember, FamilySurvey, KrsRuleSet
from kampungkb.families.tpk.models import Target, Visit
from kampungkb.families.tpk.pregnancy.selectors import PregnancyFacts, pregnancy_facts
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.growth.models import Measurement

# Measurements are read this far back before the quarter: the height indicator looks at the
# February and August of the last twelve months.
LOOKBACK_DAYS = 366

MEASUREMENT_FIELDS = (
    "child_id",
    "tanggal",
    "berat",
    "tinggi",
    "zlen",
    "flen",
    "stunted",
    "underweight",
    "wasted",
    "severely_wasted",
)


@dataclass
class Facts:
    quarter: Quarter
    today: datetime.date
    measurements: dict[int, list[dict]] = field(default_factory=dict)  # child id -> by date
    visits: dict[int, list[dict]] = field(default_factory=dict)  # target id -> by date
    child_member: dict[int, FamilyMember] = field(default_factory=dict)  # latest linked
    surveys: dict[int, FamilySurvey] = field(default_factory=dict)  # keluarga -> latest
    members: dict[int, FamilyMember] = field(default_factory=dict)  # target.member by id
    proper_water: tuple[int, ...] = ()
    proper_latrine: tuple[int, ...] = ()
    pregnancy: PregnancyFacts | None = None

    def keluarga_id(self, target: Target) -> int | None:
        if target.keluarga_id:
            return target.keluarga_id
        member = self.child_member.get(target.child_id) if target.child_id else None
        return member.survey.keluarga_id if member is not None else None

    def survey_of(self, target: Target) -> FamilySurvey | None:
        kid = self.keluarga_id(target)
        return self.surveys.get(kid) if kid is not None else None


def _proper_codes() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The water and latrine codes the KRS rule in force calls proper (the default rule when
    none is stored), so the scorecard and the KRS label agree."""
    rule = KrsRuleSet.objects.filter(is_default=True).only("rules").first()
    factors = (rule.rules if rule else DEFAULT_RULES).get("factors", {})
    default = DEFAULT_RULES["factors"]
    water = factors.get("air", default["air"]).get("proper_codes", [])
    latrine = factors.get("jamban", default["jamban"]).get("proper_codes", [])
    return tuple(water), tuple(latrine)


def facts_load(targets: list[Target], quarter: Quarter, *, today: datetime.date) -> Facts:
    """The facts of ``targets`` (already scoped by the caller) for ``quarter``."""
    facts = Facts(quarter=quarter, today=today)
    facts.proper_water, facts.proper_latrine = _proper_codes()
    child_ids = {t.child_id for t in targets if t.child_id}
    start = quarter.start - datetime.timedelta(days=LOOKBACK_DAYS)
    rows = (
        Measurement.objects.filter(
            child_id__in=child_ids, tanggal__gte=start, tanggal__lte=quarter.end
        )
        .order_by("child_id", "tanggal", "pk")
        .values(*MEASUREMENT_FIELDS)
    )
    measurements: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        measurements[row["child_id"]].append(row)
    facts.measurements = dict(measurements)
    visits: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Visit.objects.filter(
            target_id__in=[t.pk for t in targets],
            tanggal__gte=quarter.start,
            tanggal__lte=quarter.end,
        )
        .order_by("tanggal", "pk")
        .values("target_id", "tanggal", "jenis")
    ):
        visits[row["target_id"]].append(row)
    facts.visits = dict(visits)
    for member in (
        FamilyMember.objects.filter(
            child_id__in=child_ids, survey__tanggal_pendataan__lte=quarter.end
        )
        .select_related("survey")
        .order_by("survey__tanggal_pendataan", "pk")
    ):
        facts.child_member[member.child_id] = member  # the latest round wins
    member_ids = {t.member_id for t in targets if t.member_id}
    facts.members = {
        m.pk: m for m in FamilyMember.objects.filter(pk__in=member_ids).select_related("survey")
    }
    keluarga_ids = {k for k in (facts.keluarga_id(t) for t in targets) if k is not None}
    for survey in FamilySurvey.objects.filter(
        keluarga_id__in=keluarga_ids, tanggal_pendataan__lte=quarter.end
    ).order_by("tanggal_pendataan", "pk"):
        facts.surveys[survey.keluarga_id] = survey
    facts.pregnancy = pregnancy_facts(targets, end=quarter.end)
    return facts
