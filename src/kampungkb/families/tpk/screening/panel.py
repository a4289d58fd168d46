"""The screening panel of a catin target's page: its context, shared by the target's page
(``families.tpk.views``) and the screening form's answers."""

import datetime

from kampungkb.core.permissions import can_record_tpk_work
from kampungkb.core.scoping import user_covers
from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.screening import rules, selectors
from kampungkb.families.tpk.screening.forms import ScreeningForm
from kampungkb.families.tpk.screening.models import Peran


def _fresh_form() -> ScreeningForm:
    return ScreeningForm(initial={"tanggal": datetime.date.today(), "peran": Peran.BRIDE})


def panel_context(request, target: Target, *, form=None, saved=None, needs_check=False) -> dict:
    """What the screening panel of a catin target's page shows."""
    row = selectors.CatinRow(target, selectors.target_screenings(target=target))
    return {
        "target": target,
        "catin": row,
        "marriage": selectors.marriage_date(target),
        "screening_form": form or _fresh_form(),
        "screening_saved": saved,
        "needs_check": needs_check,
        "can_screen": can_record_tpk_work(request.user)
        and target.aktif
        and user_covers(request.user, target.desa_id),
        "months_before": rules.MONTHS_BEFORE_MARRIAGE,
    }
