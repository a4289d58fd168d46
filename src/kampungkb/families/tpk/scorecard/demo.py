"""Synthetic scorecard demo: the KPM's entered cells for the last four quarters, so the demo
scorecard is filled and its quarter-on-quarter comparison moves. Only the cells neither a rule
nor the data decide are entered: mostly Y, more so each quarter (the KPM's work showing), with
a share that differs by desa; made once."""

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

QUARTERS = 4
# The share of entered cells that are Y: in the oldest quarter, added each quarter after it,
# and how far a desa may be from it either way.
RECEIVED_SHARE = 0.6
RECEIVED_STEP = 0.08
DESA_SPREAD = 0.12


@transaction.atomic
def seed_demo_scorecard(*, today: datetime.date | None = None, seed: int = 2026) -> int:
    """Enter the open cells of the synthetic targets for the current quarter and the three
    before it; return how many (0 when the demo has them already)."""
    if ScorecardEntry.objects.filter(is_synthetic=True).exists():
        return 0
    today = today or datetime.date.today()
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    quarters = [Quarter.of(today)]
    while len(quarters) < QUARTERS:
        quarters.insert(0, quarters[0].previous())
    desa_shift: dict[str, float] = {}
    entries = []
    for step, quarter in enumerate(quarters):
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
                desa = ctx.target.desa_id
                if desa not in desa_shift:
                    desa_shift[desa] = rng.uniform(-DESA_SPREAD, DESA_SPREAD)
                share = RECEIVED_SHARE + RECEIVED_STEP * step + desa_shift[desa]
                value = "Y" if rng.random() < share else "T"
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
