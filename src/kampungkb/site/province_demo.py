"""The province demo (``seed_demo --province``): Kepulauan Bangka Belitung, every kabupaten.

Belitung Timur gets the district demo as ever (growth, families, TPK, convergence, one
publication); the six other kabupaten/kota get synthetic growth data (puskesmas, posyandu,
children, measurements: ``growth.demo.seed_growth`` with their own seed), their children
shared out by their number of desa so that the province has about ``n_children`` children
under five at any month, and each its latest weighing month published. Everything is
synthetic (``is_synthetic``), as in the district demo. The default size (57,000 under five at
any month) gives the load test's ~80,000 children and ~1,100,000 measurements.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kampungkb.growth.demo import DEMO_AREA, SEED, seed_growth
from kampungkb.wilayah.models import Wilayah

PROVINSI = "19"


@dataclass
class ProvinceSeedResult:
    kabupaten: list[str] = field(default_factory=list)  # seeded now
    children: int = 0
    measurements: int = 0
    seconds: float = 0.0


def province_shares(n_children: int, *, district_children: int) -> dict[str, int]:
    """Children under five (at any month) of each kabupaten of the province but the district
    demo's, ``n_children`` less the district's shared out by the number of desa."""
    desa: dict[str, int] = {}
    for kode in Wilayah.objects.desa().within(PROVINSI).values_list("kode", flat=True):
        if not kode.startswith(DEMO_AREA + "."):
            desa[kode[:5]] = desa.get(kode[:5], 0) + 1
    rest = max(n_children - district_children, 0)
    total = sum(desa.values()) or 1
    codes = sorted(desa)
    shares = {kode: rest * desa[kode] // total for kode in codes}
    # What the floor left over goes to the first kabupaten, so the shares add up.
    if codes:
        shares[codes[0]] += rest - sum(shares.values())
    return shares


def seed_province_growth(*, n_children: int, district_children: int) -> ProvinceSeedResult:
    """Seed the growth data of every kabupaten but the district demo's, once each."""
    started = time.perf_counter()
    result = ProvinceSeedResult()
    for kode, share in province_shares(n_children, district_children=district_children).items():
        # A seed of its own per kabupaten (19.01 → SEED + 1901), the same on every run.
        seeded = seed_growth(seed=SEED + int(kode.replace(".", "")), area=kode, n_children=share)
        if seeded.created:
            result.kabupaten.append(kode)
            result.children += seeded.children
            result.measurements += seeded.measurements
    result.seconds = time.perf_counter() - started
    return result
