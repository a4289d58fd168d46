"""Reads of the district's convergence actions. Everyone with an area reads the actions of
their kabupaten; another district's record or file is a 404."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.convergence.actions.models import (
    ActionDefinition,
    ActionFramework,
    ActionRecord,
    ActionStatus,
    EvidenceFile,
)
from kampungkb.convergence.review import scoring
from kampungkb.core.scoping import covered_kode, scope_q
from kampungkb.wilayah.models import Level, Wilayah


def district_kode(*, user) -> str | None:
    """Return the kabupaten code whose district actions the user reads (``None``: nothing)."""
    area = covered_kode(user)
    if area is None:
        return None
    if len(area) >= 5:
        return area[:5]
    kab = Wilayah.objects.filter(level=Level.KABUPATEN).filter(scope_q(user, "kode")).first()
    return kab.kode if kab else None


def district_get(*, user) -> Wilayah:
    """Return the kabupaten whose district actions the user records."""
    return Wilayah.objects.get(kode=district_kode(user=user))


def framework_for_year(tahun: int) -> ActionFramework | None:
    return (
        ActionFramework.objects.filter(tahun_mulai__lte=tahun)
        .filter(Q(tahun_akhir__isnull=True) | Q(tahun_akhir__gte=tahun))
        .order_by("-tahun_mulai")
        .first()
    )


def _month_end(tahun: int, month: int) -> datetime.date:
    nxt = datetime.date(tahun + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def action_year(*, user, tahun: int, today=None) -> dict:
    """Return the year's actions with their record and state (done, late, missing, pending)."""
    today = today or datetime.date.today()
    kab = district_kode(user=user)
    framework = framework_for_year(tahun)
    rows = []
    if kab and framework:
        records = {
            r.action_id: r
            for r in ActionRecord.objects.filter(kabupaten_id=kab, tahun=tahun)
            .select_related("opd")
            .annotate(n_evidence=Count("evidence"))
        }
        for action in framework.actions.order_by("nomor"):
            record = records.get(action.pk)
            planned = (record.tanggal_rencana if record else None) or _month_end(
                tahun, action.bulan_selesai
            )
            rows.append(
                {
                    "action": action,
                    "record": record,
                    "planned_end": planned,
                    "state": scoring.action_state(
                        done=bool(record and record.status == ActionStatus.SELESAI),
                        recorded=bool(record and record.status != ActionStatus.BELUM),
                        planned_end=planned,
                        today=today,
                    ),
                    "evidence_missing": bool(record and record.status == ActionStatus.SELESAI)
                    and not record.n_evidence,
                }
            )
    counts = defaultdict(int)
    for row in rows:
        counts[row["state"]] += 1
    return {"framework": framework, "kabupaten": kab, "rows": rows, "counts": dict(counts)}


def action_definition_get(*, user, tahun: int, pk: int) -> ActionDefinition:
    framework = framework_for_year(tahun)
    if district_kode(user=user) is None or framework is None:
        raise Http404
    return get_object_or_404(ActionDefinition, framework=framework, pk=pk)


def action_record_find(*, user, tahun: int, action) -> ActionRecord | None:
    kab = district_kode(user=user)
    return (
        ActionRecord.objects.filter(kabupaten_id=kab, tahun=tahun, action=action)
        .prefetch_related("lokus_desa", "commitments", "evidence")
        .first()
    )


def action_record_get(*, user, pk: int) -> ActionRecord:
    kab = district_kode(user=user)
    if kab is None:
        raise Http404
    return get_object_or_404(ActionRecord, pk=pk, kabupaten_id=kab)


def evidence_get(*, user, pk: int) -> EvidenceFile:
    kab = district_kode(user=user)
    if kab is None:
        raise Http404
    return get_object_or_404(EvidenceFile, pk=pk, record__kabupaten_id=kab)
