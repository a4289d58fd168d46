"""The bulk recompute (families.labels: packed integer columns read in one query per chunk,
the rule on arrays, only changed rounds written back in bulk) gives exactly the labels and
reasons of the rule read one family at a time from the stored records, on a varied district:
every relation, sex and marital status, unknown codes, live births given or not, survey dates
and birthdays at month ends and on 29 February, several chunks, a rule change and a chosen
list of rounds. Runs on SQLite and on PostgreSQL (``DATABASE_URL``)."""

import datetime
import random

import pytest

from kampungkb.families import labels
from kampungkb.families.krs import FACTORS, SASARAN, default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.labels_read import LABEL_FIELDS, LABEL_SOURCES
from kampungkb.families.models import (
    MODERN_METHODS,
    ContraceptiveMethod,
    FamilySurvey,
    KrsRuleSet,
    MaritalStatus,
    Relation,
)
from kampungkb.families.reasons import factor_reasons
from tests import factories
from tests.factories import BATU_PENYU, GANTUNG, KURNIA_JAYA, LALANG_JAYA
from tests.families.test_krs import _reference

pytestmark = pytest.mark.django_db

SURVEY_DAYS = [
    datetime.date(2025, 6, 30),
    datetime.date(2025, 2, 28),
    datetime.date(2024, 2, 29),
    datetime.date(2024, 12, 31),
    datetime.date(2023, 3, 1),
]
METHODS = ["", "mal", *sorted(str(m) for m in ContraceptiveMethod.values)]


def _born(rng: random.Random, on: datetime.date) -> datetime.date:
    """A birthday before ``on``: often an exact number of months or years before (the
    boundaries of the age ranges), at a month end or on 29 February."""
    pick = rng.random()
    if pick < 0.3:  # the same day of the month, n months earlier (or the nearest valid day)
        months = rng.choice([0, 1, 11, 12, 23, 24, 25, 59, 60, 180, 239, 240, 420, 480, 588])
        months += rng.choice([-1, 0, 1]) * 12 * rng.randint(0, 1)
        y, m = divmod(on.year * 12 + on.month - 1 - max(months, 0), 12)
        for day in (on.day, 28):
            try:
                return datetime.date(y, m + 1, day)
            except ValueError:
                continue
    if pick < 0.4:
        return rng.choice([datetime.date(2024, 2, 29), datetime.date(2020, 2, 29)])
    return on - datetime.timedelta(days=rng.randint(0, 60 * 365))


def _member(rng: random.Random, on: datetime.date) -> dict:
    born = min(_born(rng, on), on)
    method = rng.choice(METHODS)
    return {
        "hubungan": rng.choice(list(Relation.values)),
        "jenis_kelamin": rng.choice("LPP"),
        "status_kawin": rng.choice([None, *MaritalStatus.values, MaritalStatus.MARRIED]),
        "hamil": rng.random() < 0.15,
        "tanggal_lahir": born,
        "anak_lahir_hidup": rng.choice([None, None, 0, 1, 2, 3, 4, 5, 8]),
        "ber_kb": bool(method) and rng.random() < 0.8,
        "metode_kb": method,
    }


def _district(seed: int = 20261129, families: int = 160) -> list[int]:
    """Write ``families`` random families (one round each); return their round ids."""
    rng = random.Random(seed)
    ids = []
    for _ in range(families):
        on = rng.choice(SURVEY_DAYS)
        members = [_member(rng, on) for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 5, 7]))]
        survey = factories.family_row(
            rng.choice([KURNIA_JAYA, LALANG_JAYA, BATU_PENYU, GANTUNG]),
            tanggal=on,
            sumber_air=rng.choice([None, 0, *range(1, 11)]),
            jamban=rng.choice([None, 0, 1, 2, 3, 4]),
            members=members,
        )
        ids.append(survey.pk)
    return ids


def _one_family(survey: FamilySurvey, rules: dict) -> dict[str, bool]:
    """The labels of ``survey`` by the rule read one family at a time (tests/families/
    test_krs.py) from its stored members, and PUS using a modern method."""
    members = list(survey.members.all())
    family = {
        "on": survey.tanggal_pendataan,
        "water": survey.sumber_air or 0,
        "latrine": survey.jamban or 0,
        "members": [
            (
                m.hubungan,
                m.jenis_kelamin,
                m.status_kawin == MaritalStatus.MARRIED,
                m.hamil,
                m.tanggal_lahir,
                m.anak_lahir_hidup,
            )
            for m in members
        ],
    }
    out = _reference(family, rules)
    couple_modern = any(
        m.hubungan in (Relation.HEAD, Relation.SPOUSE)
        and m.status_kawin == MaritalStatus.MARRIED
        and m.ber_kb
        and m.metode_kb in MODERN_METHODS
        for m in members
    )
    out["pus_kb_modern"] = out["sasaran_pus"] and couple_modern
    return {field: out[LABEL_SOURCES[field]] for field in LABEL_FIELDS}


def _stored(survey: FamilySurvey) -> dict[str, bool]:
    return {field: getattr(survey, field) for field in LABEL_FIELDS}


def _check(ids: list[int], rules_by_id: dict[int, dict]) -> dict[int, dict[str, bool]]:
    """Every round of ``ids`` holds the labels and reasons of its rule (``rules_by_id``);
    returns the stored labels."""
    stored = {}
    rounds = FamilySurvey.objects.filter(pk__in=ids).select_related("rule_set")
    for survey in rounds.prefetch_related("members"):
        rules = rules_by_id[survey.pk]
        expected = _one_family(survey, rules)
        assert _stored(survey) == expected, survey.pk
        factors = [name for name in FACTORS if expected[FamilySurvey.FACTOR_FIELDS[name]]]
        assert survey.factors == factors
        assert survey.reasons == factor_reasons(factors, survey.rule_set.rules)
        stored[survey.pk] = _stored(survey)
    assert len(stored) == len(ids)
    return stored


def _changed_rules() -> dict:
    rules = default_rules()
    rules["pus_age"] = [18, 45]
    rules["baduta_months"] = [0, 11]
    rules["balita_months"] = [12, 59]
    f = rules["factors"]
    f["air"]["proper_codes"] = [1, 2]
    f["muda"]["enabled"] = False
    f["tua"].update(from_years=30, to_years=45)
    f["dekat"]["under_months"] = 36
    f["banyak"]["over_births"] = 2
    return rules


def test_the_bulk_recompute_gives_the_labels_and_reasons_of_the_rule_family_by_family(
    monkeypatch,
):
    monkeypatch.setattr(labels, "CHUNK", 37)  # several chunks, the last one short
    ids = _district()
    default = KrsRuleSet.objects.get(is_default=True)
    assert labels_compute() == len(ids)
    first = _check(ids, dict.fromkeys(ids, default.rules))
    assert set(FamilySurvey.objects.values_list("rule_set", flat=True)) == {default.pk}
    # The district is varied: every label is both true and false somewhere.
    for field in (*SASARAN, "is_sasaran", *FamilySurvey.FACTOR_FIELDS.values(), "is_krs"):
        assert {labels_[field] for labels_ in first.values()} == {True, False}, field

    changed = KrsRuleSet.objects.create(
        kode="uji-cepat", nama="uji", sumber="uji", rules=_changed_rules()
    )
    assert labels_compute(rule_set=changed) == len(ids)
    second = _check(ids, dict.fromkeys(ids, changed.rules))
    relabelled = {pk for pk in ids if second[pk] != first[pk]}
    assert 0 < len(relabelled) < len(ids)
    stamps = dict(FamilySurvey.objects.values_list("pk", "rule_set"))
    assert {pk for pk in ids if stamps[pk] == changed.pk} == relabelled  # only those written

    chosen = sorted(random.Random(7).sample(ids, 50))
    assert labels_compute([*chosen, chosen[0]], rule_set=default) == 50
    rules_by_id = {pk: default.rules if pk in chosen else changed.rules for pk in ids}
    third = _check(ids, rules_by_id)
    assert all(third[pk] == first[pk] for pk in chosen)
    assert all(third[pk] == second[pk] for pk in ids if pk not in chosen)
