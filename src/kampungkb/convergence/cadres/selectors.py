"""Reads of the cadres: who works in each desa of the user's area and where a desa lacks a
trained KPM or a complete TPK."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from kampungkb.convergence.cadres.models import TPK_ROLES, Cadre, CadreRole
from kampungkb.core.permissions import can_view_personal_data
from kampungkb.wilayah.models import Wilayah


def cadre_list(*, user, desa: str = ""):
    qs = (
        Cadre.objects.for_user(user)
        .select_related("desa")
        .annotate(n_trainings=Count("trainings"))
        .order_by("desa_id", "peran", "nama")
    )
    if desa:
        qs = qs.filter(desa_id=desa)
    return qs


def cadre_counts(*, user) -> list[dict]:
    """Return, per desa of the user's area and per role, how many cadres are active and how
    many of those are trained: the cadre list of those who may not see the cadres' names."""
    rows = list(
        Cadre.objects.for_user(user)
        .values("desa_id", "desa__nama", "peran")
        .annotate(
            n_active=Count("id", filter=Q(aktif=True), distinct=True),
            n_trained=Count("id", filter=Q(aktif=True, trainings__isnull=False), distinct=True),
        )
        .order_by("desa_id", "peran")
    )
    for r in rows:
        r["peran_label"] = CadreRole(r["peran"]).label
    return rows


def cadre_get(*, user, pk: int) -> Cadre:
    return get_object_or_404(
        Cadre.objects.for_user(user)
        .select_related("desa")
        .prefetch_related("trainings", "assignments"),
        pk=pk,
    )


def desa_gaps(*, user) -> list:
    """Return the desa in the user's area, each saying whether it has a trained KPM and a
    complete TPK (an active bidan, PKK cadre and KB cadre); gaps first."""

    def active(role):
        return Cadre.objects.filter(desa_id=OuterRef("kode"), peran=role, aktif=True)

    qs = (
        Wilayah.objects.for_user(user)
        .desa()
        .select_related("parent")
        .annotate(
            trained_kpm=Exists(active(CadreRole.KPM).filter(trainings__isnull=False)),
            has_kpm=Exists(active(CadreRole.KPM)),
            **{f"has_{r}": Exists(active(r)) for r in TPK_ROLES},
        )
        .order_by("kode")
    )
    out = []
    for d in qs:
        d.tpk_missing = [CadreRole(r).label for r in TPK_ROLES if not getattr(d, f"has_{r}")]
        d.tpk_complete = not d.tpk_missing
        d.has_gap = not (d.trained_kpm and d.tpk_complete)
        out.append(d)
    return sorted(out, key=lambda d: (not d.has_gap, d.kode))


def kpm_per_desa(*, user) -> list[dict]:
    """Return each desa in the user's area with the number of its active KPM (an Aksi 5
    output) and, for those who may see personal data, their names and ids (``None``
    otherwise: the ids are for the audit trail of who was shown the names)."""
    names = defaultdict(list)
    ids = defaultdict(list)
    for c in Cadre.objects.for_user(user).filter(peran=CadreRole.KPM, aktif=True):
        names[c.desa_id].append(c.nama)
        ids[c.desa_id].append(c.pk)
    shown = can_view_personal_data(user)
    return [
        {
            "desa": d,
            "n": len(names.get(d.kode, [])),
            "kpm": names.get(d.kode, []) if shown else None,
            "ids": ids.get(d.kode, []) if shown else None,
        }
        for d in Wilayah.objects.for_user(user).desa().order_by("kode")
    ]


def tpk_member_choices(*, user, team):
    """The cadres who may join ``team``: the active TPK bidan, PKK and KB cadres of its desa,
    inside the user's area, by role."""
    return (
        Cadre.objects.for_user(user)
        .filter(desa_id=team.desa_id, peran__in=TPK_ROLES, aktif=True)
        .order_by("peran", "nama")
    )
