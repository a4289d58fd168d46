"""Writes of the TPK work: teams, targets and their life cycle, visits. Each is one
transaction and leaves an audit entry."""

import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record, audited_save
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area, can_record_tpk_work
from kampungkb.core.privacy import mask_nik
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.families.tpk.lifecycle import add_years, estimated_hpht, target_state
from kampungkb.families.tpk.models import (
    MANUAL_END_REASONS,
    DeliveryOutcome,
    EndReason,
    Target,
    TargetKind,
    TpkTeam,
)

TARGET_FIELDS = (
    "kind",
    "desa",
    "team",
    "nama",
    "nik",
    "tanggal_lahir",
    "member",
    "keluarga",
    "child",
    "nama_pasangan",
    "nik_pasangan",
    "tanggal_rencana_nikah",
    "tanggal_nikah",
    "hpht",
    "hpl",
    "tanggal_persalinan",
    "hasil_persalinan",
    "berat_lahir",
    "panjang_lahir",
    "tanggal_daftar",
    "aktif",
    "tanggal_selesai",
    "alasan_selesai",
    "catatan_selesai",
    "catatan_buka",
    "previous",
)
# Fields a registration may set, by kind (the rest stay empty).
STAGE_FIELDS = {
    TargetKind.CATIN: ("nama_pasangan", "nik_pasangan", "tanggal_rencana_nikah"),
    TargetKind.IBU_HAMIL: ("hpht", "hpl"),
    TargetKind.PASCA_PERSALINAN: (
        "tanggal_persalinan",
        "hasil_persalinan",
        "berat_lahir",
        "panjang_lahir",
    ),
    TargetKind.BADUTA: (),
    TargetKind.BALITA: (),
}
# A pregnancy is at most 44 weeks long: an HPHT further back is a typing error.
MAX_PREGNANCY_DAYS = 44 * 7
# A baby's birth date in growth may differ from the delivery date recorded by the TPK by a
# few days (typed later, from memory); more means another child.
BIRTH_DATE_SLACK_DAYS = 3


def _masked(values: dict) -> dict:
    # The trail must not become a second copy of whole NIKs.
    out = dict(values)
    for key in ("nik", "nik_pasangan"):
        if out.get(key):
            out[key] = mask_nik(out[key])
    return out


def ensure_may_work(user, desa_kode: str) -> None:
    if user is None:  # the system itself (demo seeding, the nightly transition)
        return
    if not can_record_tpk_work(user) or not can_edit_area(user, desa_kode):
        raise PermissionDenied(_("You may not change records of this area."))


def _save_target(target: Target, *, user, values: dict | None = None) -> Target:
    audited_save(
        target,
        actor=user,
        fields=TARGET_FIELDS,
        values=values,
        wilayah_kode=target.desa_id,
        audit_values=_masked,
    )
    records_changed_on_commit(sender="families")  # TPK summaries
    return target


def default_team(desa_kode: str) -> TpkTeam | None:
    """The team a new target of the desa goes to: its active team (the first by name)."""
    return TpkTeam.objects.filter(desa_id=desa_kode, aktif=True).order_by("nama", "pk").first()


# --- teams --------------------------------------------------------------------------------


def _hand_over(team: TpkTeam, successor: TpkTeam | None, *, user) -> None:
    """Give the active targets of ``team``, being deactivated, to ``successor``: an inactive
    team accompanies nobody, and a target left on it would drop out of the lists its desa's
    coordinators work from (refused, naming how many, when no successor is chosen)."""
    targets = list(
        Target.objects.active().filter(team=team).select_for_update(of=("self",)).order_by("pk")
    )
    if not targets:
        return
    if successor is None:
        others = TpkTeam.objects.filter(desa_id=team.desa_id, aktif=True).exclude(pk=team.pk)
        if not others.exists():
            raise ValidationError(
                {
                    "aktif": _(
                        "This team still accompanies %(n)d active targets and the desa has no "
                        "other active team: create one first, then give them to it here."
                    )
                    % {"n": len(targets)}
                }
            )
        raise ValidationError(
            {
                "successor": _(
                    "This team still accompanies %(n)d active targets: choose the team that "
                    "takes them over."
                )
                % {"n": len(targets)}
            }
        )
    # As it is now (it may have been deactivated since the form was shown).
    successor = TpkTeam.objects.select_for_update().filter(pk=successor.pk).first()
    if (
        successor is None
        or successor.pk == team.pk
        or successor.desa_id != team.desa_id
        or not successor.aktif
    ):
        raise ValidationError({"successor": _("Choose another active team of the same desa.")})
    for target in targets:
        _save_target(target, user=user, values={"team": successor})


@transaction.atomic
def team_save(
    *,
    user,
    desa,
    nama: str,
    aktif: bool = True,
    team: TpkTeam | None = None,
    successor: TpkTeam | None = None,
):
    """Create a TPK team of ``desa`` (or change ``team``). A team made inactive gives its
    active targets to ``successor``, an active team of the desa (``_hand_over``)."""
    ensure_may_work(user, desa.kode)
    nama = (nama or "").strip()
    if not nama:
        raise ValidationError({"nama": _("Give the team a name.")})
    if team is not None:
        team = TpkTeam.objects.select_for_update().get(pk=team.pk)
    team = team or TpkTeam(desa=desa)
    if TpkTeam.objects.filter(desa=desa, nama__iexact=nama).exclude(pk=team.pk).exists():
        raise ValidationError({"nama": _("This desa has a team with this name already.")})
    if not aktif and team.pk is not None:
        _hand_over(team, successor, user=user)
    audited_save(
        team,
        actor=user,
        fields=("desa", "nama", "aktif"),
        values={"desa": desa, "nama": nama, "aktif": aktif},
        wilayah_kode=desa.kode,
    )
    return team


@transaction.atomic
def target_team_assign(*, user, target: Target, team: TpkTeam | None) -> Target:
    """Give ``target`` to ``team`` (one team at a time; ``None`` takes it off any)."""
    ensure_may_work(user, target.desa_id)
    if team is not None and team.desa_id != target.desa_id:
        raise ValidationError({"team": _("Choose a team of the target's own desa.")})
    if team is not None and not team.aktif:
        raise ValidationError({"team": _("This team is no longer active.")})
    return _save_target(target, user=user, values={"team": team})


# --- targets ------------------------------------------------------------------------------


def _check_stage(kind: str, values: dict, *, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if kind == TargetKind.CATIN:
        planned = values.get("tanggal_rencana_nikah")
        if not planned:
            errors["tanggal_rencana_nikah"] = _("Enter the planned marriage date.")
        elif planned > add_years(today, 2):
            errors["tanggal_rencana_nikah"] = _(
                "A planned marriage is at most two years ahead: check the date."
            )
        elif planned < add_years(today, -1):
            errors["tanggal_rencana_nikah"] = _(
                "This planned marriage date is more than a year ago: record the marriage or "
                "check the date."
            )
        if not values.get("nama_pasangan"):
            errors["nama_pasangan"] = _("Enter the name of the partner (groom).")
    elif kind == TargetKind.IBU_HAMIL:
        hpht, hpl = values.get("hpht"), values.get("hpl")
        if not hpht and not hpl:
            errors["hpht"] = _("Enter the first day of the last period (HPHT) or the due date.")
        if hpht and hpht > today:
            errors["hpht"] = _("The first day of the last period cannot be in the future.")
        elif hpht and (today - hpht).days > MAX_PREGNANCY_DAYS:
            errors["hpht"] = _("This HPHT is more than 44 weeks ago: check the date.")
        if hpl and (hpl - today).days > 280:
            errors["hpl"] = _("A due date is at most 40 weeks ahead: check the date.")
        elif hpl and (today - hpl).days > 28:
            errors["hpl"] = _(
                "This due date passed more than 4 weeks ago: record the delivery or check the date."
            )
    elif kind == TargetKind.PASCA_PERSALINAN and not values.get("tanggal_persalinan"):
        errors["tanggal_persalinan"] = _("Enter the delivery date.")
    if errors:
        raise ValidationError(errors)


def _check_child(kind: str, child, desa_kode: str, on: datetime.date) -> None:
    if child is None:
        raise ValidationError({"child": _("Choose the child (registered in growth).")})
    if child.desa_id != desa_kode:
        raise ValidationError({"child": _("The child lives in another desa.")})
    if kind == TargetKind.BADUTA and on >= add_years(child.tanggal_lahir, 2):
        raise ValidationError({"child": _("The child is two years old or older: a balita.")})
    if kind == TargetKind.BALITA and not (
        add_years(child.tanggal_lahir, 2) <= on < add_years(child.tanggal_lahir, 5)
    ):
        raise ValidationError({"child": _("A balita target is a child of 2 to 4 years.")})


@transaction.atomic
def target_register(
    *,
    user,
    kind: str,
    desa=None,
    member=None,
    child=None,
    nama: str = "",
    nik: str = "",
    tanggal_lahir: datetime.date | None = None,
    team: TpkTeam | None = None,
    tanggal_daftar: datetime.date | None = None,
    is_synthetic: bool = False,
    **stage,
) -> Target:
    """Register a TPK target: from a family member (``member``; the name, NIK, date of birth,
    family and desa are the member's) or directly (``desa``, ``nama``, ``nik``). ``stage``
    holds the fields of its kind (``STAGE_FIELDS``)."""
    today = datetime.date.today()
    tanggal_daftar = tanggal_daftar or today
    if kind not in TargetKind.values:
        raise ValidationError({"kind": _("Choose the type of target.")})
    unknown = set(stage) - set(STAGE_FIELDS[kind])
    if unknown:
        raise TypeError(f"fields not of a {kind} target: {sorted(unknown)}")
    keluarga = None
    if member is not None:
        keluarga = member.survey.keluarga
        desa = keluarga.desa
        nama, nik, tanggal_lahir = member.nama, member.nik, member.tanggal_lahir
        child = child or member.child
    if kind in (TargetKind.BADUTA, TargetKind.BALITA) and child is not None:
        desa = desa or child.desa
        nama = nama or child.nama
        nik = nik or child.nik
        tanggal_lahir = tanggal_lahir or child.tanggal_lahir
    if desa is None:
        raise ValidationError({"desa": _("Choose the desa.")})
    ensure_may_work(user, desa.kode)
    ensure_not_in_future(tanggal_daftar=tanggal_daftar, tanggal_lahir=tanggal_lahir)
    if not (nama or "").strip():
        raise ValidationError({"nama": _("Enter the name.")})
    _check_stage(kind, stage, today=today)
    if kind == TargetKind.PASCA_PERSALINAN:
        ensure_not_in_future(tanggal_persalinan=stage["tanggal_persalinan"])
    if kind in (TargetKind.BADUTA, TargetKind.BALITA):
        _check_child(kind, child, desa.kode, tanggal_daftar)
    _ensure_not_registered(kind, member=member, child=child, nik=nik)
    if team is not None and team.desa_id != desa.kode:
        raise ValidationError({"team": _("Choose a team of the target's own desa.")})
    target = Target(
        kind=kind,
        desa=desa,
        team=team or default_team(desa.kode),
        nama=nama.strip(),
        nik=nik or "",
        tanggal_lahir=tanggal_lahir,
        member=member,
        keluarga=keluarga,
        child=child,
        tanggal_daftar=tanggal_daftar,
        is_synthetic=is_synthetic,
        **stage,
    )
    if not target_state(target, tanggal_daftar).active:
        raise ValidationError(
            _("This target has already left this stage on its registration date.")
        )
    return _save_target(target, user=user)


def _ensure_not_registered(kind: str, *, member, child, nik: str) -> None:
    same = Target.objects.filter(kind=kind, aktif=True)
    if member is not None and same.filter(member=member).exists():
        raise ValidationError(_("This family member is an active target of this type already."))
    if child is not None and same.filter(child=child).exists():
        raise ValidationError(_("This child is an active target of this type already."))
    if nik and same.filter(nik=nik).exists():
        raise ValidationError({"nik": _("A target with this NIK is active already.")})


def targets_merge_problems(*, duplicate, kept, **_signal) -> list[str]:
    """Why two records of one growth child may not be merged (``growth.duplicates``): both
    are active TPK targets of the same stage, which a child never is twice
    (``_ensure_not_registered``)."""
    active = Target.objects.filter(aktif=True)
    kinds = set(active.filter(child=duplicate).values_list("kind", flat=True)) & set(
        active.filter(child=kept).values_list("kind", flat=True)
    )
    if not kinds:
        return []
    return [
        _(
            "Both records are active TPK targets (%(kinds)s): close the target of this record "
            "first (registered by mistake, on the target's page), then merge."
        )
        % {"kinds": ", ".join(str(TargetKind(k).label) for k in sorted(kinds))}
    ]


@transaction.atomic
def marriage_record(*, user, target: Target, tanggal_nikah: datetime.date) -> Target:
    """Record a catin couple's marriage: the catin stage ends on that day."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    ensure_may_work(user, target.desa_id)
    if target.kind != TargetKind.CATIN or not target.aktif:
        raise ValidationError(_("Only an active catin target can get a marriage."))
    ensure_not_in_future(tanggal_nikah=tanggal_nikah)
    if tanggal_nikah < add_years(target.tanggal_daftar, -1):
        raise ValidationError(
            {
                "tanggal_nikah": _(
                    "This marriage date is more than a year before the registration: check "
                    "the date."
                )
            }
        )
    _save_target(target, user=user, values={"tanggal_nikah": tanggal_nikah})
    return _apply_state(target, user=user, on=tanggal_nikah)


def _check_delivery_date(target: Target, day: datetime.date) -> None:
    """A delivery ends the pregnancy: not before it began (its HPHT), nor before an ANC
    contact recorded of it (a mistyped date would silently drop those contacts from its K4)."""
    hpht = estimated_hpht(target)
    if hpht and day < hpht:
        raise ValidationError(
            {
                "tanggal_persalinan": _("This date is before the pregnancy began (HPHT %(day)s).")
                % {"day": hpht.strftime("%d/%m/%Y")}
            }
        )
    last_contact = (
        target.anc_contacts.filter(tanggal__gt=day)
        .order_by("-tanggal")
        .values_list("tanggal", flat=True)
        .first()
    )
    if last_contact:
        raise ValidationError(
            {
                "tanggal_persalinan": _(
                    "An ANC contact of this pregnancy is recorded on %(day)s, after this date: "
                    "check the date."
                )
                % {"day": last_contact.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def delivery_record(
    *,
    user,
    target: Target,
    tanggal_persalinan: datetime.date,
    hasil_persalinan: str = DeliveryOutcome.LIVE_BIRTH,
    berat_lahir: int | None = None,
    panjang_lahir=None,
    child=None,
) -> Target:
    """Record a pregnant woman's delivery: the pregnancy ends and the mother becomes a pasca
    persalinan target (same team), which is returned. ``child`` is the baby's growth record,
    when it is registered (its birth weight and length fill in what is not given)."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    ensure_may_work(user, target.desa_id)
    if target.kind != TargetKind.IBU_HAMIL or not target.aktif:
        raise ValidationError(_("Only an active pregnancy can get a delivery."))
    ensure_not_in_future(tanggal_persalinan=tanggal_persalinan)
    _check_delivery_date(target, tanggal_persalinan)
    if hasil_persalinan not in DeliveryOutcome.values:
        raise ValidationError({"hasil_persalinan": _("Choose the outcome of the delivery.")})
    if child is not None:
        if child.desa_id != target.desa_id:
            raise ValidationError({"child": _("The child lives in another desa.")})
        if abs((child.tanggal_lahir - tanggal_persalinan).days) > BIRTH_DATE_SLACK_DAYS:
            raise ValidationError(
                {"child": _("This child was not born on the delivery date: check the choice.")}
            )
        if berat_lahir is None and child.berat_lahir is not None:
            berat_lahir = round(child.berat_lahir * 1000)
        if panjang_lahir is None:
            panjang_lahir = child.panjang_lahir
    delivery = {
        "tanggal_persalinan": tanggal_persalinan,
        "hasil_persalinan": hasil_persalinan,
        "berat_lahir": berat_lahir,
        "panjang_lahir": panjang_lahir,
    }
    _save_target(target, user=user, values=delivery)
    _apply_state(target, user=user, on=tanggal_persalinan)
    return target.next_stage


def _next_stage(target: Target, *, user, kind: str, on: datetime.date) -> Target:
    values = {
        "kind": kind,
        "desa": target.desa,
        "team": target.team,
        "nama": target.nama,
        "nik": target.nik,
        "tanggal_lahir": target.tanggal_lahir,
        "member": target.member,
        "keluarga": target.keluarga,
        "child": target.child,
        "tanggal_daftar": on,
        "previous": target,
        "is_synthetic": target.is_synthetic,
    }
    if kind == TargetKind.PASCA_PERSALINAN:
        values |= {
            f: getattr(target, f)
            for f in ("tanggal_persalinan", "hasil_persalinan", "berat_lahir", "panjang_lahir")
        }
        values["child"] = None
    nxt = Target(**values)
    return _save_target(nxt, user=user)


def _apply_state(target: Target, *, user, on: datetime.date) -> Target:
    """Close ``target`` if its rule says it ended by ``on``, and open its next stage."""
    state = target_state(target, on)
    if state.active or not target.aktif:
        return target
    _save_target(
        target,
        user=user,
        values={"aktif": False, "tanggal_selesai": state.ended_on, "alasan_selesai": state.reason},
    )
    if state.next_kind and not Target.objects.filter(previous=target).exists():
        nxt = _next_stage(target, user=user, kind=state.next_kind, on=state.ended_on)
        _apply_state(nxt, user=user, on=on)
    return target


def _day_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@transaction.atomic
def target_close(
    *, user, target: Target, tanggal: datetime.date, alasan: str, catatan: str = ""
) -> Target:
    """Close ``target`` by hand from day ``tanggal``: she moved out of the area, died, was
    registered by mistake (or another reason, told in ``catatan``). From that day she is out
    of the lists of whom to visit and of the scorecard's quarters that begin after it; the
    quarters before keep counting what was due then."""
    target = (
        Target.objects.select_for_update(of=("self",)).select_related("child").get(pk=target.pk)
    )
    ensure_may_work(user, target.desa_id)
    if not target.aktif:
        raise ValidationError(
            _("This target was closed on %(day)s already.")
            % {"day": _day_text(target.tanggal_selesai)}
        )
    ensure_not_in_future(tanggal=tanggal)
    catatan = (catatan or "").strip()
    errors: dict[str, str] = {}
    if alasan not in MANUAL_END_REASONS:
        errors["alasan"] = _("Choose why the target is closed.")
    elif alasan == EndReason.OTHER and not catatan:
        errors["catatan"] = _("Say why the target is closed.")
    if tanggal is None:
        errors["tanggal"] = _("Enter the date from which the target is closed.")
    elif tanggal < target.tanggal_daftar:
        errors["tanggal"] = _("The target was registered on %(day)s: not before it.") % {
            "day": _day_text(target.tanggal_daftar)
        }
    else:
        state = target_state(target, tanggal)
        if not state.active:
            # The stage ended by its own rule first: that end is the one to record.
            errors["tanggal"] = _(
                "The target's stage ended on %(day)s (%(reason)s): choose an earlier date."
            ) % {"day": _day_text(state.ended_on), "reason": EndReason(state.reason).label}
    if errors:
        raise ValidationError(errors)
    return _save_target(
        target,
        user=user,
        values={
            "aktif": False,
            "tanggal_selesai": tanggal,
            "alasan_selesai": alasan,
            "catatan_selesai": catatan,
            "catatan_buka": "",
        },
    )


@transaction.atomic
def target_reopen(*, user, target: Target, alasan: str) -> Target:
    """Undo a close by hand made by mistake (``alasan`` says why): the target is active again
    as if never closed, and its life-cycle rule applies on today."""
    target = (
        Target.objects.select_for_update(of=("self",)).select_related("child").get(pk=target.pk)
    )
    ensure_may_work(user, target.desa_id)
    if not target.closed_by_hand:
        raise ValidationError(_("Only a target closed by hand can be reopened."))
    alasan = (alasan or "").strip()
    if not alasan:
        raise ValidationError({"alasan": _("Say why the target is reopened.")})
    _ensure_not_registered(target.kind, member=target.member, child=target.child, nik=target.nik)
    _save_target(
        target,
        user=user,
        values={
            "aktif": True,
            "tanggal_selesai": None,
            "alasan_selesai": "",
            "catatan_selesai": "",
            "catatan_buka": alasan,
        },
    )
    # Closed long enough for her stage to end meanwhile: the next stage follows, as the
    # nightly transition would have done.
    return _apply_state(target, user=user, on=datetime.date.today())


@transaction.atomic
def targets_transition(*, user, on: datetime.date | None = None, desa_kode: str = "") -> int:
    """Apply the life-cycle rules on day ``on`` (today) to every active target (of one desa):
    end those whose stage is over and open the next stage. Return how many ended."""
    on = on or datetime.date.today()
    qs = Target.objects.active().select_related("child", "team", "desa").order_by("pk")
    if desa_kode:
        qs = qs.filter(desa_id=desa_kode)
    if user is not None:
        qs = qs.for_user(user)
    ended = 0
    for target in qs.select_for_update(of=("self",)):
        ensure_may_work(user, target.desa_id)
        if not target_state(target, on).active:
            _apply_state(target, user=user, on=on)
            ended += 1
    return ended


# The ends the child's age decides: a corrected date of birth moves them.
AGE_END_REASONS = (EndReason.TURNED_TWO, EndReason.TURNED_FIVE)


def _rule_state(target: Target, on: datetime.date):
    """The state the life-cycle rule gives ``target`` on ``on``, an end it wrote set aside."""
    probe = copy.copy(target)
    probe.aktif = True
    return target_state(probe, on)


def _stage_undo(nxt: Target, *, user, into: Target) -> None:
    """Undo ``nxt``, a stage the rule opened from a date since corrected (the person is still
    in the stage before it, ``into``): closed as registered by mistake on its first day (never
    in its stage: out of the lists and the scorecard), unlinked so that the rule can open the
    stage again when it comes; its visits were visits to ``into`` and move there."""
    for visit in nxt.visits.select_for_update().order_by("pk"):
        audited_save(
            visit,
            actor=user,
            fields=("target",),
            values={"target": into},
            clean=False,
            wilayah_kode=into.desa_id,
        )
    _save_target(
        nxt,
        user=user,
        values={
            "aktif": False,
            "tanggal_selesai": nxt.tanggal_daftar,
            "alasan_selesai": EndReason.MISTAKE,
            "catatan_selesai": _(
                "Opened from a date of birth since corrected: the child had not left the "
                "stage before."
            ),
            "previous": None,
        },
    )


def _stage_realign(target: Target, *, user, on: datetime.date) -> None:
    """Put a stage its age ended where the rule puts it now (see ``child_targets_realign``)."""
    nxt = Target.objects.select_for_update(of=("self",)).filter(previous=target).first()
    if nxt is not None and nxt.closed_by_hand:
        return  # the person left in the next stage: that close is a user's, it stands
    state = _rule_state(target, on)
    if state.active:
        _save_target(
            target, user=user, values={"aktif": True, "tanggal_selesai": None, "alasan_selesai": ""}
        )
        if nxt is not None:
            _stage_undo(nxt, user=user, into=target)
        return
    _save_target(
        target,
        user=user,
        values={"tanggal_selesai": state.ended_on, "alasan_selesai": state.reason},
    )
    if nxt is not None:
        _save_target(nxt, user=user, values={"tanggal_daftar": state.ended_on})
    elif state.next_kind:
        _apply_state(
            _next_stage(target, user=user, kind=state.next_kind, on=state.ended_on),
            user=user,
            on=on,
        )


@transaction.atomic
def child_targets_realign(*, user, child, on: datetime.date | None = None) -> None:
    """The child's date of birth was corrected: put its baduta and balita stages where the
    life-cycle rule puts them with the new date on day ``on`` (today), as the nightly
    transition would have had the date been right from the start. An active stage the new
    date ends is closed (and the next one opened); a stage its age ended moves its end (and
    the next stage's start) to the new birthday, or, still running by the new date, is active
    again and the next stage the old date opened is undone (``_stage_undo``). A close by
    hand stands, and so does a stage whose next one was closed by hand. Each write is
    audited, under ``user`` who corrected the date (``None``: the system)."""
    on = on or datetime.date.today()
    pks = list(
        Target.objects.filter(child=child, kind__in=(TargetKind.BADUTA, TargetKind.BALITA))
        .order_by("tanggal_daftar", "pk")
        .values_list("pk", flat=True)
    )
    for pk in pks:
        # Read afresh: the stage before may have moved or closed this one.
        target = Target.objects.select_for_update(of=("self",)).select_related("child").get(pk=pk)
        if target.tanggal_lahir != child.tanggal_lahir:
            _save_target(target, user=user, values={"tanggal_lahir": child.tanggal_lahir})
        if target.aktif:
            _apply_state(target, user=user, on=on)
        elif target.alasan_selesai in AGE_END_REASONS:
            _stage_realign(target, user=user, on=on)


def child_birth_date_corrected(sender, *, child, user, **kwargs) -> None:
    """Receiver of ``growth.signals.child_birth_date_corrected`` (``FamiliesConfig.ready``)."""
    child_targets_realign(user=user, child=child)


def target_viewed(*, user, target: Target) -> None:
    """Record that a user opened a target's personal record."""
    audit_record(actor=user, action=AuditAction.VIEW, obj=target, wilayah_kode=target.desa_id)


def targets_list_viewed(*, user, area, count: int) -> None:
    """Record that a user read a list of targets by name (one entry per request); ``area``
    (a team or a wilayah) is ``None`` for a list of the whole installation."""
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=Target if area is None else area,
        wilayah_kode="" if area is None else getattr(area, "desa_id", None) or area.pk,
        changes={"tpk_targets": count},
    )


__all__ = [
    "EndReason",
    "child_targets_realign",
    "default_team",
    "delivery_record",
    "marriage_record",
    "target_close",
    "target_register",
    "target_reopen",
    "target_team_assign",
    "target_viewed",
    "targets_list_viewed",
    "targets_transition",
    "team_save",
]
