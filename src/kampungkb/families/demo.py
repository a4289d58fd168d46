"""Synthetic families for the Belitung Timur demo. NOT real families.

Every demo growth child (``growth.demo``) is a child of one family, with the same name, date of
birth, sex and desa, and its mother (same name and NIK) is the wife; the other families of each
desa are drawn beside them (about ``FAMILIES_PER_CHILD`` families per demo child under five:
~40,000 at the default 8,000). Each desa gets a level of risk, drawn from the seed, that sets
how often its families drink from an improper source or lack a proper latrine, so the share of
KRS differs between desa (roughly 15-40 %) and the district total is near the reported 10,965
at full size.

Two survey rounds: last year's and this year's (both before ``today``); between them some
families fix their latrine or water (and leave KRS), some wives pass an age threshold, become
pregnant or give birth, so families move in and out of KRS. A few families are new in the
second round. Everything is marked ``is_synthetic``; the labels are computed by
``families.labels`` with the default rule set.
"""

import datetime
import random
import time
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.audit import audit_record
from kampungkb.core.bulk import bulk_insert, next_ids
from kampungkb.core.models import AuditAction
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import (
    FamilyMember,
    FamilySurvey,
    Keluarga,
    MaritalStatus,
    Relation,
)
from kampungkb.growth.demo_registry import (
    BOYS,
    GIRLS,
    MOTHER_FIRST,
    MOTHER_LAST,
    POSYANDU,
    SECOND_BOY,
    SECOND_GIRL,
    synthetic_nik,
)
from kampungkb.growth.models import Child

SEED = 20261129
FAMILIES_PER_CHILD = 5  # per demo child under five (KAMPUNGKB_DEMO_CHILDREN)
# Family kinds beside the families of the demo children, and their shares.
KINDS = {"couple": 0.50, "older": 0.30, "single": 0.10, "pregnant": 0.05, "newlywed": 0.05}
NEW_IN_SECOND_ROUND = 0.05
CLOSE_BIRTHS = 1 / 12
# How often a family drinks from an improper source / lacks a proper latrine: the least and
# the most, in the desa of the lowest and the highest risk.
IMPROPER_WATER = (0.005, 0.09)
IMPROPER_LATRINE = (0.01, 0.12)
METHODS = ["suntik", "pil", "implan", "iud", "kondom", "mow", "mal", "tradisional"]
METHOD_SHARE = [0.45, 0.2, 0.12, 0.08, 0.05, 0.04, 0.03, 0.03]

KELUARGA_COLUMNS = (
    "id", "no_kk", "desa_id", "rt", "rw", "alamat", "is_synthetic", "created_at", "updated_at",
)  # fmt: skip
SURVEY_COLUMNS = (
    "id", "keluarga_id", "tahun", "tanggal_pendataan", "sumber_air", "jamban", "sasaran_pus",
    "sasaran_hamil", "sasaran_baduta", "sasaran_balita", "is_sasaran", "air",
    "jamban_tidak_layak", "muda", "tua", "dekat", "banyak", "is_krs", "pus_kb_modern",
    "updated_at",
)  # fmt: skip
MEMBER_COLUMNS = (
    "survey_id", "urutan", "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir",
    "status_kawin", "usia_kawin_pertama", "hamil", "anak_lahir_hidup", "ber_kb", "metode_kb",
    "jkn", "akta_lahir", "child_id",
)  # fmt: skip


@dataclass(frozen=True)
class FamilySeedResult:
    created: bool
    families: int = 0
    rounds: int = 0
    members: int = 0
    krs_latest: int = 0
    seconds: float = 0.0


@dataclass
class _Person:
    nama: str
    sex: str
    born: datetime.date
    relation: int
    married: bool = False
    nik: str = ""
    child_id: int | None = None
    births: int | None = None
    first_marriage: int | None = None
    pregnant: bool = False  # in this year's round


def _ids(model, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``model``: from its sequence on PostgreSQL, after the
    largest id elsewhere (the demo writes in one transaction)."""
    if count == 0:
        return []
    if connection.vendor == "postgresql":
        return next_ids(model, count)
    top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return list(range(top + 1, top + 1 + count))


def _mother_born(nik_ibu: str, child_born: datetime.date, rng) -> datetime.date:
    """The mother's date of birth: read from her NIK when it has one, else drawn."""
    if len(nik_ibu) == 16 and nik_ibu.isdigit():
        day, month, yy = int(nik_ibu[6:8]) % 40, int(nik_ibu[8:10]), int(nik_ibu[10:12])
        year = 2000 + yy if 2000 + yy < child_born.year - 12 else 1900 + yy
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    return child_born - datetime.timedelta(days=int(rng.integers(18 * 365, 41 * 365)))


def _years_before(day: datetime.date, lo: float, hi: float, rng) -> datetime.date:
    return day - datetime.timedelta(days=int(rng.uniform(lo, hi) * 365.25))


class _Scalar(random.Random):
    """Single draws (a name, an age) from Python's generator: numpy's costs microseconds a
    call, too much for a few hundred thousand of them."""

    def integers(self, lo: int, hi: int) -> int:
        return self.randrange(lo, hi)


class _Namer:
    def __init__(self, rng):
        self.rng = rng

    def man(self) -> str:
        return f"{self.rng.choice(BOYS)} {self.rng.choice(SECOND_BOY)}"

    def woman(self) -> str:
        return f"{self.rng.choice(MOTHER_FIRST)} {self.rng.choice(MOTHER_LAST)}"

    def child(self, girl: bool) -> str:
        first = self.rng.choice(GIRLS if girl else BOYS)
        return f"{first} {self.rng.choice(SECOND_GIRL if girl else SECOND_BOY)}"


def _spacing(rng) -> datetime.timedelta:
    """Years between two children: under two for about one pair in twelve."""
    years = rng.uniform(1.0, 2.0) if rng.random() < CLOSE_BIRTHS else rng.uniform(2.0, 6.0)
    return datetime.timedelta(days=int(years * 365.25))


def _children(mother_born, youngest: datetime.date, count: int, rng, namer) -> list[_Person]:
    """``count`` children, the youngest born on ``youngest``, each older one ``_spacing``
    earlier, none before the mother's 17th year; oldest first."""
    kids = []
    born = youngest
    for _ in range(count):
        if (born - mother_born).days < 17 * 365:
            break
        girl = bool(rng.random() < 0.49)
        kids.append(_Person(namer.child(girl), "P" if girl else "L", born, Relation.CHILD))
        born -= _spacing(rng)
    return kids[::-1]


def _family(kind: str, child, today, rng, namer) -> list[_Person]:
    """The members of one family (head first). Only the demo children are under five (the
    growth data holds every child under five of the demo): the other families' youngest
    child is older."""
    if child is not None:
        _pk, nama, sex, born, nama_ibu, nik_ibu, *_rest, nik = child
        mother_born = _mother_born(nik_ibu, born, rng)
        husband = _Person(
            namer.man(), "L", _years_before(mother_born, 0, 8, rng), Relation.HEAD, True
        )
        wife = _Person(nama_ibu or namer.woman(), "P", mother_born, Relation.SPOUSE, True, nik_ibu)
        n_older = int(rng.choice([0, 0, 1, 1, 1, 2, 2, 3]))
        kids = _children(mother_born, born - _spacing(rng), n_older, rng, namer)
        demo = _Person(nama, sex, born, Relation.CHILD, nik=nik or "", child_id=_pk)
        members = [husband, wife, *kids, demo]
    elif kind == "single":
        girl = bool(rng.random() < 0.6)
        head = _Person(
            namer.woman() if girl else namer.man(),
            "P" if girl else "L",
            _years_before(today, 25, 80, rng),
            Relation.HEAD,
        )
        members = [head]
    else:
        ages = {"couple": (20, 49), "older": (50, 75), "pregnant": (19, 38), "newlywed": (17, 26)}
        wife_born = _years_before(today, *ages[kind], rng)
        husband = _Person(
            namer.man(), "L", _years_before(wife_born, 0, 8, rng), Relation.HEAD, True
        )
        wife = _Person(namer.woman(), "P", wife_born, Relation.SPOUSE, True)
        n_kids = {
            "couple": int(rng.choice([0, 1, 1, 2, 2, 2, 3, 4])),
            "older": int(rng.choice([0, 1, 2, 2, 3])),  # those still at home
            "pregnant": int(rng.choice([0, 0, 1, 2])),
            "newlywed": 0,
        }[kind]
        youngest = _years_before(today, 6.5, 16, rng)
        members = [husband, wife, *_children(wife_born, youngest, n_kids, rng, namer)]
        if kind == "pregnant":
            wife.pregnant = True
    wives = [m for m in members if m.relation == Relation.SPOUSE]
    for wife in wives:
        n_kids = sum(m.relation == Relation.CHILD for m in members)
        wife.births = n_kids + int(rng.choice([0, 0, 0, 0, 0, 1]))
        wife.first_marriage = int(rng.integers(17, 27))
    if rng.random() < 0.2 and len(members) > 1:  # a grandparent or relative in the house
        members.append(
            _Person(namer.woman(), "P", _years_before(today, 55, 85, rng), Relation.OTHER)
        )
    return members


def _survey_dates(today: datetime.date, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Each family's survey date in last year's round (Mar-Oct) and this year's round (from
    January to yesterday), as day offsets from 1970-01-01."""
    epoch = datetime.date(1970, 1, 1)
    first_lo = (datetime.date(today.year - 1, 3, 1) - epoch).days
    first_hi = (datetime.date(today.year - 1, 10, 31) - epoch).days
    second_lo = (datetime.date(today.year, 1, 1) - epoch).days
    second_hi = max(second_lo, (today - epoch).days - 1)
    return (
        rng.integers(first_lo, first_hi + 1, n),
        rng.integers(second_lo, second_hi + 1, n),
    )


def _offset(day: datetime.date) -> int:
    return (day - datetime.date(1970, 1, 1)).days


def _day(offset: int) -> datetime.date:
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=int(offset))


def seed_families(
    *, seed: int = SEED, today: datetime.date | None = None, n_children: int = 8000
) -> FamilySeedResult:
    """Create the synthetic families, their two survey rounds and members, once.

    Does nothing when synthetic families exist already, or when there is no demo child (the
    families are drawn in the desa of the demo children). ``n_children`` is the demo's number
    of children under five (``KAMPUNGKB_DEMO_CHILDREN``): about ``FAMILIES_PER_CHILD`` times
    as many families are drawn.
    """
    if Keluarga.objects.filter(is_synthetic=True).exists():
        return FamilySeedResult(created=False)
    children = list(
        Child.objects.filter(is_synthetic=True)
        .order_by("pk")
        .values_list(
            "pk", "nama", "jenis_kelamin", "tanggal_lahir", "nama_ibu", "nik_ibu", "desa_id",
            "rt", "rw", "alamat", "nik",
        )
    )  # fmt: skip
    if not children:
        return FamilySeedResult(created=False)
    started = time.perf_counter()
    today = today or datetime.date.today()
    rng = np.random.default_rng(seed)
    scalar = _Scalar(seed)
    namer = _Namer(scalar)
    by_desa: dict[str, list] = {}
    for c in children:
        by_desa.setdefault(c[6], []).append(c)
    desa_codes = sorted(by_desa)
    risk = dict(zip(desa_codes, rng.uniform(0, 1, len(desa_codes)).tolist(), strict=True))
    n_families = max(n_children * FAMILIES_PER_CHILD, len(children))
    others_total = n_families - len(children)
    weights = np.array([len(by_desa[d]) for d in desa_codes], dtype=float)
    raw = others_total * weights / weights.sum()
    others = np.floor(raw).astype(int)
    others[np.argsort(raw - others)[::-1][: others_total - others.sum()]] += 1
    kinds, shares = list(KINDS), np.array(list(KINDS.values()))

    families = []  # (desa, rt, rw, alamat, members, risk, has_demo_child)
    for desa in desa_codes:
        for c in by_desa[desa]:
            members = _family("", c, today, scalar, namer)
            families.append((desa, c[7], c[8], c[9], members, risk[desa], True))
        for kind in rng.choice(kinds, size=int(others[desa_codes.index(desa)]), p=shares):
            members = _family(str(kind), None, today, scalar, namer)
            rt, rw = f"{scalar.integers(1, 16):03d}", f"{scalar.integers(1, 5):03d}"
            alamat = f"Jl. {scalar.choice(POSYANDU)} No. {scalar.integers(1, 150)}"
            families.append((desa, rt, rw, alamat, members, risk[desa], False))

    with transaction.atomic():
        result = _write(families, today, rng, scalar)
        labels_compute(
            FamilySurvey.objects.filter(keluarga__is_synthetic=True).values_list("pk", flat=True)
        )
        krs_latest = FamilySurvey.objects.filter(
            keluarga__is_synthetic=True, tahun=today.year, is_krs=True
        ).count()
        result = FamilySeedResult(
            created=True,
            families=result[0],
            rounds=result[1],
            members=result[2],
            krs_latest=krs_latest,
            seconds=time.perf_counter() - started,
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=Keluarga.objects.filter(is_synthetic=True).order_by("pk").first(),
            wilayah_kode="19.06",
            changes={
                "demo": "data keluarga sintetis (bukan data nyata)",
                "seed": seed,
                "today": today,
                "families": result.families,
                "rounds": result.rounds,
                "members": result.members,
                "krs_latest_round": krs_latest,
            },
        )
    return result


def _write(families: list, today: datetime.date, rng, scalar) -> tuple[int, int, int]:
    """Write the families, their rounds and members in bulk; return the three counts."""
    n = len(families)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    keluarga_ids = _ids(Keluarga, n)
    first_day, second_day = _survey_dates(today, n, rng)
    new_family = rng.random(n) < NEW_IN_SECOND_ROUND
    keluarga_rows, survey_rows, member_rows = [], [], []
    rounds = []  # (keluarga index, year, date offset)
    for i, (desa, rt, rw, alamat, members, _risk, demo) in enumerate(families):
        kec = desa[6:8]
        no_kk = f"1906{kec}{9_000_000_000 + keluarga_ids[i]:010d}"
        keluarga_rows.append((keluarga_ids[i], no_kk, desa, rt, rw, alamat, True, now, now))
        if not (new_family[i] and not demo):
            rounds.append((i, today.year - 1, int(first_day[i])))
        second = int(second_day[i])
        if demo:  # the demo child is born by this year's round
            born = next(p.born for p in members if p.child_id)
            second = min(max(second, _offset(born) + 1), _offset(today))
        rounds.append((i, today.year, second))
    survey_ids = _ids(FamilySurvey, len(rounds))
    m = len(rounds)
    risks = np.array([families[i][5] for i, _y, _d in rounds])
    bad_w = rng.random(m) < IMPROPER_WATER[0] + (IMPROPER_WATER[1] - IMPROPER_WATER[0]) * risks
    water = np.where(
        bad_w, rng.choice([5, 7, 8, 9], m), rng.choice([1, 2, 3, 4], m, p=[0.45, 0.1, 0.3, 0.15])
    )
    bad_l = rng.random(m) < (
        IMPROPER_LATRINE[0] + (IMPROPER_LATRINE[1] - IMPROPER_LATRINE[0]) * risks
    )
    latrine = np.where(
        bad_l, rng.choice([3, 4], m, p=[0.8, 0.2]), rng.choice([1, 2], m, p=[0.85, 0.15])
    )
    # A family keeps last year's water and latrine unless it fixed them (or lost them).
    fixed = rng.random(m) < 0.3
    previous: dict[int, int] = {}
    for k, (i, year, _d) in enumerate(rounds):
        if year == today.year and i in previous and not fixed[k]:
            water[k], latrine[k] = water[previous[i]], latrine[previous[i]]
        if year == today.year - 1:
            previous[i] = k
    pregnant_draw = rng.random(m)
    kb_draw = rng.random(m)
    method_draw = rng.choice(METHODS, m, p=METHOD_SHARE)
    for desa, _rt, _rw, _alamat, members, _risk, _demo in families:
        for person in members:  # the same NIK in every round; ~15 % without one
            if not person.nik and person.child_id is None and scalar.random() < 0.85:
                serial = 8000 + scalar.integers(0, 999)
                person.nik = synthetic_nik(desa[6:8], person.born, person.sex == "P", serial)
    for k, (i, year, day) in enumerate(rounds):
        survey_rows.append(
            (
                survey_ids[k], keluarga_ids[i], year, _day(day), int(water[k]), int(latrine[k]),
                *([False] * 13), now,
            )
        )  # fmt: skip
        on = _day(day)
        urutan = 0
        for m in families[i][4]:
            if m.born > on:
                continue
            age = (on - m.born).days / 365.25
            wife = m.relation == Relation.SPOUSE
            pregnant = bool(
                wife
                and age < 45
                and (
                    (m.pregnant and year == today.year)
                    or pregnant_draw[k] < (0.03 if age < 35 else 0.01)
                )
            )
            if wife and age >= 15 and kb_draw[k] < 0.55 and not pregnant:
                kb, method = True, str(method_draw[k])
            else:
                kb, method = False, ""
            if m.married:
                status = MaritalStatus.MARRIED
            else:
                status = MaritalStatus.SINGLE if age < 25 else MaritalStatus.WIDOWED
            member_rows.append(
                (
                    survey_ids[k],
                    urutan,
                    m.nik,
                    m.nama,
                    m.relation,
                    m.sex,
                    m.born,
                    status,
                    m.first_marriage,
                    pregnant,
                    m.births if wife and scalar.random() < 0.9 else None,
                    kb,
                    method,
                    scalar.random() < 0.8,
                    scalar.random() < 0.85 if m.relation == Relation.CHILD else None,
                    m.child_id,
                )
            )
            urutan += 1
    bulk_insert(Keluarga, KELUARGA_COLUMNS, keluarga_rows)
    bulk_insert(FamilySurvey, SURVEY_COLUMNS, survey_rows)
    bulk_insert(FamilyMember, MEMBER_COLUMNS, member_rows)
    return len(keluarga_rows), len(survey_rows), len(member_rows)
