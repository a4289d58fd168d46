"""Synthetic growth-monitoring data for the Belitung Timur demo. NOT real children.

What is drawn, all from one seeded generator (same seed, same ``today`` → same data):

- one puskesmas per kecamatan (working area = its desa) and 2-5 posyandu per desa, each
  holding its posyandu on a fixed day of the month;
- about ``n_children`` children under five at any month (default 8,000; the e-PPGBM figure
  implies ~8,400 balita measured, shared domain notes §6.4), split by the older per-kecamatan
  population figures (§6.1) and a random weight per desa. Births are spread over the five
  years before the period and the period itself, so children are born into it and leave it
  when they pass 60 months;
- 24 months of posyandu visits ending at the last complete month before ``today``. Each child
  has an attendance rate (~80 % on average, so ~20 % of visits are missed); February and
  August are bulan penimbangan (more children come, vitamin A from 6 months,
  ``sumber="bulan_penimbangan"``, length/height and LiLA always measured);
- growth from latent z-scores: each child has a length-for-age and a weight-for-length z that
  drift slowly (AR(1) around the child's level) and are turned into centimetres and kilograms
  on the plain WHO LMS curve ``M·(1 + L·S·z)^(1/L)`` (``anthro.value_at_z``); the mean
  length-for-age z of a desa is set so that its stunting prevalence is a fixed 5-25 %
  (drawn per desa from the seed; the admin figure for the district is lower, 4-6 %, but a
  demo needs contrast between desa);
- the usual imperfections: PB under 24 months and TB from 24 months with ~5 % in the wrong
  position (the engine's ±0.7 cm correction applies), scale and board noise, and a few typing
  errors the WHO plausibility flags catch (two digits of the weight swapped, two digits of
  the length swapped). A length typed in millimetres is not drawn: the service refuses any
  length over 150 cm, so such a row cannot be stored.

Names are composed from common Indonesian names; NIKs (~70 % of children) start with the
kecamatan's code 1906xx and a serial from 9001, and every record has ``is_synthetic=True``.
"""

import datetime
import time
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.anthro import value_at_z
from kampungkb.core.audit import audit_record
from kampungkb.core.bulk import bulk_insert
from kampungkb.core.models import AuditAction
from kampungkb.growth.demo_registry import (
    BOYS,
    GIRLS,
    MOTHER_FIRST,
    MOTHER_LAST,
    POSYANDU,
    SECOND_BOY,
    SECOND_GIRL,
    seed_places,
    synthetic_nik,
)
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Child, Measurement
from kampungkb.growth.services import child_match_key
from kampungkb.wilayah.models import Level, Wilayah

SEED = 20261127
MONTHS = 24
# Older per-kecamatan population split (jabejabe.co, shared domain notes §6.1).
KECAMATAN_POPULATION = {
    "19.06.01": 37_476,  # Manggar
    "19.06.02": 24_940,  # Gantung
    "19.06.03": 9_647,  # Dendang
    "19.06.04": 17_502,  # Kelapa Kampit
    "19.06.05": 11_914,  # Damar
    "19.06.06": 6_697,  # Simpang Renggiang
    "19.06.07": 8_180,  # Simpang Pesak
}
PREVALENCE_RANGE = (0.05, 0.25)
ZLEN_SD = 0.9  # between children of one desa
ZLEN_DRIFT = (0.9, 0.08)  # AR(1) coefficient and monthly step (z)
ZWFL_MEAN, ZWFL_SD, ZWFL_DRIFT = -0.25, 0.9, (0.85, 0.15)
WRONG_POSITION = 0.05
WEIGHT_DIGIT_SWAP = 0.003
LENGTH_DIGIT_SWAP = 0.002
NIK_SHARE = 0.7
# The district of the demo; ``seed_growth(area=...)`` seeds another one (the province demo).
DEMO_AREA = "19.06"

# Columns written by the raw bulk insert of measurements (the rest keep their NULL/defaults
# and are filled by the recompute).
INSERT_COLUMNS = (
    "child_id", "tanggal", "posyandu_id", "berat", "tinggi", "cara_ukur", "oedema", "lila",
    "lingkar_kepala", "sumber", "vitamin_a", "is_synthetic", "created_at", "updated_at",
    "growth_code", "two_t", "compute_error",
)  # fmt: skip


@dataclass(frozen=True)
class GrowthSeedResult:
    created: bool
    puskesmas: int = 0
    posyandu: int = 0
    children: int = 0
    measurements: int = 0
    seconds: float = 0.0


def last_complete_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def period_months(today: datetime.date, months: int = MONTHS) -> list[tuple[int, int]]:
    """The (year, month) pairs seeded: ``months`` months ending at the last complete one."""
    year, month = last_complete_month(today)
    index = year * 12 + month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - months + 1, index + 1)]


def desa_stunting_targets(*, seed: int = SEED, area: str = DEMO_AREA) -> dict[str, float]:
    """The stunting prevalence each desa of ``area`` is drawn to have, fixed per desa by the
    seed."""
    codes = sorted(Wilayah.objects.desa().within(area).values_list("kode", flat=True))
    rng = np.random.default_rng([seed, 1])
    return dict(zip(codes, rng.uniform(*PREVALENCE_RANGE, len(codes)).tolist(), strict=True))


def _lms_value(table: str, sex, z, **key) -> np.ndarray:
    """The measurement at z-score ``z`` on the plain LMS curve of ``table``.

    Plain, not WHO's restricted line beyond ±3 SD, as the demo has always drawn: the
    restricted inverse would move the few children beyond ±3 SD and change the seeded data.
    """
    return value_at_z(table, sex=sex, z=z, restricted=False, **key)


def _swap_two_digits(value: float) -> float:
    """12.4 → 21.4, 8.5 → 5.8: the typing slip of two neighbouring digits."""
    text = f"{value:.1f}".replace(".", "")
    if len(text) < 2 or text[0] == text[1]:
        return value
    swapped = text[1] + text[0] + text[2:]
    return int(swapped) / 10


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(int)
    counts[np.argsort(raw - counts)[::-1][: total - counts.sum()]] += 1
    return counts


def seed_growth(
    *,
    seed: int = SEED,
    today: datetime.date | None = None,
    desa: list[str] | None = None,
    n_children: int = 8000,
    area: str = DEMO_AREA,
) -> GrowthSeedResult:
    """Create the synthetic puskesmas, posyandu, children and measurements of the kabupaten
    ``area`` (Belitung Timur unless told), once.

    Does nothing when the area already has synthetic children (so ``seed_demo`` can run
    again). ``desa`` limits the seeding to some desa codes (tests use two); ``n_children`` is
    the number of children under five at any month across those desa.
    """
    synthetic = Child.objects.filter(is_synthetic=True, desa__kode__startswith=area + ".")
    if synthetic.exists():
        return GrowthSeedResult(created=False)
    started = time.perf_counter()
    today = today or datetime.date.today()
    targets = desa_stunting_targets(seed=seed, area=area)
    desa_list = list(
        Wilayah.objects.filter(level=Level.DESA, kode__in=desa if desa else targets.keys())
        .select_related("parent")
        .order_by("kode")
    )
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        puskesmas, posyandu = seed_places(rng, desa_list)
        children, per_child = _seed_children(rng, desa_list, posyandu, targets, n_children, today)
        rows = _draw_measurements(rng, children, per_child, posyandu, today)
        bulk_insert(Measurement, INSERT_COLUMNS, rows)
        measurements_recompute_all(children=synthetic.all())
        result = GrowthSeedResult(
            created=True,
            puskesmas=len(puskesmas),
            posyandu=sum(len(p) for p in posyandu.values()),
            children=len(children),
            measurements=len(rows),
            seconds=time.perf_counter() - started,
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=puskesmas[0],
            wilayah_kode=area,
            changes={
                "demo": "data pertumbuhan sintetis (bukan data nyata)",
                "seed": seed,
                "today": today,
                "desa": len(desa_list),
                "puskesmas": result.puskesmas,
                "posyandu": result.posyandu,
                "children": result.children,
                "measurements": result.measurements,
            },
        )
    return result


def _seed_children(rng, desa_list, posyandu, targets, n_children, today):
    months = period_months(today)
    period_start = datetime.date(months[0][0], months[0][1], 1)
    period_end = today.replace(day=1) - datetime.timedelta(days=1)
    # Births from five years before the period to its end keep ~n_children under five.
    first_birth = period_start - datetime.timedelta(days=1826)
    span_days = (period_end - first_birth).days
    n_total = round(n_children * span_days / 1826)
    weights = np.array(
        [KECAMATAN_POPULATION.get(d.parent_id, 10_000) for d in desa_list], dtype=float
    )
    per_kec = {}
    for d, w in zip(desa_list, weights, strict=True):
        per_kec.setdefault(d.parent_id, []).append(w)
    weights = weights / np.array([len(per_kec[d.parent_id]) for d in desa_list])
    weights *= rng.uniform(0.6, 1.4, len(desa_list))
    counts = _allocate(n_total, weights)
    children, per_child = [], []
    serials: dict[tuple, int] = {}
    now = timezone.now()
    for d, count in zip(desa_list, counts, strict=True):
        p = targets[d.kode]
        sd_total = float(np.hypot(ZLEN_SD, ZLEN_DRIFT[1] / np.sqrt(1 - ZLEN_DRIFT[0] ** 2)))
        mu = -2.0 - sd_total * NormalDist().inv_cdf(p)
        kec = d.kode[:5].replace(".", "") + d.kode[6:8]
        for _ in range(int(count)):
            girl = bool(rng.random() < 0.49)
            born = first_birth + datetime.timedelta(days=int(rng.integers(0, span_days)))
            zlen0 = float(rng.normal(mu, ZLEN_SD))
            zwfl0 = float(rng.normal(ZWFL_MEAN, ZWFL_SD))
            first = rng.choice(GIRLS if girl else BOYS)
            second = rng.choice(SECOND_GIRL if girl else SECOND_BOY)
            nama = f"{first} {second}"
            nama_ibu = f"{rng.choice(MOTHER_FIRST)} {rng.choice(MOTHER_LAST)}"
            nik = nik_ibu = ""
            if rng.random() < NIK_SHARE:
                key = (kec, born, girl)
                serials[key] = serials.get(key, 9000) + 1
                nik = synthetic_nik(kec, born, girl, serials[key])
                mother_born = born - datetime.timedelta(days=int(rng.integers(19 * 365, 40 * 365)))
                nik_ibu = synthetic_nik(kec, mother_born, True, 9000 + int(rng.integers(1, 999)))
            pos = posyandu[d.kode][int(rng.integers(0, len(posyandu[d.kode])))]
            birth_weight = birth_length = None
            if rng.random() < 0.9:
                sex = np.array([2 if girl else 1])
                z = np.array([zlen0 + rng.normal(0, 0.5)])
                birth_length = round(float(_lms_value("lhfa", sex, z, age_days=0)[0]) * 2) / 2
                birth_weight = round(float(_lms_value("wfa", sex, z, age_days=0)[0]), 1)
            buku = rng.random()
            children.append(
                Child(
                    nik=nik or None,
                    nama=nama,
                    jenis_kelamin="P" if girl else "L",
                    tanggal_lahir=born,
                    berat_lahir=birth_weight,
                    panjang_lahir=birth_length,
                    nama_ibu=nama_ibu,
                    nik_ibu=nik_ibu,
                    desa=d,
                    posyandu=pos,
                    punya_buku_kia=True if buku < 0.9 else (False if buku < 0.97 else None),
                    dusun=pos.dusun,
                    rt=f"{int(rng.integers(1, 16)):03d}",
                    rw=f"{int(rng.integers(1, 5)):03d}",
                    alamat=f"Jl. {rng.choice(POSYANDU)} No. {int(rng.integers(1, 120))}",
                    match_key=child_match_key(
                        nama=nama, tanggal_lahir=born, nama_ibu=nama_ibu, desa_kode=d.kode
                    ),
                    is_synthetic=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            per_child.append((zlen0, zwfl0, float(rng.beta(8, 2))))
    Child.objects.bulk_create(children, batch_size=500)
    return children, per_child


def _draw_measurements(rng, children, per_child, posyandu, today) -> list[tuple]:
    months = period_months(today)
    n, m = len(children), len(months)
    if n == 0:
        return []
    zlen0, zwfl0, attend = (np.array(col) for col in zip(*per_child, strict=True))
    sex = np.array([2 if c.jenis_kelamin == "P" else 1 for c in children])
    day_of = {p.pk: p.demo_day for ps in posyandu.values() for p in ps}
    visit_day = np.array([day_of[c.posyandu_id] for c in children])
    epoch = datetime.date(1970, 1, 1)
    born = np.array([(c.tanggal_lahir - epoch).days for c in children])
    month_start = np.array([(datetime.date(y, mo, 1) - epoch).days for y, mo in months])
    date = month_start[None, :] + visit_day[:, None] - 1
    age = date - born[:, None]
    weighing_month = np.array([mo in (2, 8) for _, mo in months])
    # Attendance: the child's own rate, higher in the weighing months; newborns first come
    # after a week, and a child stops at 60 months.
    present = rng.random((n, m)) < np.where(
        weighing_month, 0.5 + attend[:, None] / 2, attend[:, None]
    )
    present &= (age >= 7) & (age < 1826)
    # Slow drift of each child's z-scores around its own level.
    dev_len = np.zeros((n, m))
    dev_wfl = np.zeros((n, m))
    e_len = rng.normal(0, ZLEN_DRIFT[1] / np.sqrt(1 - ZLEN_DRIFT[0] ** 2), n)
    e_wfl = rng.normal(0, ZWFL_DRIFT[1] / np.sqrt(1 - ZWFL_DRIFT[0] ** 2), n)
    for j in range(m):
        e_len = ZLEN_DRIFT[0] * e_len + rng.normal(0, ZLEN_DRIFT[1], n)
        e_wfl = ZWFL_DRIFT[0] * e_wfl + rng.normal(0, ZWFL_DRIFT[1], n)
        dev_len[:, j], dev_wfl[:, j] = e_len, e_wfl
    ci, mi = np.nonzero(present)  # row-major: by child, then month
    a = age[ci, mi]
    sx = sex[ci]
    zl = zlen0[ci] + dev_len[ci, mi]
    zw = zwfl0[ci] + dev_wfl[ci, mi]
    # Lying length under 731 days, standing height from 731 (that is what the table holds).
    true_len = _lms_value("lhfa", sx, zl, age_days=a)
    lying = a < 731
    key = np.where(
        lying,
        np.clip(np.round(true_len * 10), 450, 1100),
        np.clip(np.round(true_len * 10), 650, 1200),
    )
    weight = np.where(
        lying,
        _lms_value("wfl", sx, zw, lenhei=key / 10),
        _lms_value("wfh", sx, zw, lenhei=key / 10),
    ) + rng.normal(0, 0.05, a.size)
    wrong = rng.random(a.size) < WRONG_POSITION
    measured_lying = lying ^ wrong
    shown_len = true_len + np.where(lying & ~measured_lying, -0.7, 0.0)
    shown_len += np.where(~lying & measured_lying, 0.7, 0.0)
    shown_len += rng.normal(0, 0.4, a.size)
    in_weighing = weighing_month[mi]
    has_len = in_weighing | (rng.random(a.size) < 0.85)
    lila = np.where(
        in_weighing & (a >= 182),
        _lms_value("acfa", sx, zw * 0.8, age_days=np.clip(a, 91, 1826)),
        np.nan,
    )
    weight = np.round(weight, 1)
    shown_len = np.round(shown_len, 1)
    swap_w = rng.random(a.size) < WEIGHT_DIGIT_SWAP
    swap_l = rng.random(a.size) < LENGTH_DIGIT_SWAP
    other_posyandu = rng.random(a.size) < 0.03
    picks = rng.integers(0, 5, a.size)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for i in range(a.size):
        child = children[ci[i]]
        y, mo = months[mi[i]]
        w = float(weight[i])
        if swap_w[i]:
            w = _swap_two_digits(w)
        length = None
        if has_len[i]:
            length = float(shown_len[i])
            if swap_l[i]:
                length = _swap_two_digits(length)
            if not 30 <= length <= 150:  # the service would refuse it
                length = float(shown_len[i])
        w = w if 0.5 <= w <= 60 else float(weight[i])
        pos_id = child.posyandu_id
        if other_posyandu[i]:
            choices = posyandu[child.desa_id]
            pos_id = choices[picks[i] % len(choices)].pk
        weighing = bool(in_weighing[i])
        rows.append(
            (
                child.pk,
                datetime.date(y, mo, 1) + datetime.timedelta(days=int(visit_day[ci[i]]) - 1),
                pos_id,
                f"{w:.1f}",
                None if length is None else f"{length:.1f}",
                ("PB" if measured_lying[i] else "TB") if length is not None else "",
                False,
                None if np.isnan(lila[i]) else f"{lila[i]:.1f}",
                None,
                "bulan_penimbangan" if weighing else "posyandu",
                weighing and bool(a[i] >= 182),
                True,
                now,
                now,
                "",
                False,
                "",
            )
        )
    return rows
