"""The TPK demo: teams with their cadres, targets from the demo children and families, a year
of visits with some overdue; made once."""

import datetime

from kampungkb.convergence.cadres.demo import seed_demo_tpk_members
from kampungkb.convergence.cadres.services import cadre_save
from kampungkb.families.tpk.demo import seed_demo_tpk
from kampungkb.families.tpk.models import Target, TargetKind, TpkTeam, Visit
from kampungkb.families.tpk.selectors import overdue
from kampungkb.growth.demo import seed_growth
from tests import factories

TODAY = datetime.date.today()


def test_the_demo_draws_targets_from_the_demo_and_has_overdue_visits(beltim, users):
    seed_growth(n_children=60)
    survey = factories.family_row(
        members=[
            {
                "nama": "Istri Demo",
                "hubungan": 2,
                "tanggal_lahir": "1996-01-01",
                "hamil": True,
                "nik": "1906014101960009",
            }
        ]
    )
    for role in ("tpk_bidan", "tpk_pkk", "tpk_kb"):
        cadre_save(user=None, desa=survey.keluarga.desa, nama=f"Demo {role}", peran=role)
    counts = seed_demo_tpk(n_children=100, today=TODAY)
    assert counts["teams"] >= 1 and counts["visits"] > 0
    assert seed_demo_tpk_members() >= 3
    kinds = set(Target.objects.values_list("kind", flat=True))
    assert {TargetKind.IBU_HAMIL, TargetKind.BADUTA} <= kinds
    assert Target.objects.filter(member__survey=survey).exists()
    assert not Target.objects.filter(is_synthetic=False).exists()
    assert Visit.objects.filter(tanggal__lt=TODAY - datetime.timedelta(days=200)).exists()
    assert overdue(user=users["admin"], on=TODAY)
    team = TpkTeam.objects.get(desa=survey.keluarga.desa)
    assert team.missing_roles() == []
    assert seed_demo_tpk(n_children=100, today=TODAY) == {"skipped": True}


def test_the_demo_pregnancies_have_anc_contacts_and_the_mothers_kb_decisions(beltim, users):
    from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan
    from kampungkb.families.tpk.pregnancy.selectors import pregnancy_list

    seed_growth(n_children=60)
    counts = seed_demo_tpk(n_children=200, today=TODAY)
    assert counts["anc"] > 0
    contacts = AncContact.objects.select_related("target")
    assert all(c.is_synthetic and c.target.hpht <= c.tanggal <= TODAY for c in contacts)
    mothers = Target.objects.filter(kind=TargetKind.PASCA_PERSALINAN)
    assert KbPascaPersalinan.objects.count() == counts["kb"] <= mothers.count()
    rows = pregnancy_list(user=users["admin"], on=TODAY)
    assert rows and all(r.summary.anc.total == r.target.anc_contacts.count() for r in rows)
