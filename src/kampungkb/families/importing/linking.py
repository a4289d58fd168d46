"""Link the children among a file's members to their growth records (issue 13, item 4).

A member is a candidate when under five on the survey date (``growth.services.MAX_AGE_DAYS``),
or when a child of the head (relation 3) born within the range of the growth children's
dates of birth. A candidate is matched to ``growth.Child``:

1. by NIK: the same child only when the sex and the date of birth agree exactly and the child
   lies in the user's area; otherwise a conflict, listed and not linked, with one reason for
   every case (as ``growth.services.child_nik_conflict_reason``: a NIK outside the area is
   never revealed);
2. else by ``growth.services.child_match_key`` (normalised name, date of birth, the name of the
   family's wife as the mother, desa), among the children whose NIK is empty or the member's:
   one candidate is linked, two or more are listed as ambiguous and never linked.
"""

import datetime

from django.db.models import Max, Min
from django.utils.translation import gettext as _

from kampungkb.core.lookups import keys_in
from kampungkb.core.privacy import mask_nik
from kampungkb.families.importing.planning import Round
from kampungkb.families.importing.rows import MemberRow
from kampungkb.families.models import Relation
from kampungkb.growth.importing.wilayah import WilayahIndex
from kampungkb.growth.models import Child
from kampungkb.growth.services import MAX_AGE_DAYS, child_match_key


def link_conflict_reason() -> str:
    return _(
        "This NIK is registered for a growth child whose sex or date of birth differ, or who "
        "is outside your area; the member was not linked. Check the NIK, sex and date of birth."
    )


CHILD = int(Relation.CHILD)


def _days_before(day: datetime.date, days: int) -> datetime.date:
    """``day`` less ``days`` days: a date born on or after it is at most ``days`` old on
    ``day`` (``(day - born).days <= days``)."""
    try:
        return day - datetime.timedelta(days=days)
    except OverflowError:  # before the first day there is: every birth is on or after it
        return datetime.date.min


def _mother(rnd: Round) -> str:
    women = [r for r in rnd.rows if r.jenis_kelamin == "P"]
    for relation in (Relation.SPOUSE, Relation.HEAD):
        for row in women:
            if row.hubungan == relation:
                return row.nama
    return ""


def _dob_range(desas: set[str]) -> tuple[datetime.date, datetime.date] | None:
    found = Child.objects.filter(desa_id__in=desas).aggregate(
        lo=Min("tanggal_lahir"), hi=Max("tanggal_lahir")
    )
    return None if found["lo"] is None else (found["lo"], found["hi"])


def _listed(row: MemberRow, rnd: Round, reason: str) -> dict:
    return {
        "row": row.number,
        "no_kk": mask_nik(rnd.no_kk),
        "nama": row.nama,
        "tanggal_lahir": row.tanggal_lahir.isoformat(),
        "reason": reason,
    }


def children_link(rounds: list[Round], *, index: WilayahIndex) -> dict[str, list[dict]]:
    """Set ``child_id`` on the members of ``rounds`` matched to a growth child; return the
    members listed as ``conflicts`` (NIK) and ``ambiguous`` (two or more children)."""
    out: dict[str, list[dict]] = {"conflicts": [], "ambiguous": [], "linked": []}
    if not rounds:
        return out
    dobs = _dob_range({r.first.desa_kode for r in rounds})
    candidates: list[tuple[MemberRow, Round, str]] = []
    lowest, highest = dobs if dobs is not None else (None, None)
    for rnd in rounds:
        mother = ""
        mother_done = False
        # Under five on the survey date: born on or after this day (one comparison a row).
        born_from = _days_before(rnd.tanggal, MAX_AGE_DAYS)
        for row in rnd.rows:
            born = row.tanggal_lahir
            if born < born_from and not (
                row.hubungan == CHILD and lowest is not None and lowest <= born <= highest
            ):
                continue
            if not mother_done:
                mother, mother_done = _mother(rnd), True
            key = child_match_key(
                nama=row.nama,
                tanggal_lahir=row.tanggal_lahir,
                nama_ibu=mother,
                desa_kode=row.desa_kode,
            )
            candidates.append((row, rnd, key))
    by_nik: dict[str, tuple] = {}
    for keys in keys_in({row.nik for row, _r, _k in candidates if row.nik}):
        for values in Child.objects.filter(nik__in=keys).values_list(
            "nik", "pk", "jenis_kelamin", "tanggal_lahir", "desa_id"
        ):
            by_nik[values[0]] = values[1:]
    by_key: dict[str, list[tuple[int, str | None]]] = {}
    for keys in keys_in({key for row, _r, key in candidates if row.nik not in by_nik}):
        for pk, key, nik in Child.objects.filter(match_key__in=keys).values_list(
            "pk", "match_key", "nik"
        ):
            by_key.setdefault(key, []).append((pk, nik))
    for row, rnd, key in candidates:
        if row.nik and row.nik in by_nik:
            pk, sex, born, desa = by_nik[row.nik]
            if index.covers(desa) and sex == row.jenis_kelamin and born == row.tanggal_lahir:
                row.child_id = pk
                out["linked"].append(_listed(row, rnd, ""))
            else:
                out["conflicts"].append(_listed(row, rnd, link_conflict_reason()))
            continue
        found = [pk for pk, nik in by_key.get(key, []) if not nik or nik == row.nik]
        if len(found) == 1:
            row.child_id = found[0]
            out["linked"].append(_listed(row, rnd, ""))
        elif len(found) > 1:
            out["ambiguous"].append(
                _listed(
                    row,
                    rnd,
                    _(
                        "%(n)d growth children have this name, date of birth, mother and desa; "
                        "the member was not linked. Give the member's NIK, or merge the "
                        "children's records."
                    )
                    % {"n": len(found)},
                )
            )
    return out
