"""The importer's decisions on posyandu names that match none of their desa: another name of
one of the desa's posyandu (a :class:`PosyanduAlias`, matched without a question by every
later import) or a new posyandu (made when the import is saved, never before)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area
from kampungkb.growth.importing.places import posyandu_key
from kampungkb.growth.models import Posyandu, PosyanduAlias

#: The choice that makes the name a new posyandu.
NEW = "baru"


@dataclass(frozen=True)
class PosyanduDecision:
    """One name of a file in a desa, and what it is: a posyandu's id, :data:`NEW`, or ""
    (not decided yet)."""

    desa_kode: str
    nama: str
    choice: str


def _ensure_may_edit(user, desa_kode: str) -> None:
    if user is not None and not can_edit_area(user, desa_kode):
        raise PermissionDenied(_("You may not change records of this area."))


@transaction.atomic
def posyandu_alias_save(*, user, desa_kode: str, nama: str, posyandu: Posyandu) -> PosyanduAlias:
    """Remember ``nama`` as another name of ``posyandu`` in its desa ``desa_kode`` (the alias
    of the same name there, if any, now names this posyandu)."""
    _ensure_may_edit(user, desa_kode)
    key = posyandu_key(nama)
    if not key:
        raise ValidationError(_("Enter the posyandu name as the file writes it."))
    if posyandu.desa_id != desa_kode:
        raise ValidationError(
            _("Posyandu %(posyandu)s is not in the desa of “%(name)s”.")
            % {"posyandu": posyandu.nama, "name": nama}
        )
    by = user if getattr(user, "pk", None) else None
    alias = PosyanduAlias.objects.filter(desa_id=desa_kode, name_key=key).first()
    if alias is not None:
        if alias.posyandu_id == posyandu.pk:
            return alias
        before = alias.posyandu_id
        alias.posyandu = posyandu
        alias.save(update_fields=["posyandu"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=alias,
            wilayah_kode=desa_kode,
            changes={"posyandu": [before, posyandu.pk]},
        )
        return alias
    alias = PosyanduAlias.objects.create(
        desa_id=desa_kode, nama=nama[:150], name_key=key, posyandu=posyandu, created_by=by
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=alias,
        wilayah_kode=desa_kode,
        changes={"nama": alias.nama, "posyandu": posyandu.pk},
    )
    return alias


@transaction.atomic
def posyandu_alias_delete(*, user, alias: PosyanduAlias) -> None:
    """Forget an alias: the next import asks again about that name."""
    _ensure_may_edit(user, alias.desa_id)
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=alias,
        wilayah_kode=alias.desa_id,
        changes={"nama": alias.nama, "posyandu": alias.posyandu_id},
    )
    alias.delete()


@transaction.atomic
def posyandu_names_decide(*, user, decisions: list[PosyanduDecision]) -> frozenset[tuple[str, str]]:
    """Store the decisions that name a posyandu as aliases and return the (desa code, name
    key) of the names to make as new posyandu when the import is saved. A choice of a
    posyandu outside the name's desa or the user's area is refused (nothing is stored)."""
    create: set[tuple[str, str]] = set()
    for decision in decisions:
        desa, choice = decision.desa_kode, decision.choice
        if not choice:
            continue
        _ensure_may_edit(user, desa)
        if choice == NEW:
            if posyandu_key(decision.nama):
                create.add((desa, posyandu_key(decision.nama)))
            continue
        posyandu = None
        if choice.isascii() and choice.isdigit() and len(choice) < 19:
            posyandu = Posyandu.objects.filter(pk=int(choice), desa_id=desa).first()
        if posyandu is None:
            raise ValidationError(
                _("Choose one of the posyandu of the desa for “%(name)s”.")
                % {"name": decision.nama}
            )
        posyandu_alias_save(user=user, desa_kode=desa, nama=decision.nama, posyandu=posyandu)
    return frozenset(create)
