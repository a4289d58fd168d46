"""The KBM tables page: the variants side by side, the default one, changing it (which
queues a recompute of every measurement), and the recent recomputes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.core.permissions import can_manage_installation, can_view_personal_data
from kampungkb.growth.kbm.selectors import (
    kbm_tables_list,
    recompute_in_progress,
    recompute_runs_recent,
)
from kampungkb.growth.kbm.services import kbm_default_set
from kampungkb.growth.kbm.tasks import recompute_enqueue
from kampungkb.growth.models import KBMTable


def _age_rows(tables: list[KBMTable]) -> list[dict]:
    """One row per age band that starts in any table (labelled "7–10" for months 7 to 10),
    with each table's KBM for those ages and whether the tables differ there."""
    entries = [e for t in tables for e in t.entries.all()]
    starts = sorted({e.umur_bulan_dari for e in entries})
    last = max((e.umur_bulan_sampai for e in entries), default=0)
    rows = []
    for start, stop in zip(starts, [*(s - 1 for s in starts[1:]), last], strict=True):
        cells = []
        for t in tables:
            entry = next(
                (e for e in t.entries.all() if e.umur_bulan_dari <= start <= e.umur_bulan_sampai),
                None,
            )
            cells.append(entry.kbm_gram if entry else None)
        label = f"{start}–{stop}" if stop > start else str(start)
        rows.append({"months": label, "cells": cells, "differ": len(set(cells)) > 1})
    return rows


def kbm_tables_page(request):
    tables = kbm_tables_list()
    runs = recompute_runs_recent()
    context = {
        "tables": tables,
        "age_rows": _age_rows(tables),
        "runs": runs,
        "busy": recompute_in_progress() is not None,
        "can_choose": can_manage_installation(request.user),
        "show_personal": can_view_personal_data(request.user),
    }
    template = "growth/partials/recompute_runs.html" if request.htmx else "growth/kbm_tables.html"
    return render(request, template, context)


@require_POST
def kbm_default_choose(request, pk: int):
    if not can_manage_installation(request.user):
        raise PermissionDenied
    table = get_object_or_404(KBMTable, pk=pk)
    try:
        with transaction.atomic():
            run = kbm_default_set(user=request.user, table=table)
            recompute_enqueue(run)  # once the choice is committed
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(table)s is now the default KBM table. Every measurement is being "
                "recomputed in the background; the list below shows when it is done."
            )
            % {"table": table},
        )
    return redirect("growth:kbm_tables")
