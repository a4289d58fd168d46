"""The recompute writes only the rounds whose labels change (or that were never labelled),
with the rule set and the time; a round whose labels stay keeps its stamp."""

import pytest

from kampungkb.families.krs import default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import FamilySurvey, KrsRuleSet, Relation
from tests import factories

pytestmark = pytest.mark.django_db

HUSBAND = {"hubungan": Relation.HEAD, "jenis_kelamin": "L", "status_kawin": 2,
           "tanggal_lahir": "1980-02-01"}  # fmt: skip


def _wife(born):
    return {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": born}


def test_a_rule_change_rewrites_the_rounds_it_relabels_and_leaves_the_others():
    old_wife = factories.family_row(members=[HUSBAND, _wife("1988-01-01")])  # 37: tua
    water = factories.family_row(sumber_air=8, members=[HUSBAND, _wife("1995-01-01")])
    nobody = factories.family_row(members=[])
    assert labels_compute() == 3
    first = {s.pk: (s.rule_set_id, s.computed_at) for s in FamilySurvey.objects.all()}
    assert all(rule_set and at for rule_set, at in first.values())  # even a non-target
    rules = default_rules()
    rules["factors"]["tua"]["enabled"] = False
    softer = KrsRuleSet.objects.create(kode="uji-tanpa-tua", nama="u", sumber="u", rules=rules)
    assert labels_compute(rule_set=softer) == 3
    relabelled = FamilySurvey.objects.get(pk=old_wife.pk)
    assert not relabelled.is_krs and relabelled.rule_set == softer
    assert relabelled.computed_at > first[old_wife.pk][1]
    for kept in (water, nobody):
        assert (kept.__class__.objects.get(pk=kept.pk).rule_set_id,
                FamilySurvey.objects.get(pk=kept.pk).computed_at) == first[kept.pk]  # fmt: skip
    assert FamilySurvey.objects.get(pk=water.pk).is_krs


def test_a_chosen_list_of_rounds_is_read_by_its_ids():
    a = factories.family_row(sumber_air=8, members=[HUSBAND, _wife("1995-01-01")])
    b = factories.family_row(sumber_air=8, members=[HUSBAND, _wife("1995-01-01")])
    assert labels_compute([b.pk, b.pk, 999_999]) == 1
    assert FamilySurvey.objects.get(pk=b.pk).is_krs
    assert not FamilySurvey.objects.get(pk=a.pk).is_krs and a.computed_at is None


def test_a_rule_set_that_gave_labels_cannot_be_deleted():
    """The rounds' rule set has no database constraint (a rule change rewrites it on most
    rounds): Django's PROTECT is what keeps a round from pointing at a deleted rule set."""
    from django.db.models import ProtectedError

    factories.family_row(members=[HUSBAND, _wife("1988-01-01")])
    rules = default_rules()
    rules["factors"]["tua"]["enabled"] = False
    softer = KrsRuleSet.objects.create(kode="uji-hapus", nama="u", sumber="u", rules=rules)
    assert labels_compute(rule_set=softer) == 1
    with pytest.raises(ProtectedError):
        softer.delete()
    assert FamilySurvey.objects.filter(rule_set=softer).count() == 1


def test_on_postgresql_the_rounds_table_leaves_room_for_in_place_relabelling():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("fillfactor is a PostgreSQL storage parameter")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [FamilySurvey._meta.db_table]
        )
        (options,) = cursor.fetchone()
    assert "fillfactor=50" in (options or [])
