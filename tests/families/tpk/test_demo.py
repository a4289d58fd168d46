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


def test_the_demo_draws_targets_from_the_demo_and_has_overdue_visits(beltim, users, today):
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
    counts = seed_demo_tpk(n_children=100, today=today)
    assert counts["teams"] >= 1 and counts["visits"] > 0
    assert seed_demo_tpk_members() >= 3
    kinds = set(Target.objects.values_list("kind", flat=True))
    assert {TargetKind.IBU_HAMIL, TargetKind.BADUTA} <= kinds
    assert Target.objects.filter(member__survey=survey).exists()
    assert not Target.objects.filter(is_synthetic=False).exists()
    assert Visit.objects.filter(tanggal__lt=today - datetime.timedelta(days=200)).exists()
    assert overdue(user=users["admin"], on=today)
    team = TpkTeam.objects.get(desa=survey.keluarga.desa)
    assert team.missing_roles() == []
    assert seed_demo_tpk(n_children=100, today=today) == {"skipped": True}


def test_the_demo_pregnancies_have_anc_contacts_and_the_mothers_kb_decisions(beltim, users, today):
    from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan
    from kampungkb.families.tpk.pregnancy.selectors import pregnancy_list

    seed_growth(n_children=60)
    counts = seed_demo_tpk(n_children=200, today=today)
    assert counts["anc"] > 0
    contacts = AncContact.objects.select_related("target")
    assert all(c.is_synthetic and c.target.hpht <= c.tanggal <= today for c in contacts)
    mothers = Target.objects.filter(kind=TargetKind.PASCA_PERSALINAN)
    assert KbPascaPersalinan.objects.count() == counts["kb"] <= mothers.count()
    rows = pregnancy_list(user=users["admin"], on=today)
    assert rows and all(r.summary.anc.total == r.target.anc_contacts.count() for r in rows)


def test_every_desa_has_a_complete_team_and_targets_of_its_own_desa(beltim, users, today):
    from kampungkb.families.demo import seed_families
    from kampungkb.families.models import FamilyMember
    from kampungkb.families.tpk.scorecard.demo import seed_demo_scorecard
    from kampungkb.families.tpk.scorecard.models import ScorecardEntry
    from kampungkb.families.tpk.scorecard.quarters import Quarter
    from kampungkb.families.tpk.scorecard.selectors import (
        desa_levels,
        quarters_ending,
        scorecards_by_desa,
    )
    from kampungkb.wilayah.models import Level, Wilayah

    seed_growth(n_children=60, today=today)
    seed_families(today=today, n_children=60)
    counts = seed_demo_tpk(n_children=100, today=today)
    seed_demo_tpk_members()
    desa = set(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
    teams = TpkTeam.objects.filter(is_synthetic=True).prefetch_related("memberships")
    assert counts["teams"] == len(desa) == 39
    assert {t.desa_id for t in teams} == desa
    assert all(t.missing_roles() == [] for t in teams)
    targets = Target.objects.select_related("member__survey__keluarga", "child", "team")
    assert all(t.team.desa_id == t.desa_id for t in targets)
    from_members = [t for t in targets if t.member_id]
    assert from_members and all(
        t.member.survey.keluarga.desa_id == t.desa_id for t in targets if t.member_id
    )
    pregnant = [t for t in from_members if t.kind == TargetKind.IBU_HAMIL]
    assert pregnant and all(t.member.hamil for t in pregnant)
    children = [t for t in targets if t.child_id]
    assert children and all(t.child.desa_id == t.desa_id for t in children)
    with_family = set(FamilyMember.objects.values_list("child_id", flat=True))
    assert all(t.child_id in with_family for t in children)
    catin = [t for t in targets if t.kind == TargetKind.CATIN]
    assert any(t.member_id for t in catin)
    # Deliveries of the past year: the pregnancy and the 42 days after it have ended.
    past = Target.objects.filter(kind=TargetKind.IBU_HAMIL, aktif=False, next_stage__isnull=False)
    assert past.filter(tanggal_persalinan__lt=today - datetime.timedelta(days=120)).exists()
    assert Target.objects.filter(kind=TargetKind.PASCA_PERSALINAN, aktif=False).exists()

    # Four quarters of entries, and the pregnancy cells derived from the ANC records.
    assert seed_demo_scorecard(today=today) > 0
    quarters = set(ScorecardEntry.objects.values_list("tahun", "kuartal"))
    assert len(quarters) == 4
    cards = scorecards_by_desa(
        user=users["admin"], area_kode="", quarter=Quarter.of(today), today=today
    )
    derived = {
        ind.key
        for card in cards.values()
        for row in card.groups["ibu_hamil"].rows
        for ind, cell in row.cells
        if cell.source == "derived"
    }
    assert {"ih_anc4", "ih_ttd90"} <= derived
    # Quarter on quarter, the levels move.
    levels = desa_levels(
        user=users["admin"],
        area=Wilayah.objects.get(kode="19.06"),
        quarters=quarters_ending(Quarter.of(today)),
        today=today,
    )
    assert any(row.change for row in levels)
