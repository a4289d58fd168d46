"""The recompute writes only the rounds whose labels change (or that were never labelled),
with the rule set and the time; a round whose labels stay keeps its stamp."""

import threading

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


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_chunks_are_written_while_the_next_is_read(beltim, monkeypatch):
    """On PostgreSQL other connections write each chunk (its own transaction) while the next
    is read and evaluated; the labels and stamps stored are those of the plain path, and the
    progress comes chunk by chunk, in order."""
    from django.db import connection

    from kampungkb.core.chunk_writing import writes_can_overlap
    from kampungkb.families import labels

    rounds = [
        factories.family_row(sumber_air=8 if i % 2 else 1, members=[HUSBAND, _wife("1988-01-01")])
        for i in range(7)
    ]
    rules = default_rules()
    rules["factors"]["air"]["enabled"] = False
    no_water = KrsRuleSet.objects.create(kode="uji-tanpa-air", nama="u", sumber="u", rules=rules)
    monkeypatch.setattr(labels, "CHUNK", 2)
    writers, real_write = set(), labels._write

    def write(ids, labels_, *, rule_set):
        writers.add(threading.get_ident())
        real_write(ids, labels_, rule_set=rule_set)

    monkeypatch.setattr(labels, "_write", write)
    steps = []
    assert labels_compute(rule_set=no_water, progress=lambda done, total: steps.append(done)) == 7
    assert steps == [2, 4, 6, 7]
    overlapped = connection.vendor == "postgresql"
    assert writes_can_overlap() is overlapped
    assert (threading.get_ident() not in writers) is overlapped
    stored = {s.pk: (s.is_krs, s.rule_set_id) for s in FamilySurvey.objects.all()}
    assert set(stored) == {r.pk for r in rounds}
    assert all(rule_set == no_water.pk for _krs, rule_set in stored.values())
    assert all(krs for krs, _rule_set in stored.values())  # 37 years old: tua, still counted


@pytest.mark.django_db(transaction=True)
def test_a_chunk_that_cannot_be_written_fails_the_recompute(beltim, monkeypatch):
    from kampungkb.families import labels

    first_two = {factories.family_row(members=[HUSBAND, _wife("1988-01-01")]).pk for _ in range(5)}
    first_two = set(sorted(first_two)[:2])
    monkeypatch.setattr(labels, "CHUNK", 2)
    written = []
    real_write = labels._write

    def failing(ids, labels_, *, rule_set):
        if not set(ids.tolist()) <= first_two:  # every chunk after the first
            raise RuntimeError("disk full")
        written.append(len(ids))
        real_write(ids, labels_, rule_set=rule_set)

    monkeypatch.setattr(labels, "_write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        labels_compute()
    assert written == [2]
    assert FamilySurvey.objects.filter(rule_set__isnull=False).count() == 2
