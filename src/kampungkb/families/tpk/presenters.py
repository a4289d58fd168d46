"""What a target's page says about it: the facts of its stage on a day, as label/value pairs,
and the warnings (BBLR, short at birth, an incomplete team)."""

import datetime

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kampungkb.families.tpk.lifecycle import (
    estimated_due_date,
    gestational_age,
    target_state,
)
from kampungkb.families.tpk.models import Target, TargetKind


def _day(value: datetime.date | None) -> str:
    return date_format(value, "j M Y") if value else "—"


def target_facts(target: Target, on: datetime.date) -> dict:
    facts: list[tuple[str, str]] = []
    warnings: list[str] = []
    kind = target.kind
    if kind == TargetKind.CATIN:
        facts += [
            (_("partner's name"), target.nama_pasangan),
            (_("planned marriage date"), _day(target.tanggal_rencana_nikah)),
            (_("marriage date (recorded)"), _day(target.tanggal_nikah)),
        ]
    elif kind == TargetKind.IBU_HAMIL:
        age = gestational_age(target, on)
        facts += [
            (_("first day of last period (HPHT)"), _day(target.hpht)),
            (_("estimated due date (HPL)"), _day(estimated_due_date(target))),
        ]
        if age is not None:
            facts += [
                (
                    _("gestational age"),
                    _("%(weeks)d weeks %(days)d days") % {"weeks": age.weeks, "days": age.days},
                ),
                (_("trimester"), str(age.trimester)),
            ]
    elif kind == TargetKind.PASCA_PERSALINAN:
        facts += [
            (_("delivery date"), _day(target.tanggal_persalinan)),
            (_("delivery outcome"), target.get_hasil_persalinan_display() or "—"),
            (
                _("birth weight (g)"),
                str(target.berat_lahir) if target.berat_lahir is not None else "—",
            ),
            (
                _("birth length (cm)"),
                str(target.panjang_lahir) if target.panjang_lahir is not None else "—",
            ),
        ]
    else:
        facts.append((_("date of birth"), _day(target.child.tanggal_lahir)))
    if target.is_bblr:
        warnings.append(_("Low birth weight (BBLR, under 2,500 g)."))
    if target.is_short_at_birth:
        warnings.append(_("Short at birth (under 48 cm)."))
    if target.team is not None and target.team.missing_roles():
        warnings.append(_("The team lacks a bidan, a PKK cadre or a KB cadre."))
    if target.team is None:
        warnings.append(_("No TPK team accompanies this target."))
    state = target_state(target, on)
    facts = [(capfirst(label), value) for label, value in facts]
    return {"facts": facts, "warnings": warnings, "state": state}
