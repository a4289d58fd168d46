"""Reads of children, posyandu and measurements, always scoped by the acting user.

Children and measurements are personal records: roles without personal-data access (Mitra OPD,
Viewer) get empty querysets here, and aggregates come from the analytics instead.
"""

import datetime
import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampungkb.anthro import DAYS_PER_MONTH
from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.scoping import scope_q, within_q
from kampungkb.growth.models import Child, Measurement, Posyandu
from kampungkb.growth.services import normalise_name
from kampungkb.wilayah.models import Wilayah


def _children(user):
    qs = Child.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def _measurements(user):
    qs = Measurement.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def posyandu_list(*, user, desa: str = ""):
    # Not the desa's boundary: a kabupaten's 141 posyandu would decode it 141 times.
    qs = Posyandu.objects.for_user(user).select_related("desa", "puskesmas")
    qs = qs.defer("desa__boundary")
    if desa:
        qs = qs.filter(desa_id=desa)
    return qs.order_by("desa_id", "nama")


def posyandu_get(*, user, pk: int, with_desa: bool = True) -> Posyandu:
    """A posyandu of the user's area, with its desa (not its boundary) unless ``with_desa``
    is false (a session's htmx parts name the posyandu alone)."""
    qs = Posyandu.objects.for_user(user)
    if with_desa:
        qs = qs.select_related("desa").defer("desa__boundary")
    return get_object_or_404(qs, pk=pk)


# --- the child list -------------------------------------------------------------------------

CHILDREN_PER_PAGE = 50

# Age bands in completed months (as ``presenters.age_text`` counts them): key → (from, to).
AGE_BANDS = {
    "0-5": (_("0–5 months"), 0, 6),
    "6-11": (_("6–11 months"), 6, 12),
    "12-23": (_("12–23 months"), 12, 24),
    "24-59": (_("24–59 months"), 24, 60),
    "60+": (_("60 months or older"), 60, None),
}

# What the child's latest measurement says: key → (label, condition on that measurement).
# A new status (e.g. a flag on Measurement) is one more line here; the form offers it.
LATEST_STATUS = {
    "stunting": (_("Stunting"), Q(stunted=True)),
    "wasting": (_("Wasting"), Q(wasted=True)),
    "underweight": (_("Underweight"), Q(underweight=True)),
    "normal": (
        _("None of the three"),
        ~Q(stunted=True)
        & ~Q(wasted=True)
        & ~Q(underweight=True)
        & (Q(stunted=False) | Q(wasted=False) | Q(underweight=False)),
    ),
    # The latest measurement waits for a check (growth.plausibility): it has no status.
    "perlu_dicek": (_("Needs checking"), Q(needs_check=True)),
}

# Sort key → (label, ordering). Every ordering ends with the primary key: page N and page
# N+1 never share or skip a child.
CHILD_SORTS = {
    "nama": (_("Name (A–Z)"), ("nama", "tanggal_lahir", "pk")),
    "-nama": (_("Name (Z–A)"), ("-nama", "-tanggal_lahir", "-pk")),
    "umur": (_("Age (youngest first)"), ("-tanggal_lahir", "nama", "pk")),
    "-umur": (_("Age (oldest first)"), ("tanggal_lahir", "nama", "pk")),
    "diukur": (
        _("Last measured (longest ago first)"),
        (F("last_measured").asc(nulls_first=True), "nama", "pk"),
    ),
    "-diukur": (
        _("Last measured (most recent first)"),
        (F("last_measured").desc(nulls_last=True), "nama", "pk"),
    ),
    "status": (
        _("Status (most problems first)"),
        (F("status_rank").desc(nulls_last=True), "nama", "pk"),
    ),
}


@dataclass(frozen=True)
class ChildFilters:
    """What the child list is narrowed to and sorted by; every value already validated
    (``list_forms.ChildListForm``), empty for "any"."""

    search: str = ""
    desa: str = ""  # a desa or kecamatan code
    posyandu: int | None = None
    age_band: str = ""  # a key of AGE_BANDS
    status: str = ""  # a key of LATEST_STATUS
    not_measured_this_month: bool = False
    sort: str = "nama"  # a key of CHILD_SORTS


def _latest_measurement():
    """The child's latest measurement, for a subquery (the (child, tanggal) unique index)."""
    return Measurement.objects.filter(child=OuterRef("pk")).order_by("-tanggal")


def _status_rank():
    """How many of stunting, wasting and underweight the latest measurement shows (NULL when
    the child was never measured)."""
    flags = ("stunted", "wasted", "underweight")
    stunted, wasted, underweight = (Case(When(**{f: True}, then=1), default=0) for f in flags)
    ranked = _latest_measurement().annotate(rank=stunted + wasted + underweight)
    return Subquery(ranked.values("rank")[:1], output_field=IntegerField())


def _latest_matches(condition: Q):
    """Whether the child's latest measurement meets ``condition``: evaluated in the one row
    the (child, tanggal) index finds for each child. (An ``Exists`` on the latest id would be
    turned by PostgreSQL into a join over every measurement.)"""
    hit = Case(When(condition, then=True), default=False, output_field=BooleanField())
    return Subquery(_latest_measurement().annotate(hit=hit).values("hit")[:1])


def _born_between(today: datetime.date, months_from: int, months_to: int | None) -> Q:
    """Children whose completed months of age today lie in [months_from, months_to)."""

    def born_on(months: int) -> datetime.date:
        return today - datetime.timedelta(days=math.ceil(months * DAYS_PER_MONTH))

    q = Q(tanggal_lahir__lte=born_on(months_from))
    return q if months_to is None else q & Q(tanggal_lahir__gt=born_on(months_to))


def _with_latest_measurement(qs):
    """Annotate children with ``last_measured`` and ``latest_measurement_id``: one lookup in
    the (child, tanggal) unique index per child, never a join over every measurement."""
    latest = _latest_measurement()
    return qs.annotate(
        last_measured=Subquery(latest.values("tanggal")[:1]),
        latest_measurement_id=Subquery(latest.values("pk")[:1]),
    )


def child_list(*, user, filters: ChildFilters = ChildFilters(), today: datetime.date | None = None):
    """Return the user's children narrowed by ``filters`` and sorted, each with
    ``last_measured`` and ``latest_measurement_id``."""
    today = today or timezone.localdate()
    qs = _with_latest_measurement(_children(user))
    f = filters
    if f.desa:
        qs = qs.filter(within_q("desa__kode", f.desa))
    if f.posyandu:
        qs = qs.filter(posyandu_id=f.posyandu)
    if f.search:
        qs = child_search_filter(qs, f.search)
    if f.age_band in AGE_BANDS:
        qs = qs.filter(_born_between(today, *AGE_BANDS[f.age_band][1:]))
    if f.status in LATEST_STATUS:
        qs = qs.annotate(latest_matches=_latest_matches(LATEST_STATUS[f.status][1]))
        qs = qs.filter(latest_matches=True)
    if f.not_measured_this_month:
        # Not "last_measured < the 1st": that would run the latest-date lookup twice per
        # child (with the IS NULL); this month's measurements are found by date instead.
        this_month = Measurement.objects.filter(
            child=OuterRef("pk"), tanggal__gte=today.replace(day=1)
        )
        qs = qs.filter(~Exists(this_month))
    sort = f.sort if f.sort in CHILD_SORTS else "nama"
    if sort == "status":
        qs = qs.annotate(status_rank=_status_rank())
    return qs.order_by(*CHILD_SORTS[sort][1])


def child_list_page(*, user, filters: ChildFilters = ChildFilters(), page=None, today=None) -> Page:
    """Return one page of :func:`child_list` (any ``page`` value gives a page: a bad one the
    first, one past the end the last), each child with its desa, posyandu and ``latest``
    measurement (or None).

    The filters are evaluated once, in one query that returns the sorted ids of the whole
    list (a count and a slice would evaluate them twice); the rows shown are read by id
    afterwards, so a late page costs no more than the first.
    """
    ids = list(child_list(user=user, filters=filters, today=today).values_list("pk", flat=True))
    result = Paginator(ids, CHILDREN_PER_PAGE).get_page(page)
    ids = list(result.object_list)
    rows = _with_latest_measurement(_children(user).filter(pk__in=ids))
    rows = rows.select_related("desa", "posyandu").defer("desa__boundary")
    by_id = {c.pk: c for c in rows}
    result.object_list = children = [by_id[pk] for pk in ids if pk in by_id]
    latest = Measurement.objects.in_bulk(
        [c.latest_measurement_id for c in children if c.latest_measurement_id]
    )
    for c in children:
        c.latest = latest.get(c.latest_measurement_id)
    return result


def child_list_desa_choices(*, user) -> list:
    """The desa of the user's area grouped by kecamatan, each group led by the kecamatan
    itself (``within_q`` reads a kecamatan code as all its desa); a single desa, ungrouped."""
    desa = list(
        Wilayah.objects.for_user(user)
        .desa()
        .order_by("kode")
        .values_list("kode", "nama", "parent_id", "parent__nama")
    )
    if len(desa) <= 1:
        return [(kode, nama) for kode, nama, *_parent in desa]
    groups: dict[str, tuple[str, list]] = {}
    for kode, nama, kecamatan, kecamatan_nama in desa:
        if kecamatan not in groups:
            whole = _("All of %(kecamatan)s") % {"kecamatan": kecamatan_nama}
            groups[kecamatan] = (kecamatan_nama, [(kecamatan, whole)])
        groups[kecamatan][1].append((kode, nama))
    return list(groups.values())


def child_list_posyandu_choices(*, user, desa: str = "") -> list[tuple[int, str]]:
    """The posyandu of the user's area, or of a desa or kecamatan in it."""
    qs = Posyandu.objects.for_user(user)
    if desa:
        qs = qs.filter(within_q("desa__kode", desa))
    rows = qs.order_by("desa_id", "nama").values_list("pk", "nama", "desa__nama")
    return [(pk, f"{nama} · {desa_nama}") for pk, nama, desa_nama in rows]


def child_search_filter(qs, search: str):
    """Match a NIK (whole or its start) or every word of the name, ignoring case and accents."""
    search = search.strip()
    if search.isdigit():
        return qs.filter(Q(nik__startswith=search) | Q(nik_ibu__startswith=search))
    words = normalise_name(search).split()
    for word in words:
        qs = qs.filter(match_key__contains=word)
    return qs


def child_get(*, user, pk: int) -> Child:
    return get_object_or_404(
        _children(user)
        .select_related("desa", "desa__parent", "posyandu")
        .defer("desa__boundary", "desa__parent__boundary"),
        pk=pk,
    )


def child_family_members(*, user, child: Child):
    """The family members (of the families app's survey rounds) linked to ``child`` whose
    family lies in the user's area: a child may be linked to a member of a family in a desa
    the user does not cover (matched by NIK by a wider area's import)."""
    return (
        child.family_members.filter(scope_q(user, "survey__keluarga__desa__kode"))
        .select_related("survey", "survey__rule_set")
        .order_by("-survey__tahun", "pk")
    )


def child_merge_candidates(*, user, child: Child, search: str = "") -> list[Child]:
    """The children ``child`` may be merged into: the others of its desa (in the user's
    area), likeliest first: the same date of birth, then the names (and mothers' names) most
    alike; each with ``n_measurements``. ``search`` narrows them as the child list's does."""
    qs = _children(user).filter(desa_id=child.desa_id).exclude(pk=child.pk)
    if search:
        qs = child_search_filter(qs, search)
    rows = list(
        qs.select_related("posyandu").annotate(n_measurements=Count("measurements")).order_by("pk")
    )
    name, mother = normalise_name(child.nama), normalise_name(child.nama_ibu)

    def likeness(c: Child) -> tuple:
        alike = SequenceMatcher(None, name, normalise_name(c.nama)).ratio()
        if mother:
            alike += SequenceMatcher(None, mother, normalise_name(c.nama_ibu)).ratio() / 2
        return (c.tanggal_lahir != child.tanggal_lahir, -round(alike, 3), c.nama, c.pk)

    return sorted(rows, key=likeness)


def session_child_get(*, user, pk: int) -> Child:
    """A child of the user's area as a posyandu session weighs it: its own columns, not its
    desa, kecamatan and posyandu (the form and the result name the child alone; two requests
    a weighing read it)."""
    return get_object_or_404(_children(user), pk=pk)


def child_measurements(*, child: Child):
    return child.measurements.select_related("posyandu").order_by("tanggal")


def measurement_get(*, user, pk: int) -> Measurement:
    return get_object_or_404(
        _measurements(user)
        .select_related("child", "child__desa", "posyandu")
        .defer("child__desa__boundary"),
        pk=pk,
    )


def measurements_needing_check(*, user):
    """The measurements of the user's area marked "needs checking", newest first."""
    return (
        _measurements(user)
        .filter(needs_check=True)
        .select_related("child", "child__desa", "posyandu")
        .defer("child__desa__boundary")
        .order_by("-tanggal", "-pk")
    )


def measurement_list(
    *, user, date_from=None, date_to=None, desa: str = "", posyandu: int | None = None
):
    qs = _measurements(user).select_related(
        "child", "child__desa", "child__desa__parent", "posyandu", "posyandu__puskesmas"
    )
    if date_from:
        qs = qs.filter(tanggal__gte=date_from)
    if date_to:
        qs = qs.filter(tanggal__lte=date_to)
    if desa:
        qs = qs.filter(within_q("child__desa__kode", desa))
    if posyandu:
        qs = qs.filter(posyandu_id=posyandu)
    return qs.order_by("child__desa_id", "child__nama", "tanggal")


def session_measurements(*, user, posyandu, tanggal):
    """Return the measurements taken at a posyandu on a day, latest first."""
    return (
        _measurements(user)
        .filter(posyandu=posyandu, tanggal=tanggal)
        .select_related("child")
        .order_by("-updated_at")
    )


#: What a session's list of children shows of each (``growth/partials/search_results.html``).
SESSION_CANDIDATE_FIELDS = (
    "pk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "nama_ibu",
    "posyandu_id",
    "desa_nama",
    "measured_today",
)


def session_candidates(*, user, posyandu, tanggal, search: str = "", limit: int = 25):
    """Children to pick at a posyandu session: with a search, any match in the user's area;
    without one, the posyandu's own children not yet measured that day.

    Each child is a row (a named tuple, not a Child) of what the list shows: its id, name,
    sex, birth date, mother, posyandu, desa's name and ``measured_today``. Every weighing's
    answer lists them again: the other columns and tables are not read, and no model
    instance is made."""
    # A session dated in the first years of the calendar (a typed date) has no earlier bound.
    born_after = datetime.date.fromordinal(max(tanggal.toordinal() - 1856, 1))
    qs = _children(user).filter(tanggal_lahir__lte=tanggal, tanggal_lahir__gte=born_after)
    if search:
        qs = child_search_filter(qs, search).annotate(
            # A yes/no per child, not a count over a join of every child's history, grouped
            # by the whole row (the database sorted ~2,000 wide rows to list 25 children).
            measured_today=Exists(Measurement.objects.filter(child=OuterRef("pk"), tanggal=tanggal))
        )
    else:
        # Not measured that day, by this filter: no need to ask again per child.
        qs = (
            qs.filter(posyandu=posyandu)
            .exclude(measurements__tanggal=tanggal)
            .annotate(measured_today=Value(False, output_field=BooleanField()))
        )
    # The desa's name as a column of the child (``desa_nama``), not a Wilayah object each.
    qs = qs.annotate(desa_nama=F("desa__nama")).order_by("nama")
    return qs.values_list(*SESSION_CANDIDATE_FIELDS, named=True)[:limit]
