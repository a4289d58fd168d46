"""The demo's TPK teams get their members: each demo team (families app) takes the demo
TPK cadres of its desa (a desa without one of the three roles keeps an incomplete team)."""

from django.db import transaction

from kampungkb.convergence.cadres.models import TPK_ROLES, Cadre
from kampungkb.convergence.cadres.services import tpk_member_assign
from kampungkb.families.models import TpkTeam


@transaction.atomic
def seed_demo_tpk_members() -> int:
    """Link the demo cadres to the demo teams that have no member yet; return the links made."""
    made = 0
    teams = TpkTeam.objects.filter(is_synthetic=True, memberships__isnull=True).order_by("pk")
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
    return made
