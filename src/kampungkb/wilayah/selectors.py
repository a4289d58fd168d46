"""Reads of wilayah and the Kampung KB registry. Every function takes the acting user and
returns only what that user's area covers; another area's object is a 404."""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from kampungkb.core.permissions import is_district_admin
from kampungkb.core.rounding import percent, proportion
from kampungkb.core.scoping import covered_kode, user_covers, within_q
from kampungkb.wilayah.models import KODE_LENGTH, KampungKB, Level, MaturityRecord, Wilayah

# The level of the areas directly inside each level that has desa below it.
CHILD_LEVEL = {Level.PROVINSI: Level.KABUPATEN, Level.KABUPATEN: Level.KECAMATAN}


def _with_kampung(qs):
    return qs.annotate(
        has_kampung_kb=Exists(KampungKB.objects.filter(desa_id=OuterRef("kode")))
    ).select_related("kampung_kb")


def wilayah_area(*, user) -> Wilayah | None:
    """Return the wilayah the user covers (the top of what they see)."""
    area = covered_kode(user)
    if area is None:
        return None
    if area == "":
        return Wilayah.objects.filter(level=Level.KABUPATEN).order_by("kode").first()
    return Wilayah.objects.filter(kode=area).first()


def wilayah_get(*, user, kode: str) -> Wilayah:
    return get_object_or_404(Wilayah.objects.for_user(user).select_related("parent"), kode=kode)


def wilayah_children(*, user, wilayah: Wilayah):
    """Return the scoped child areas of ``wilayah``, with desa and Kampung KB counts: the desa
    inside each (a provinsi's kabupaten hold theirs through their kecamatan)."""
    qs = Wilayah.objects.for_user(user).filter(parent=wilayah)
    if wilayah.level == Level.KECAMATAN:
        return _with_kampung(qs).order_by("kode")
    children = list(qs.defer("boundary").order_by("kode"))
    if wilayah.level not in CHILD_LEVEL:
        return children
    width = KODE_LENGTH[CHILD_LEVEL[wilayah.level]]
    desa = (
        Wilayah.objects.for_user(user)
        .desa()
        .within(wilayah.kode)
        .annotate(has_kampung_kb=Exists(KampungKB.objects.filter(desa_id=OuterRef("kode"))))
    )
    n_desa, n_kampung_kb = Counter(), Counter()
    for kode, has_kampung_kb in desa.values_list("kode", "has_kampung_kb"):
        child_kode = kode[:width]
        n_desa[child_kode] += 1
        n_kampung_kb[child_kode] += bool(has_kampung_kb)
    for child in children:
        child.n_desa, child.n_kampung_kb = n_desa[child.kode], n_kampung_kb[child.kode]
    return children


def kecamatan_list(*, user):
    """Return the kecamatan the user sees, each with its scoped desa (and Kampung KB)."""
    desa = _with_kampung(Wilayah.objects.for_user(user).desa()).order_by("kode")
    kecamatan = {
        w.kode: w
        for w in Wilayah.objects.filter(kode__in={d.kode[:8] for d in desa}).order_by("kode")
    }
    for k in kecamatan.values():
        k.scoped_desa = []
    for d in desa:
        kecamatan[d.kode[:8]].scoped_desa.append(d)
    for k in kecamatan.values():
        k.n_kampung_kb = sum(1 for d in k.scoped_desa if d.has_kampung_kb)
        # A desa operator sees its kecamatan's name, but its page answers 404: no link to it.
        k.in_area = user_covers(user, k.kode)
    return list(kecamatan.values())


def kampung_kb_list(*, user, kecamatan: str = "", search: str = ""):
    qs = (
        KampungKB.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related(
            Prefetch("maturity_records", queryset=MaturityRecord.objects.order_by("-tanggal"))
        )
        .annotate(n_active_groups=Count("groups", filter=Q(groups__aktif=True)))
    )
    if kecamatan:
        qs = qs.filter(within_q("desa__kode", kecamatan))
    if search:
        qs = qs.filter(Q(nama__icontains=search) | Q(desa__nama__icontains=search))
    return qs.order_by("desa_id")


def kampung_kb_get(*, user, pk: int) -> KampungKB:
    return get_object_or_404(
        KampungKB.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("pokja_members", "groups", "partners", "funding", "maturity_records"),
        pk=pk,
    )


def desa_without_kampung_kb(*, user, include: str = ""):
    """Return the desa in the user's area that have no Kampung KB yet (plus ``include``,
    the desa of the Kampung KB being edited)."""
    return (
        Wilayah.objects.for_user(user)
        .desa()
        .filter(Q(kampung_kb__isnull=True) | Q(kode=include))
        .select_related("parent")
        .order_by("kode")
    )


def area_summary(*, user) -> dict:
    """Return the headline counts for the user's home page."""
    desa = Wilayah.objects.for_user(user).desa()
    kampung = KampungKB.objects.for_user(user).prefetch_related("maturity_records")
    levels = Counter((k.current_maturity.tingkat if k.current_maturity else "") for k in kampung)
    n_desa = desa.count()
    n_kampung_kb = sum(levels.values())
    return {
        "n_kecamatan": len({d[:8] for d in desa.values_list("kode", flat=True)}),
        "n_desa": n_desa,
        "n_kampung_kb": n_kampung_kb,
        # Rounded by the one rule (``core.rounding``), as the district target page shows it.
        "coverage": percent(proportion(n_kampung_kb, n_desa)),
        "levels": levels,
    }


def managed_kabupaten(user) -> Wilayah | None:
    """The district whose settings and publications the user manages (district admins only)."""
    if not is_district_admin(user):
        return None
    if user.is_superuser and not getattr(user, "wilayah_id", None):
        return Wilayah.objects.filter(level=Level.KABUPATEN).order_by("kode").first()
    return Wilayah.objects.filter(kode=(user.wilayah_id or "")[:5], level=Level.KABUPATEN).first()
