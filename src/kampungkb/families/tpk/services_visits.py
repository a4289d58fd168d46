"""Writes of the TPK accompaniment visits: a visit to a target and the follow-up of its
referral. Each is one transaction and leaves an audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audited_save
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.families.tpk.models import Target, Visit, VisitKind
from kampungkb.families.tpk.services import ensure_may_work

VISIT_FIELDS = (
    "target",
    "team",
    "tanggal",
    "jenis",
    "temuan",
    "rujukan",
    "rujukan_ke",
    "tindak_lanjut_tanggal",
    "tindak_lanjut_hasil",
)


def _check_visit(target: Target, values: dict) -> None:
    ensure_not_in_future(
        tanggal=values["tanggal"], tindak_lanjut_tanggal=values.get("tindak_lanjut_tanggal")
    )
    errors: dict[str, str] = {}
    day = values["tanggal"]
    if values.get("jenis") not in VisitKind.values:
        errors["jenis"] = _("Choose the type of visit.")
    if day < target.tanggal_daftar - datetime.timedelta(days=366):
        errors["tanggal"] = _("The visit date is long before the target was registered.")
    if target.closed_by_hand and day > target.tanggal_selesai:
        errors["tanggal"] = _(
            "The target was closed on %(day)s (%(reason)s): no visit after it. Reopen it "
            "first if it was closed by mistake."
        ) % {
            "day": target.tanggal_selesai.strftime("%d/%m/%Y"),
            "reason": target.get_alasan_selesai_display(),
        }
    elif not target.aktif and target.tanggal_selesai and day > target.tanggal_selesai:
        errors["tanggal"] = _("The target's stage ended on %(day)s: no visit after it.") % {
            "day": target.tanggal_selesai.strftime("%d/%m/%Y")
        }
    if values.get("rujukan") and not (values.get("rujukan_ke") or "").strip():
        errors["rujukan_ke"] = _("Say where the target was referred to.")
    if not values.get("rujukan"):
        if (values.get("rujukan_ke") or "").strip():
            errors["rujukan_ke"] = _("Tick 'referral made' or leave the place empty.")
        if values.get("tindak_lanjut_tanggal") or (values.get("tindak_lanjut_hasil") or ""):
            errors["tindak_lanjut_tanggal"] = _("A follow-up belongs to a referral.")
    follow = values.get("tindak_lanjut_tanggal")
    if follow and follow < day:
        errors["tindak_lanjut_tanggal"] = _("The follow-up cannot be before the visit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def visit_record(
    *,
    user,
    target: Target,
    tanggal: datetime.date,
    jenis: str,
    temuan: str = "",
    rujukan: bool = False,
    rujukan_ke: str = "",
    tindak_lanjut_tanggal: datetime.date | None = None,
    tindak_lanjut_hasil: str = "",
    is_synthetic: bool = False,
) -> Visit:
    """Record an accompaniment visit to ``target`` by its team."""
    ensure_may_work(user, target.desa_id)
    values = {
        "target": target,
        "team": target.team,
        "tanggal": tanggal,
        "jenis": jenis,
        "temuan": (temuan or "").strip(),
        "rujukan": bool(rujukan),
        "rujukan_ke": (rujukan_ke or "").strip(),
        "tindak_lanjut_tanggal": tindak_lanjut_tanggal,
        "tindak_lanjut_hasil": (tindak_lanjut_hasil or "").strip(),
    }
    _check_visit(target, values)
    visit = Visit(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(visit, actor=user, fields=VISIT_FIELDS, values=values, wilayah_kode=target.desa_id)
    records_changed_on_commit(sender="families")  # TPK summaries
    return visit


@transaction.atomic
def visit_followup_record(
    *, user, visit: Visit, tindak_lanjut_tanggal: datetime.date, tindak_lanjut_hasil: str
) -> Visit:
    """Record the follow-up of a visit's referral (done on that day, with its result)."""
    visit = Visit.objects.select_for_update().select_related("target").get(pk=visit.pk)
    ensure_may_work(user, visit.target.desa_id)
    values = {f: getattr(visit, f) for f in VISIT_FIELDS}
    values |= {
        "tindak_lanjut_tanggal": tindak_lanjut_tanggal,
        "tindak_lanjut_hasil": (tindak_lanjut_hasil or "").strip(),
    }
    _check_visit(visit.target, values)
    audited_save(
        visit,
        actor=user,
        fields=VISIT_FIELDS,
        values={k: values[k] for k in ("tindak_lanjut_tanggal", "tindak_lanjut_hasil")},
        wilayah_kode=visit.target.desa_id,
    )
    return visit
