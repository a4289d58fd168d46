"""Reads of the TPK work, scoped to the acting user's area: targets, teams and their workload,
what is due and overdue, and the counts per desa for the roles that see aggregates only."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import scope_q, user_covers, within_q
from kampungkb.families.tpk.models import Target, TargetKind, TpkTeam, Visit
from kampungkb.families.tpk.schedule import Due, visit_due
from kampungkb.growth.models import Child
from kampungkb.wilayah.models import Level, Wilayah

WEEK_DAYS = 7


def targets_for_user(*, user):
    return Target.objects.for_user(user)


def target_get(*, user, pk: int) -> Target:
    qs = Target.objects.for_user(user).select_related("desa", "team", "child", "previous")
    qs = qs.defer("desa__boundary")
    return get_object_or_404(qs, pk=pk)


def target_visits(*, target: Target):
    return target.visits.select_related("team").order_by("-tanggal", "-pk")


def target_due(*, target: Target, on: datetime.date) -> Due:
    return visit_due(target, target.visits.values_list("tanggal", flat=True), on)


def teams_for_user(*, user):
    return (
        TpkTeam.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .defer("desa__boundary", "desa__parent__boundary")
        .prefetch_related("memberships")
        .order_by("desa_id", "nama")
    )


def team_get(*, user, pk: int) -> TpkTeam:
    return get_object_or_404(teams_for_user(user=user), pk=pk)


def team_members(*, team: TpkTeam):
    """The team's members (convergence links them): each with ``peran`` and ``cadre``."""
    return team.memberships.select_related("cadre").order_by("peran")


@dataclass
class DueRow:
    target: Target
    due: Due
    last_visit: datetime.date | None


def _with_visit_dates(qs):
    return qs.prefetch_related(
        Prefetch("visits", queryset=Visit.objects.only("tanggal", "target_id").order_by("tanggal"))
    )


def _due_rows(qs, on: datetime.date) -> list[DueRow]:
    rows = []
    for target in _with_visit_dates(qs):
        dates = [v.tanggal for v in target.visits.all()]
        past = [d for d in dates if d <= on]
        rows.append(DueRow(target, visit_due(target, dates, on), past[-1] if past else None))
    return rows


def _active_in(user, *, team=None, area: str = ""):
    qs = Target.objects.for_user(user).active().select_related("desa", "team", "child")
    qs = qs.defer("desa__boundary")
    if team is not None:
        qs = qs.filter(team=team)
    if area:
        qs = qs.filter(within_q("desa__kode", area))
    return qs


def to_visit(*, user, team: TpkTeam, on: datetime.date, days: int = WEEK_DAYS) -> list[DueRow]:
    """The team's targets whose visit is due within ``days`` of ``on`` (overdue ones first,
    then by due date): the cadre's list for the week."""
    rows = [r for r in _due_rows(_active_in(user, team=team), on) if r.due.within(on, days)]
    return sorted(rows, key=lambda r: (not r.due.overdue, r.due.due, r.target.nama))


def overdue(*, user, on: datetime.date, area: str = "", team: TpkTeam | None = None):
    """The active targets whose visit is overdue on ``on``, in ``area`` (a desa or kecamatan
    code inside the user's) or of ``team``, the longest overdue first."""
    rows = [r for r in _due_rows(_active_in(user, team=team, area=area), on) if r.due.overdue]
    return sorted(rows, key=lambda r: (r.due.due, r.target.desa_id, r.target.nama))


@dataclass
class Workload:
    team: TpkTeam
    missing_roles: list[str]
    active_by_kind: dict[str, int] = field(default_factory=dict)
    active: int = 0
    visits_this_month: int = 0
    overdue: int = 0

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return [(k.label, self.active_by_kind.get(k.value, 0)) for k in TargetKind]


def workload(*, user, on: datetime.date) -> list[Workload]:
    """Per team of the user's area: its active targets by kind, its visits in the month of
    ``on`` and its overdue targets; the teams missing one of the three roles are flagged."""
    teams = list(teams_for_user(user=user))
    loads = {t.pk: Workload(t, t.missing_roles()) for t in teams}
    for row in _due_rows(_active_in(user).filter(team__in=teams), on):
        load = loads[row.target.team_id]
        load.active_by_kind[row.target.kind] = load.active_by_kind.get(row.target.kind, 0) + 1
        load.active += 1
        load.overdue += row.due.overdue
    month = on.replace(day=1)
    visits = (
        Visit.objects.for_user(user)
        .filter(team__in=teams, tanggal__gte=month, tanggal__lte=on)
        .values("team")
        .annotate(n=Count("pk"))
    )
    for v in visits:
        loads[v["team"]].visits_this_month = v["n"]
    return list(loads.values())


@dataclass
class DesaCounts:
    desa_kode: str
    desa_nama: str
    by_kind: dict[str, int]
    active: int
    overdue: int

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return [(k.label, self.by_kind[k.value]) for k in TargetKind]


def counts_per_desa(*, user, on: datetime.date) -> list[DesaCounts]:
    """Active targets by kind and overdue ones, per desa of the user's area: no names (the
    page of the Mitra OPD and the Viewer)."""
    by_desa: dict[str, Counter] = defaultdict(Counter)
    late: Counter = Counter()
    names: dict[str, str] = {}
    qs = Target.objects.filter(scope_q(user, "desa__kode")).active().select_related("child")
    qs = qs.select_related("desa").defer("desa__boundary")
    for row in _due_rows(qs, on):
        t = row.target
        by_desa[t.desa_id][t.kind] += 1
        late[t.desa_id] += row.due.overdue
        names[t.desa_id] = t.desa.nama
    return [
        DesaCounts(
            kode,
            names[kode],
            {k: by_desa[kode][k] for k in TargetKind.values},
            sum(by_desa[kode].values()),
            late[kode],
        )
        for kode in sorted(by_desa)
    ]


def desa_choices(*, user):
    """The desa a user may register targets in."""
    return (
        Wilayah.objects.filter(scope_q(user), level=Level.DESA).defer("boundary").order_by("nama")
    )


def overdue_area(*, user, kode: str):
    """The desa or kecamatan ``kode`` of an overdue list, inside the user's area (404
    otherwise); without it, the user's own area (``None`` for a superuser's whole country)."""
    if not kode:
        return Wilayah.objects.defer("boundary").filter(pk=user.wilayah_id).first()
    if not user_covers(user, kode):
        raise Http404
    return get_object_or_404(Wilayah.objects.defer("boundary"), kode=kode)


# A delivery's baby is looked for among the desa's children born from this long before the
# expected date (a preterm birth) up to today.
DELIVERY_WINDOW_DAYS = 120


def delivery_child_choices(*, user, target: Target):
    """The growth children a delivery of ``target`` may name: of its desa, inside the user's
    area, born around the expected date (``DELIVERY_WINDOW_DAYS`` before it up to today)."""
    today = datetime.date.today()
    expected = target.hpl or (target.hpht + datetime.timedelta(days=280) if target.hpht else today)
    start = min(expected, today) - datetime.timedelta(days=DELIVERY_WINDOW_DAYS)
    return (
        Child.objects.for_user(user)
        .filter(desa_id=target.desa_id, tanggal_lahir__range=(start, today))
        .order_by("-tanggal_lahir", "nama")
    )


def team_choices(*, user, desa_kode: str):
    """The active teams of a desa a target may be given to."""
    return TpkTeam.objects.for_user(user).filter(desa_id=desa_kode, aktif=True).order_by("nama")
