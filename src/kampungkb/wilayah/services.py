"""Writes to the Kampung KB registry. Each checks the user's right and area, then records
the change in the audit trail in the same transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_read, audit_record, diff, snapshot
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit, can_register_kampung_kb
from kampungkb.core.scoping import user_covers
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import (
    ActivityGroup,
    ActivityGroupType,
    FundingSource,
    KampungKB,
    Level,
    MaturityRecord,
    Partner,
    PokjaMember,
    Wilayah,
)

PROFILE_FIELDS = ("desa", "nama", "tanggal_pencanangan", "sk_nomor", "sk_tanggal", "catatan")
#: What decides in which periods a desa counts as a Kampung KB in the analytics.
SPLIT_FIELDS = {"desa", "tanggal_pencanangan", "sk_tanggal"}
#: What else the rebuild that follows ``records_changed`` brings up to date: the share of
#: active groups is an indicator of the Kampung KB's computed maturity level, re-evaluated
#: once the summaries are rebuilt (``convergence.review.services.evaluations_refresh_all``).
REFRESH_FIELDS = SPLIT_FIELDS | {"groups"}
POKJA_FIELDS = ("nama", "jabatan", "seksi", "telepon")
GROUP_FIELDS = ("jenis", "aktif", "tanggal_mulai")
PARTNER_FIELDS = ("jenis", "nama")
FUNDING_FIELDS = ("sumber", "keterangan")


def _ensure_may_edit(user, desa: Wilayah, *, creating: bool = False) -> None:
    # ``user=None`` is the system itself (management commands such as the demo seed);
    # views always pass request.user, which is never None.
    if user is None:
        return
    allowed = can_register_kampung_kb(user) if creating else can_edit(user)
    if not allowed or not user_covers(user, desa.kode):
        raise PermissionDenied(_("You may not change Kampung KB data of this area."))


def _rows(instances, fields) -> list[dict]:
    return [snapshot(obj, fields) for obj in instances]


def _replace_children(kampung, model, related_name, fields, rows) -> tuple[list, list]:
    manager = getattr(kampung, related_name)
    before = _rows(manager.all(), fields)
    manager.all().delete()
    objs = [model(kampung=kampung, **{f: row.get(f) for f in fields}) for row in rows]
    for obj in objs:
        obj.full_clean(exclude=["kampung"])
    model.objects.bulk_create(objs)
    return before, _rows(manager.all(), fields)


@transaction.atomic
def kampung_kb_save(
    *,
    user,
    kampung: KampungKB | None,
    profile: dict,
    pokja: list[dict],
    groups: list[dict],
    partners: list[dict],
    funding: list[dict],
    is_demo: bool = False,
) -> KampungKB:
    """Create (``kampung=None``) or update a Kampung KB with its Pokja, groups, partners and
    funding, replacing the child lists as given."""
    desa = profile["desa"]
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("A Kampung KB belongs to a desa or kelurahan.")})
    creating = kampung is None
    _ensure_may_edit(user, desa, creating=creating)
    types = [g["jenis"] for g in groups]
    if len(set(types)) != len(types):
        # One row per type (the database's constraint): the form's rows carry their type in
        # a hidden field, which a page edited may repeat.
        raise ValidationError(_("Each type of activity group may be given only once."))
    if creating:
        kampung = KampungKB(is_demo=is_demo)
        before = {}
    else:
        kampung = KampungKB.objects.select_for_update().get(pk=kampung.pk)
        # An operator may not move a Kampung KB out of (or into) an area they do not cover.
        _ensure_may_edit(user, kampung.desa)
        before = snapshot(kampung, PROFILE_FIELDS)
    kampung.desa = desa
    kampung.nama = profile["nama"]
    kampung.tanggal_pencanangan = profile.get("tanggal_pencanangan")
    kampung.sk_nomor = profile.get("sk_nomor") or ""
    kampung.sk_tanggal = profile.get("sk_tanggal")
    kampung.catatan = profile.get("catatan") or ""
    kampung.full_clean()
    kampung.save()

    changes = diff(before, snapshot(kampung, PROFILE_FIELDS))
    known_groups = {g["jenis"] for g in groups}
    groups = list(groups) + [
        {"jenis": t, "aktif": False, "tanggal_mulai": None}
        for t in ActivityGroupType.values
        if t not in known_groups
    ]
    for label, model, related, fields, rows in (
        ("pokja", PokjaMember, "pokja_members", POKJA_FIELDS, pokja),
        ("groups", ActivityGroup, "groups", GROUP_FIELDS, groups),
        ("partners", Partner, "partners", PARTNER_FIELDS, partners),
        ("funding", FundingSource, "funding", FUNDING_FIELDS, funding),
    ):
        old, new = _replace_children(kampung, model, related, fields, rows)
        if old != new:
            changes[label] = [old, new]

    if creating or changes:
        audit_record(
            actor=user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=kampung,
            wilayah_kode=desa.kode,
            changes=changes,
        )
    if creating or changes.keys() & REFRESH_FIELDS:
        # The analytics split desa into Kampung KB and others by these, per period; the
        # rebuild then re-evaluates the maturity levels the groups feed.
        records_changed_on_commit(sender="wilayah")
    return kampung


def kampung_kb_analytics_refresh_on_commit() -> None:
    """Rebuild the summaries once this transaction commits, for a Kampung KB changed or
    deleted outside ``kampung_kb_save`` (a superuser in Django admin): the analytics count its
    desa as a Kampung KB from its launch, and the rebuild re-evaluates its maturity level."""
    records_changed_on_commit(sender="wilayah")


@transaction.atomic
def maturity_record_add(
    *,
    user,
    kampung: KampungKB,
    tingkat: str,
    tanggal: datetime.date,
    sumber: str,
    catatan: str = "",
) -> MaturityRecord:
    """Add a dated maturity level to a Kampung KB's history (the newest is current)."""
    _ensure_may_edit(user, kampung.desa)
    ensure_not_in_future(tanggal=tanggal)
    record = MaturityRecord(
        kampung=kampung,
        tingkat=tingkat,
        tanggal=tanggal,
        sumber=sumber,
        catatan=catatan,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=record,
        wilayah_kode=kampung.desa_id,
        changes={"kampung": kampung.pk, "tingkat": tingkat, "tanggal": tanggal, "sumber": sumber},
    )
    return record


def kampung_kb_personal_data_viewed(*, user, kampung: KampungKB) -> None:
    """Record that a user was shown the Pokja's names and phone numbers."""
    audit_read(actor=user, obj=kampung, wilayah_kode=kampung.desa_id)
