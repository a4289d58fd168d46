"""The pregnancy panel of a target's page: what it shows, for the target page's view and the
panel's own forms."""

import datetime

from kampungkb.core.permissions import can_record_tpk_work
from kampungkb.core.scoping import user_covers
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.pregnancy import selectors
from kampungkb.families.tpk.pregnancy.forms import AncForm, KbPascaForm, NifasForm

PANEL = "families/tpk/pregnancy/panel.html"


def _fresh_forms(target, today) -> dict:
    if target.kind == TargetKind.IBU_HAMIL:
        return {"anc_form": AncForm(initial={"tanggal": today, "pemeriksa": "bidan"})}
    kb = getattr(target, "kb_pasca", None)
    initial = {"keputusan": kb.keputusan, "tanggal": kb.tanggal} if kb else {"tanggal": today}
    return {
        "kb_form": KbPascaForm(initial=initial),
        "nifas_form": NifasForm(initial={"tanggal": today, "pemeriksa": "bidan"}),
    }


def panel_context(request, target, today: datetime.date, **forms) -> dict:
    """What the pregnancy panel of a target's page shows (empty for other kinds)."""
    if target.kind not in (TargetKind.IBU_HAMIL, TargetKind.PASCA_PERSALINAN):
        return {}
    may_work = can_record_tpk_work(request.user) and user_covers(request.user, target.desa_id)
    context = {
        "target": target,
        "today": today,
        "may_record": may_work,
        **_fresh_forms(target, today),
        **forms,
    }
    if target.kind == TargetKind.IBU_HAMIL:
        context["pregnancy"] = selectors.pregnancy_summary(target=target, on=today)
    else:
        context["postpartum"] = selectors.postpartum_summary(target=target, on=today)
        if target.previous_id:
            context["pregnancy"] = selectors.pregnancy_summary(target=target.previous, on=today)
    return {"pregnancy_panel": context}
