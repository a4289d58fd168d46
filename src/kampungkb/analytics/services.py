"""Writes of the analytics app: rebuild the summaries, enter survey figures and targets, set
the priority weights, publish a period."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.analytics.cube import build_cube
from kampungkb.analytics.krs_cube import build_krs_rows
from kampungkb.analytics.models import (
    Group,
    KrsSummary,
    PrevalenceSummary,
    PriorityWeights,
    Publication,
    PublishedFigure,
    QualitySummary,
    SummaryState,
    SurveyFigure,
    Target,
    TargetScope,
    TpkSummary,
)
from kampungkb.analytics.publication import public_tables, suppression_plan, tables_fingerprint
from kampungkb.analytics.publication_krs import krs_freeze
from kampungkb.analytics.signals import summaries_rebuilt
from kampungkb.analytics.tpk_cube import build_tpk_rows
from kampungkb.core.audit import audit_record, audited_save, snapshot
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import is_district_admin
from kampungkb.core.scoping import kode_within, within_q
from kampungkb.wilayah.models import Level, Wilayah
from kampungkb.wilayah.selectors import managed_kabupaten


@dataclass(frozen=True)
class RebuildResult:
    measurements: int
    prevalence_rows: int
    quality_rows: int
    seconds: float
    #: Nothing was written: a rebuild that read the records later was saved meanwhile.
    skipped: bool = False


def summaries_rebuild() -> RebuildResult:
    """Replace every prevalence, coverage and quality summary from the stored measurements,
    every KRS summary from the stored family survey rounds (``krs_cube``) and every TPK
    summary from the TPK targets, visits and scorecards (``tpk_cube``).

    Readers keep seeing the previous summaries until the new ones are committed.
    """
    started = time.perf_counter()
    # The data read below is at least as new as this moment: a refresh requested before it
    # is already satisfied by this rebuild (see tasks.analytics_refresh).
    read_from = timezone.now()
    # Said before the long read, outside its transaction: a change made from now on is the
    # first one this rebuild may not show (summaries_changed_note).
    SummaryState.objects.filter(pk=1).update(rebuild_from=read_from)
    cube = build_cube()
    krs_rows = build_krs_rows()
    tpk_rows = build_tpk_rows()  # TPK accompaniment (tpk_cube)
    with transaction.atomic():
        _summaries_write_lock()
        if SummaryState.objects.filter(pk=1, rebuilt_at__gt=read_from).exists():
            # A rebuild that read the records after this one did was saved meanwhile: its
            # summaries are newer than these, which are dropped.
            seconds = time.perf_counter() - started
            return RebuildResult(
                cube.n_measurements, len(cube.prevalence), len(cube.quality), seconds, True
            )
        PrevalenceSummary.objects.all().delete()
        QualitySummary.objects.all().delete()
        KrsSummary.objects.all().delete()
        KrsSummary.objects.bulk_create((KrsSummary(**row) for row in krs_rows), batch_size=5000)
        TpkSummary.objects.all().delete()
        TpkSummary.objects.bulk_create((TpkSummary(**row) for row in tpk_rows), batch_size=5000)
        PrevalenceSummary.objects.bulk_create(
            (PrevalenceSummary(**row) for row in cube.prevalence), batch_size=5000
        )
        QualitySummary.objects.bulk_create(
            (QualitySummary(**row) for row in cube.quality), batch_size=5000
        )
        seconds = time.perf_counter() - started
        SummaryState.objects.update_or_create(
            pk=1,
            defaults={
                "rebuilt_at": read_from,
                "rebuild_from": read_from,
                "seconds": seconds,
                "n_measurements": cube.n_measurements,
                "n_rows": len(cube.prevalence) + len(cube.quality),
            },
        )
    summaries_rebuilt.send(sender="analytics")
    return RebuildResult(cube.n_measurements, len(cube.prevalence), len(cube.quality), seconds)


def _summaries_write_lock() -> None:
    """Take the summaries' write turn until the transaction ends: two rebuilds at once (two
    workers, ``kampungkb rebuild_analytics`` beside the worker) replace them one after the
    other. On PostgreSQL the second one's delete did not see the first one's new rows (its
    snapshot was older) and its inserts collided with them: the rebuild failed. Readers are
    not held up (EXCLUSIVE lets plain reads through). SQLite already lets one writer at a
    time, and the first write of the transaction takes that turn."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(PrevalenceSummary._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


#: A queued refresh covers a change only if it is due at least this long after it: the
#: worker's clock may run a little ahead of the web server's.
REFRESH_DUE_MARGIN = datetime.timedelta(seconds=10)


def summaries_changed_note(*, covered_by_queued: bool = False) -> bool:
    """Record that the records the summaries are built from have just changed (called once
    the change is committed, before the refresh is queued). Before the first rebuild there
    is nothing to be behind: no state row is made.

    What is kept is the earliest change the summaries may not show (``changed_at``): the
    pages say their figures wait for changes "since" it, and that they are behind once it
    has waited too long, however many changes follow it (a day of weighings with no worker
    running is said after ten minutes, not never). So only the first change after a rebuild
    started writes; the others read the state row (on a posyandu day, a hot row every
    weighing updated).

    With ``covered_by_queued``, return whether a refresh already queued on the deferred queue
    covers the change: it is due (``refresh_due``, :func:`summaries_refresh_queued`) more
    than the margin after now, so it has not started and its rebuild will read this change.
    Then no refresh need be queued for it."""
    now = timezone.now()
    fields = ("changed_at", "rebuilt_at", "rebuild_from", "refresh_due")
    state = SummaryState.objects.filter(pk=1).only(*fields).first()
    if state is None:
        return False
    if _first_change_not_shown(state):
        # Conditional, as read: of two changes at once, the earlier time stays.
        SummaryState.objects.filter(_FIRST_CHANGE_NOT_SHOWN, pk=1).update(changed_at=now)
    if not covered_by_queued or state.refresh_due is None:
        return False
    margin = min(REFRESH_DUE_MARGIN, _refresh_delay() / 2)
    return state.refresh_due > now + margin


#: No change is waiting, or the one recorded is covered by a rebuild done or started.
_FIRST_CHANGE_NOT_SHOWN = (
    Q(changed_at__isnull=True)
    | Q(changed_at__lte=F("rebuilt_at"))
    | Q(changed_at__lte=F("rebuild_from"))
)


def _first_change_not_shown(state: SummaryState) -> bool:
    """Is a change made now the earliest one the summaries may not show?"""
    waiting = state.changed_at
    return (
        waiting is None
        or (state.rebuilt_at is not None and waiting <= state.rebuilt_at)
        or (state.rebuild_from is not None and waiting <= state.rebuild_from)
    )


def summaries_refresh_queued(*, due: datetime.datetime) -> None:
    """Record that a refresh was queued to run at ``due`` (after it was queued: a refresh
    that could not be queued covers nothing)."""
    SummaryState.objects.filter(pk=1).update(refresh_due=due)


def _refresh_delay() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY)


def summaries_failure_note(*, error: BaseException) -> None:
    """Record that a refresh of the summaries failed, and why (the pages then say their
    figures are behind)."""
    failure = f"{type(error).__name__}: {error}"[:300]
    SummaryState.objects.update_or_create(
        pk=1, defaults={"failed_at": timezone.now(), "failure": failure}
    )


def _require_manager(user) -> Wilayah:
    if not is_district_admin(user):
        raise PermissionDenied
    kabupaten = managed_kabupaten(user)
    if kabupaten is None:
        raise PermissionDenied
    return kabupaten


SURVEY_FIELDS = ["survey", "tahun", "wilayah", "indicator", "prevalensi", "sumber", "catatan"]


def _survey_area_managed(kode: str, kabupaten: Wilayah) -> bool:
    """Whether a district's admin enters (and deletes) survey figures of area ``kode``: the
    district, its kecamatan and desa, and the areas above it (the provinsi)."""
    return kode_within(kode, kabupaten.kode) or kode_within(kabupaten.kode, kode)


@transaction.atomic
def survey_figure_save(*, user, figure: SurveyFigure | None = None, **values) -> SurveyFigure:
    """Create or change a survey prevalence (Admin Kabupaten of the area only)."""
    kabupaten = _require_manager(user)
    wilayah = values.get("wilayah") or (figure.wilayah if figure else None)
    if wilayah is None or not _survey_area_managed(wilayah.kode, kabupaten):
        raise PermissionDenied
    figure = figure or SurveyFigure(created_by=user)
    audited_save(
        figure,
        actor=user,
        fields=SURVEY_FIELDS,
        values=values,
        wilayah_kode=wilayah.kode,
        record_unchanged=True,
    )
    return figure


@transaction.atomic
def survey_figure_delete(*, user, figure: SurveyFigure) -> None:
    kabupaten = _require_manager(user)
    if not _survey_area_managed(figure.wilayah_id, kabupaten):
        raise PermissionDenied
    # The trail keeps what was deleted, so that a figure removed by mistake can be entered again.
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=figure,
        wilayah_kode=figure.wilayah_id,
        changes=snapshot(figure, SURVEY_FIELDS),
    )
    figure.delete()


TARGET_FIELDS = ["tahun", "indicator", "nilai", "sumber"]


@transaction.atomic
def district_target_save(*, user, tahun: int, nilai, sumber: str, indicator="stunting") -> Target:
    """Set the district's own target for a year (one per year and indicator)."""
    kabupaten = _require_manager(user)
    target = Target.objects.filter(
        scope=TargetScope.DISTRICT, wilayah=kabupaten, tahun=tahun, indicator=indicator
    ).first()
    target = target or Target(
        scope=TargetScope.DISTRICT, wilayah=kabupaten, tahun=tahun, indicator=indicator
    )
    audited_save(
        target,
        actor=user,
        fields=TARGET_FIELDS,
        values={"nilai": nilai, "sumber": sumber, "updated_by": user},
        wilayah_kode=kabupaten.kode,
        record_unchanged=True,
    )
    return target


@transaction.atomic
def district_target_delete(*, user, target: Target) -> None:
    kabupaten = _require_manager(user)
    if target.scope != TargetScope.DISTRICT or target.wilayah_id != kabupaten.kode:
        raise PermissionDenied
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=target,
        wilayah_kode=kabupaten.kode,
        changes=snapshot(target, TARGET_FIELDS),
    )
    target.delete()


WEIGHT_FIELDS = [
    "w_prevalence",
    "w_cases",
    "w_trend",
    "w_coverage",
    "w_quality",
    "w_krs",
    "n_lokus",
]


@transaction.atomic
def priority_weights_save(*, user, **values) -> PriorityWeights:
    """Change the weights of the priority-desa ranking of the user's district."""
    kabupaten = _require_manager(user)
    weights, _created = PriorityWeights.objects.select_for_update().get_or_create(
        kabupaten=kabupaten
    )
    new = {k: values[k] for k in WEIGHT_FIELDS if k in values}
    if sum(new.get(k, getattr(weights, k)) for k in WEIGHT_FIELDS if k.startswith("w_")) <= 0:
        raise ValidationError(_("At least one weight must be more than zero."))
    audited_save(
        weights,
        actor=user,
        fields=WEIGHT_FIELDS,
        values={**new, "updated_by": user},
        wilayah_kode=kabupaten.kode,
        record_unchanged=True,
    )
    return weights


@transaction.atomic
def publication_publish(
    *,
    user,
    period_type: str,
    period_start: datetime.date,
    catatan: str = "",
    fingerprint: str | None = None,
) -> Publication:
    """Freeze the current figures of a period of the user's district as a new version.

    ``fingerprint``: that of the preview the admin confirmed (``publishing``); publishing
    is refused when what would become public is no longer what they saw."""
    kabupaten = _require_manager(user)
    cells = list(
        PrevalenceSummary.objects.filter(
            within_q("wilayah_kode", kabupaten.kode),
            period_type=period_type,
            period_start=period_start,
        )
    )
    if not any(c.n > 0 for c in cells):
        raise ValidationError(_("There are no measurements in this period to publish."))
    coverage = {
        (q.wilayah_kode, q.group): q.coverage
        for q in QualitySummary.objects.filter(
            within_q("wilayah_kode", kabupaten.kode),
            period_type=period_type,
            period_start=period_start,
        )
    }
    names = dict(Wilayah.objects.within(kabupaten.kode).values_list("kode", "nama"))
    parents = dict(Wilayah.objects.within(kabupaten.kode).values_list("kode", "parent_id"))
    # Lock the existing versions of the period so two admins cannot both make version n.
    existing = Publication.objects.select_for_update().filter(
        kabupaten=kabupaten, period_type=period_type, period_start=period_start
    )
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    publication = Publication.objects.create(
        kabupaten=kabupaten,
        period_type=period_type,
        period_start=period_start,
        version=version,
        catatan=catatan,
        published_by=user if getattr(user, "pk", None) else None,
    )
    PublishedFigure.objects.bulk_create(
        PublishedFigure(
            publication=publication,
            wilayah_kode=c.wilayah_kode,
            wilayah_nama=names.get(c.wilayah_kode, c.wilayah_kode),
            parent_kode=parents.get(c.wilayah_kode) or "",
            level=c.level,
            group=c.group,
            indicator=c.indicator,
            n=c.n,
            cases=c.cases,
            prevalence=c.prevalence,
            ci_low=c.ci_low,
            ci_high=c.ci_high,
            coverage=coverage.get((c.wilayah_kode, c.group)),
        )
        for c in cells
        if c.group == Group.ALL or c.level != Level.DESA
    )
    # What the version hides is decided now, against the versions before it, and frozen
    # with its figures; a figure that is never shown (not a public indicator, a kecamatan's
    # Kampung KB split) is marked hidden whole.
    plan = suppression_plan(publication)
    figures = list(publication.figures.all())
    for f in figures:
        f.n_hidden, f.cases_hidden = plan.get(f.pk, (True, True))
    PublishedFigure.objects.bulk_update(figures, ["n_hidden", "cases_hidden"], batch_size=2000)
    # The KRS figures of the round of the period's year are frozen with it (publication_krs).
    krs_freeze(publication)
    if fingerprint is not None and fingerprint != tables_fingerprint(
        public_tables(publication), version=version
    ):
        raise ValidationError(
            _(
                "The figures have changed since the preview (new data, or another version "
                "was published). Check the new preview before publishing."
            ),
            code="stale_preview",
        )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=publication,
        wilayah_kode=kabupaten.kode,
        changes={
            "period_type": period_type,
            "period_start": period_start,
            "version": version,
            "figures": len(cells),
        },
    )
    return publication
