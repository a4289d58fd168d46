"""Synthetic scorecard demo: the KPM's entered cells for the last two quarters, so the demo
scorecard is filled. Only the cells neither a rule nor the data decide are entered (mostly Y,
some T); made once."""

import datetime
import random

from django.db import transaction

from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.scorecard import derive
from kampungkb.families.tpk.scorecard.catalogue import indicators_of
from kampungkb.families.tpk.scorecard.facts import facts_load
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.scorecard.selectors import KINDS

RECEIVED_SHARE = 0.8


@transaction.atomic
def seed_demo_scorecard(*, today: datetime.date | None = None, seed: int = 2026) -> int:
    """Enter the open cells of the synthetic targets for the current and the previous
    quarter; return how many (0 when the demo has them already)."""
    if ScorecardEntry.objects.filter(is_synthetic=True).exists():
        return 0
    today = today or datetime.date.today()
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    current = Quarter.of(today)
    entries = []
    for quarter in (current.previous(), current):
        targets = list(
            Target.objects.filter(
                is_synthetic=True, kind__in=KINDS, tanggal_daftar__lte=quarter.end
            )
            .select_related("child", "previous")
            .order_by("pk")
        )
        facts = facts_load(targets, quarter, today=today)
        for ctx in derive.contexts(targets, facts):
            for ind in indicators_of(ctx.group):
                if derive.cell(ctx, ind.key).source != "":
                    continue
                value = "Y" if rng.random() < RECEIVED_SHARE else "T"
                entries.append(
                    ScorecardEntry(
                        target=ctx.target,
                        tahun=quarter.tahun,
                        kuartal=quarter.kuartal,
                        indikator=ind.key,
                        nilai=value,
                        is_synthetic=True,
                    )
                )
    ScorecardEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
