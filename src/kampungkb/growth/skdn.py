"""SKDN per posyandu and month, from the stored measurements (database aggregation only).

- **S**: children registered at the posyandu (``Child.posyandu``) who are under five in the
  month: born by its last day and under five on its first day, by the rule the prevalence
  summaries count with (``anthro.summaries.UNDER_FIVE_DAYS``: 1826 days at most, 59.99 WHO
  months), so S here and the registered children of the summaries are the same children.
- **K**: those of S with a KMS / Buku KIA (``punya_buku_kia``).
- **D**: children weighed at the posyandu in the month while under five (the same rule, on
  the weighing's age): the form accepts a weighing up to 1856 days, and a child weighed past
  its fifth birthday was in D and in no S (D/S passed 100%).
- **N, T, O, B, 2T, BGM**: from the stored codes of each child's *last* weighing at the
  posyandu in the month, so each child counts once; but a child weighed at this posyandu for
  the first time is **B** here whatever its code (DOMAIN.md 4.3: "first time weighed at this
  posyandu"), as a child who moved from another posyandu is (its code, N or T against its
  weighing there, stays the child's, for its chart and referral).
- the **total** row is of the children of the posyandu in the table, each counted once: a
  child weighed at two of them in the month (it moved, or was weighed at a neighbour's
  posyandu) is one child in D, and counts in N, T, O, B, 2T, BGM and the codeless as it does
  in the row of the posyandu of its *latest* weighing of the month among them (B there when
  that posyandu weighs it for the first time). DOMAIN.md 4.3 defines the letters per
  posyandu only; this keeps D = N + T + O + B on the total when it holds on every row. A
  child is registered at one posyandu, so S and K are the sums of the rows. The total may
  then be less than the sum of its column; its ratios are of its own counts.
- **D'**: of D, the children weighed the month before too (at any posyandu), but those new
  to the posyandu (B): the children whose gain this month can be judged here.
- ratios K/S, D/S and N/D' (DOMAIN.md 4.3: "N/D: success, using D' = weighed last month and
  this month"; N/D counted every child new here or away last month as a failure) in
  percent, rounded by ``core.rounding`` (None when the denominator is 0), and the F1 recap
  identity D = N + T + O + B; a weighing without a code (no KBM
  applies, e.g. under one month, or its weight needs checking: ``growth.plausibility``)
  breaks it, and those children are listed so the operator can check them.

SKDN is aggregate, so every role may read it for its area; the names of children without a
code are only given to roles that may see personal data.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from kampungkb.anthro.summaries import UNDER_FIVE_DAYS
from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.rounding import percent, proportion
from kampungkb.core.scoping import scope_q, within_q
from kampungkb.growth.models import Child, Measurement, Posyandu

COUNTS = ("s", "k", "d", "n", "t", "o", "b", "two_t", "bgm", "blank", "d_prime")


def _pct(num: int, den: int) -> Decimal | None:
    """``num / den`` in percent by the one rounding rule (half up on the exact fraction)."""
    return percent(proportion(num, den))


@dataclass
class SKDNRow:
    posyandu_id: int | None
    posyandu: str
    desa_kode: str
    desa: str
    s: int = 0
    k: int = 0
    d: int = 0
    n: int = 0
    t: int = 0
    o: int = 0
    b: int = 0
    two_t: int = 0
    bgm: int = 0
    blank: int = 0
    d_prime: int = 0
    #: (child id, name) of weighed children without a code; empty for roles without
    #: personal-data access.
    blank_children: list = field(default_factory=list)

    @property
    def ks(self) -> float | None:
        return _pct(self.k, self.s)

    @property
    def ds(self) -> float | None:
        return _pct(self.d, self.s)

    @property
    def nd(self) -> float | None:
        """N/D' (DOMAIN.md 4.3), in percent."""
        return _pct(self.n, self.d_prime)

    @property
    def balanced(self) -> bool:
        """The F1 recap identity D = N + T + O + B."""
        return self.d == self.n + self.t + self.o + self.b


@dataclass
class SKDNTable:
    tahun: int
    month: int
    rows: list[SKDNRow]
    total: SKDNRow


def month_bounds(tahun: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(tahun, month, 1), datetime.date(
        tahun, month, calendar.monthrange(tahun, month)[1]
    )


def _month_before(first: datetime.date) -> datetime.date:
    """The first day of the month before the one ``first`` begins."""
    return (first - datetime.timedelta(days=1)).replace(day=1)


def _under_five_born_from(day: datetime.date) -> datetime.date:
    """The earliest birth date of a child under five on ``day`` (the calendar's first day for
    a day in its first five years)."""
    return datetime.date.fromordinal(max(day.toordinal() - UNDER_FIVE_DAYS, 1))


#: A weighing of a child under five (its stored age; an unknown age counts, as in the
#: prevalence summaries; one dated before a corrected birth date does not).
_UNDER_FIVE = Q(umur_hari__gte=0, umur_hari__lte=UNDER_FIVE_DAYS) | Q(umur_hari__isnull=True)


def _within(desa: str) -> Q:
    return within_q("desa__kode", desa)


def skdn_table(*, user, tahun: int, month: int, desa: str = "") -> SKDNTable:
    """Return SKDN rows, one per posyandu the user covers (in ``desa``, a desa or kecamatan
    code, when given), with a total row."""
    first, last = month_bounds(tahun, month)
    posyandu = Posyandu.objects.filter(scope_q(user, "desa__kode"))
    if desa:
        posyandu = posyandu.filter(_within(desa))
    rows = {
        p["id"]: SKDNRow(p["id"], p["nama"], p["desa_id"], p["desa__nama"])
        for p in posyandu.order_by("desa_id", "nama").values("id", "nama", "desa_id", "desa__nama")
    }
    registered = (
        Child.objects.filter(
            posyandu__in=posyandu,
            tanggal_lahir__lte=last,
            tanggal_lahir__gte=_under_five_born_from(first),
        )
        .values("posyandu_id")
        .annotate(s=Count("id"), k=Count("id", filter=Q(punya_buku_kia=True)))
    )
    for r in registered:
        rows[r["posyandu_id"]].s, rows[r["posyandu_id"]].k = r["s"], r["k"]

    weighed = Measurement.objects.filter(
        _UNDER_FIVE,
        posyandu__in=posyandu,
        tanggal__gte=first,
        tanggal__lte=last,
        berat__isnull=False,
    )
    # A later weighing of the child at the posyandu that month. Not built on ``weighed``:
    # its posyandu list would lead the database to the (posyandu, tanggal) index and a walk
    # over the whole posyandu's month for every weighing; the child's own (child, tanggal)
    # index finds it directly (it is the same set: same posyandu, later in the month).
    later = Measurement.objects.filter(
        _UNDER_FIVE,
        child_id=OuterRef("child_id"),
        posyandu_id=OuterRef("posyandu_id"),
        tanggal__gt=OuterRef("tanggal"),
        tanggal__lte=last,
        berat__isnull=False,
    )
    # Weighed here before this month: not new to this posyandu (by the same index).
    before_here = Measurement.objects.filter(
        child_id=OuterRef("child_id"),
        posyandu_id=OuterRef("posyandu_id"),
        tanggal__lt=first,
        berat__isnull=False,
    )
    # Weighed the month before (anywhere): in D' when not new here.
    previous_month = Measurement.objects.filter(
        child_id=OuterRef("child_id"),
        tanggal__gte=_month_before(first),
        tanggal__lt=first,
        berat__isnull=False,
    )
    last_weighing = weighed.filter(~Exists(later)).annotate(
        known_here=Exists(before_here), weighed_before=Exists(previous_month)
    )
    for r in last_weighing.values("posyandu_id").annotate(**_code_counts()):
        row = rows[r["posyandu_id"]]
        for key in COUNTS[2:]:
            setattr(row, key, r[key])
    # The child's last weighing at the posyandu of its latest weighing of the month among
    # those of the table: one per child (a child is weighed once a day), for the total.
    later_elsewhere = Measurement.objects.filter(
        _UNDER_FIVE,
        child_id=OuterRef("child_id"),
        tanggal__gt=OuterRef("tanggal"),
        tanggal__lte=last,
        berat__isnull=False,
        posyandu__in=posyandu,
    )
    latest_weighing = last_weighing.filter(~Exists(later_elsewhere))
    total = SKDNRow(None, "", desa, "")
    for row in rows.values():
        # Registered at one posyandu: in one row's S (and K) only.
        total.s, total.k = total.s + row.s, total.k + row.k
    for key, value in latest_weighing.aggregate(**_code_counts()).items():
        setattr(total, key, value)
    if can_view_personal_data(user) and any(r.blank for r in rows.values()):
        # Named only when the user covers the child's desa: a posyandu weighs children of
        # other desa of its kecamatan too (counted above, as the posyandu's work).
        codeless = Q(scope_q(user, "child__desa__kode"), growth_code="", known_here=True)
        blank = last_weighing.filter(codeless)
        for pid, child_id, nama in blank.values_list("posyandu_id", "child_id", "child__nama"):
            rows[pid].blank_children.append((child_id, nama))
        total.blank_children = list(
            latest_weighing.filter(codeless).values_list("child_id", "child__nama")
        )
    return SKDNTable(tahun=tahun, month=month, rows=list(rows.values()), total=total)


def _code_counts() -> dict:
    """D, D' and the counts by code of a set of weighings annotated with ``known_here`` and
    ``weighed_before`` (one per child and posyandu): B for a child new to the posyandu,
    whatever its code."""
    new_here = Q(growth_code="B") | ~Q(known_here=True)
    return {
        "d": Count("child_id", distinct=True),
        "n": Count("id", filter=Q(growth_code="N") & ~new_here),
        "t": Count("id", filter=Q(growth_code="T") & ~new_here),
        "o": Count("id", filter=Q(growth_code="O") & ~new_here),
        "b": Count("id", filter=new_here),
        "two_t": Count("id", filter=Q(two_t=True)),
        "bgm": Count("id", filter=Q(bgm=True)),
        "blank": Count("id", filter=Q(growth_code="") & ~new_here),
        "d_prime": Count("id", filter=Q(weighed_before=True) & ~new_here),
    }
