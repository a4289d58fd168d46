"""The demo's TPK teams get their members: each demo team (families app) takes the demo
TPK cadres of its desa, and a new synthetic cadre for each of the three roles the desa has no
free cadre for, so every demo desa has a complete team."""

from django.db import transaction

from kampungkb.convergence.cadres.models import TPK_ROLES, Cadre
from kampungkb.convergence.cadres.services import cadre_save, tpk_member_assign
from kampungkb.families.models import TpkTeam

# The names of the cadres made for a missing role (synthetic).
NEW_CADRE_NAMES = {
    "tpk_bidan": "Bidan {desa} (demo)",
    "tpk_pkk": "Kader PKK {desa} (demo)",
    "tpk_kb": "Kader KB {desa} (demo)",
}


@transaction.atomic
def seed_demo_tpk_members() -> int:
    """Link the demo cadres to the demo teams that have no member yet, making a synthetic
    cadre for a role the desa lacks; return the links made."""
    made = 0
    teams = (
        TpkTeam.objects.filter(is_synthetic=True, memberships__isnull=True)
        .select_related("desa")
        .order_by("pk")
    )
    for team in teams:
        cadres = Cadre.objects.filter(
            desa_id=team.desa_id, peran__in=TPK_ROLES, aktif=True, tpk_membership__isnull=True
        ).order_by("peran", "pk")
        taken = set()
        for cadre in cadres:
            if cadre.peran in taken:
                continue
            tpk_member_assign(user=None, team=team, cadre=cadre)
            taken.add(cadre.peran)
            made += 1
        for role in TPK_ROLES:
            if role in taken:
                continue
            nama = NEW_CADRE_NAMES[role].format(desa=team.desa.nama)
            cadre = cadre_save(user=None, desa=team.desa, nama=nama, peran=role, is_demo=True)
            tpk_member_assign(user=None, team=team, cadre=cadre)
            made += 1
    return made
