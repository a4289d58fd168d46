"""The entry service (scope, permission, audit) and Table 4: the level formula, the coverage
per indicator, quarter on quarter, and the selector analytics read."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk.scorecard import selectors
from kampungkb.families.tpk.scorecard.card import Coverage, GroupScore, Scorecard, Targets
from kampungkb.families.tpk.scorecard.catalogue import BY_KEY
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.scorecard.services import scorecard_entry_save
from tests import factories
from tests.conftest import KURNIA_JAYA, MANGGAR

from .helpers import AFTER, Q3, D, baduta, card, pregnant, weigh


def _enter(user, target, key="an_pengasuhan", nilai="Y", quarter=Q3):
    return scorecard_entry_save(
        user=user, target=target, quarter=quarter, indikator=key, nilai=nilai, today=AFTER
    )


def test_the_level_is_sum_y_over_the_cells_that_apply_of_mothers_and_children():
    def cov(key, targets, y, ts):
        return Coverage(BY_KEY[key], targets=targets, y=y, ts=ts)

    groups = {
        "ibu_hamil": GroupScore(
            "ibu_hamil", coverage=[cov("ih_anc4", 4, 3, 1), cov("ih_nifas3", 4, 0, 3)]
        ),
        "anak": GroupScore("anak", coverage=[cov("an_timbang", 5, 2, 1), cov("an_akta", 5, 5, 0)]),
        "paud": GroupScore("paud", coverage=[cov("paud_aktif", 10, 0, 0)]),  # outside the level
    }
    card_ = Scorecard(Q3, groups, [], Targets(0, 0, None, 0, 0, 0, 0))
    # ibu: 3 Y of (3 + 1) applicable; anak: 7 Y of (4 + 5); level = 10 / 13
    assert groups["ibu_hamil"].share == pytest.approx(3 / 4)
    assert groups["anak"].share == pytest.approx(7 / 9)
    assert card_.level == pytest.approx(10 / 13)
    assert groups["anak"].coverage[0].share == pytest.approx(2 / 4)
    assert Scorecard(Q3, {g: GroupScore(g) for g in groups}, [], card_.targets).level is None


def test_the_kpm_enters_a_cell_audited_with_who_and_when(users):
    t = baduta(D(2024, 10, 5))
    cell = _enter(users["desa"], t)
    assert (cell.value, cell.source) == ("Y", "entered")
    entry = ScorecardEntry.objects.get()
    assert entry.entered_by == users["desa"] and entry.entered_at is not None
    audit = AuditEntry.objects.get(object_type="families.scorecardentry")
    assert audit.action == AuditAction.CREATE and audit.actor == users["desa"]
    _enter(users["desa"], t, nilai="T")
    assert ScorecardEntry.objects.get().nilai == "T"
    assert AuditEntry.objects.filter(
        object_type="families.scorecardentry", action=AuditAction.UPDATE
    ).exists()


def test_read_only_roles_and_operators_of_other_areas_may_not_enter(users, make_user):
    t = baduta(D(2024, 10, 5))
    for user in (users["mitra"], users["viewer"], make_user("operator_desa", factories.BATU_PENYU)):
        with pytest.raises(PermissionDenied):
            _enter(user, t)
    assert not ScorecardEntry.objects.exists()


def test_an_entry_is_refused_for_another_group_a_future_quarter_or_a_bad_value(users):
    t = baduta(D(2024, 10, 5))
    for key, nilai, quarter in (
        ("ih_anc4", "Y", Q3),  # a pregnant woman's indicator
        ("an_pengasuhan", "Y", Quarter(2026, 1)),  # after "today"
        ("an_pengasuhan", "TS", Q3),  # TS is decided by the rule here
        ("an_pengasuhan", "X", Q3),
        ("nope", "Y", Q3),
    ):
        with pytest.raises(ValidationError):
            _enter(users["desa"], t, key, nilai, quarter)
    assert not ScorecardEntry.objects.exists()


def test_the_desa_list_compares_the_level_quarter_on_quarter(users):
    t = baduta(D(2024, 6, 5))
    weigh(t, D(2025, 4, 3), D(2025, 5, 4), D(2025, 6, 3), D(2025, 7, 3), D(2025, 8, 3))
    rows = selectors.desa_levels(
        user=users["kecamatan"],
        area=factories.wilayah(MANGGAR),
        quarters=[Quarter(2025, 2), Q3],
        today=AFTER,
    )
    row = next(r for r in rows if r.desa.kode == KURNIA_JAYA)
    q2, q3 = row.levels
    assert q2 == pytest.approx(1 / 10)  # weighed in each month of Q2
    assert q3 == pytest.approx(0)  # September missed
    assert row.change == pytest.approx(-1 / 10)
    assert all(r.levels == [None, None] for r in rows if r.desa.kode != KURNIA_JAYA)


def test_analytics_read_level_and_coverage_by_desa_and_quarter_in_the_users_area(users, make_user):
    baduta(D(2024, 10, 5))
    pregnant(D(2025, 3, 1), desa=factories.BATU_PENYU)
    rows = selectors.convergence_by_desa_quarter(user=users["admin"], quarters=[Q3], today=AFTER)
    assert {r["desa_kode"] for r in rows} == {KURNIA_JAYA, factories.BATU_PENYU}
    row = next(r for r in rows if r["desa_kode"] == KURNIA_JAYA)
    assert set(row["coverage"]) == set(BY_KEY) and row["coverage"]["an_timbang"] == 0
    assert row["coverage"]["ih_anc4"] is None  # no pregnant woman there
    own = selectors.convergence_by_desa_quarter(user=users["desa"], quarters=[Q3], today=AFTER)
    assert [r["desa_kode"] for r in own] == [KURNIA_JAYA]


def test_the_scorecard_of_a_desa_without_targets_is_empty(users):
    c = card(users["admin"])
    assert c.level is None and c.targets.anak == 0
