"""Writes of the cadres of a desa, their trainings and assignments, by whoever edits the desa
(``user=None``: the system)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.cadres.models import (
    TPK_ROLES,
    Assignment,
    Cadre,
    TpkMembership,
    Training,
)
from kampungkb.convergence.guards import ensure_area_editor
from kampungkb.core.audit import audit_read, audit_record, audited_save
from kampungkb.core.models import AuditAction
from kampungkb.core.scoping import covered_kode
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import Level

CADRE_FIELDS = ("desa", "nama", "peran", "telepon", "aktif")


@transaction.atomic
def cadre_save(
    *,
    user,
    cadre: Cadre | None = None,
    desa,
    nama: str,
    peran: str,
    telepon: str = "",
    aktif: bool = True,
    is_demo: bool = False,
) -> Cadre:
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    ensure_area_editor(user, desa.kode)
    creating = cadre is None
    if not creating:
        ensure_area_editor(user, cadre.desa_id)
    cadre = cadre or Cadre(is_demo=is_demo)
    # The trail keeps what changed, old and new (a correction of a name, a phone number or
    # a role is read there as it is in Django admin's entries).
    audited_save(
        cadre,
        actor=user,
        fields=CADRE_FIELDS,
        values={"desa": desa, "nama": nama, "peran": peran, "telepon": telepon, "aktif": aktif},
        wilayah_kode=desa.kode,
    )
    if not creating:
        tpk_membership_end_if_unfit(user=user, cadre=cadre)
    return cadre


@transaction.atomic
def training_add(
    *, user, cadre: Cadre, tanggal, topik: str, penyelenggara: str, sertifikat: str = ""
) -> Training:
    ensure_area_editor(user, cadre.desa_id)
    ensure_not_in_future(tanggal=tanggal)
    training = Training(
        cadre=cadre,
        tanggal=tanggal,
        topik=topik,
        penyelenggara=penyelenggara,
        sertifikat=sertifikat,
    )
    audited_save(
        training,
        actor=user,
        fields=["cadre", "topik", "tanggal"],
        wilayah_kode=cadre.desa_id,
        created_as="values",
    )
    return training


@transaction.atomic
def assignment_add(*, user, cadre: Cadre, tugas: str, mulai, selesai=None) -> Assignment:
    ensure_area_editor(user, cadre.desa_id)
    if selesai and selesai < mulai:
        raise ValidationError({"selesai": _("The end date is before the start date.")})
    assignment = Assignment(cadre=cadre, tugas=tugas, mulai=mulai, selesai=selesai)
    audited_save(
        assignment,
        actor=user,
        fields=["cadre", "tugas"],
        wilayah_kode=cadre.desa_id,
        created_as="values",
    )
    return assignment


def cadres_personal_data_viewed(*, user, cadres) -> None:
    """Record that a user was shown the cadres' names and phone numbers (the list): which
    cadres, by id."""
    audit_read(
        actor=user,
        obj=Cadre,
        wilayah_kode=covered_kode(user) or "",
        details={"page": "list", "ids": [c.pk for c in cadres]},
    )


def kpm_names_viewed(*, user, rows: list[dict]) -> None:
    """Record that a user was shown the names of their area's KPM (``selectors.kpm_per_desa``,
    on the page of aksi 5): which cadres, by id; nothing when no name was shown."""
    ids = [pk for row in rows for pk in row["ids"] or ()]
    if not ids:
        return
    audit_read(
        actor=user,
        obj=Cadre,
        wilayah_kode=covered_kode(user) or "",
        details={"page": "aksi_5_kpm", "ids": ids},
    )


def cadre_personal_data_viewed(*, user, cadre: Cadre) -> None:
    """Record that a user was shown one cadre's name, phone number and trainings."""
    audit_read(actor=user, obj=cadre, wilayah_kode=cadre.desa_id, details={"page": "detail"})


def _membership_end(*, user, link: TpkMembership) -> None:
    """Delete ``link``, recorded as the link's deletion, with who it was."""
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=link,
        wilayah_kode=link.team.desa_id,
        changes={"cadre": link.cadre_id, "peran": link.peran, "team": link.team_id},
    )
    link.delete()


@transaction.atomic
def tpk_membership_end_if_unfit(*, user, cadre: Cadre) -> None:
    """End the TPK team membership of ``cadre`` (as saved) once they can no longer hold it:
    deactivated, moved to another desa, or given another role, as ``tpk_member_assign``
    would refuse them. The team then shows the role as missing, as it is, and a cadre of the
    team's desa can be given it."""
    link = TpkMembership.objects.select_related("team").filter(cadre=cadre).first()
    if link is None:
        return
    if cadre.aktif and cadre.desa_id == link.team.desa_id and cadre.peran == link.peran:
        return
    _membership_end(user=user, link=link)


@transaction.atomic
def tpk_member_assign(*, user, team, cadre: Cadre) -> TpkMembership:
    """Make ``cadre`` (a TPK bidan, PKK cadre or KB cadre of the team's desa) the member of
    ``team`` in its role, replacing whoever held that role."""
    ensure_area_editor(user, team.desa_id)
    if cadre.peran not in TPK_ROLES:
        raise ValidationError({"cadre": _("Only a TPK bidan, PKK cadre or KB cadre can join.")})
    if cadre.desa_id != team.desa_id:
        raise ValidationError({"cadre": _("The cadre works in another desa.")})
    if not cadre.aktif:
        raise ValidationError({"cadre": _("The cadre is not active.")})
    # Whoever held the role leaves the team: recorded as the link's deletion, with who it was.
    replaced = TpkMembership.objects.filter(team=team, peran=cadre.peran).exclude(cadre=cadre)
    for link in replaced.select_related("team"):
        _membership_end(user=user, link=link)
    link = TpkMembership.objects.filter(cadre=cadre).first() or TpkMembership(cadre=cadre)
    audited_save(
        link,
        actor=user,
        fields=("team", "cadre", "peran"),
        values={"team": team, "peran": cadre.peran},
        wilayah_kode=team.desa_id,
    )
    return link
