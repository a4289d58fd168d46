"""Labels written to the survey rounds from the stored members (families.labels)."""

import pytest

from kampungkb.families.krs import default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import FamilySurvey, KrsRuleSet, Relation
from tests import factories
from tests.factories import GANTUNG, KURNIA_JAYA, PADANG

pytestmark = pytest.mark.django_db

HUSBAND = {
    "hubungan": Relation.HEAD,
    "jenis_kelamin": "L",
    "status_kawin": 2,
    "tanggal_lahir": "1990-02-01",
}


def _wife(born: str, **extra) -> dict:
    return {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": born, **extra}


def _baby(born: str) -> dict:
    return {"hubungan": Relation.CHILD, "jenis_kelamin": "L", "tanggal_lahir": born}


def test_the_default_rule_set_is_installed_and_labels_every_round():
    rule_set = KrsRuleSet.objects.get(is_default=True)
    assert rule_set.rules == default_rules()
    young = factories.family_row(
        members=[HUSBAND, _wife("2006-08-01", anak_lahir_hidup=1), _baby("2025-01-10")]
    )
    unsafe = factories.family_row(
        PADANG,
        sumber_air=8,
        members=[HUSBAND, _wife("1995-01-01", ber_kb=True, metode_kb="suntik")],
    )
    safe = factories.family_row(
        GANTUNG, members=[HUSBAND, _wife("1995-01-01", ber_kb=True, metode_kb="mal")]
    )
    nobody = factories.family_row(members=[])
    assert labels_compute() == 4
    young, unsafe, safe, nobody = (
        FamilySurvey.objects.get(pk=s.pk) for s in (young, unsafe, safe, nobody)
    )
    assert young.is_krs and young.factors == ["muda"] and young.sasaran_baduta
    assert unsafe.is_krs and unsafe.factors == ["air"] and unsafe.pus_kb_modern
    assert safe.is_sasaran and not safe.is_krs and not safe.pus_kb_modern  # MAL is not modern
    assert not nobody.is_sasaran and not nobody.is_krs
    assert {s.rule_set_id for s in (young, unsafe, safe, nobody)} == {rule_set.pk}
    assert all(s.computed_at for s in (young, unsafe, safe, nobody))


def test_a_rule_change_relabels_only_the_rounds_asked_for():
    a = factories.family_row(members=[HUSBAND, _wife("1988-01-01")])  # 37: terlalu tua
    b = factories.family_row(members=[HUSBAND, _wife("1988-01-01")])
    labels_compute()
    assert FamilySurvey.objects.get(pk=a.pk).is_krs
    rules = default_rules()
    rules["factors"]["tua"]["enabled"] = False
    softer = KrsRuleSet.objects.create(kode="test-no-tua", nama="t", sumber="t", rules=rules)
    assert labels_compute([a.pk], rule_set=softer) == 1
    assert not FamilySurvey.objects.get(pk=a.pk).is_krs
    assert FamilySurvey.objects.get(pk=b.pk).is_krs


def test_rounds_are_scoped_by_the_family_desa():
    factories.family_row(KURNIA_JAYA, members=[])
    factories.family_row(GANTUNG, members=[])
    operator = factories.operator_desa(KURNIA_JAYA)
    assert {s.keluarga.desa_id for s in FamilySurvey.objects.for_user(operator)} == {KURNIA_JAYA}


def test_the_bkkbn_rule_set_comes_back_where_no_rule_set_exists():
    from kampungkb.families.reference import default_rule_set_load

    migrated = KrsRuleSet.objects.get(is_default=True)
    KrsRuleSet.objects.all().delete()
    restored = default_rule_set_load()
    assert restored.is_default and restored.kode == migrated.kode
    assert restored.rules == migrated.rules == default_rules()
    assert default_rule_set_load().pk == restored.pk  # only once
