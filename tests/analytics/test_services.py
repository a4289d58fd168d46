"""The analytics writes leave one audit entry each, naming what changed (a save that
changes nothing is still recorded: the settings pages log every save)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kampungkb.analytics.models import PriorityWeights, Target
from kampungkb.analytics.services import (
    district_target_delete,
    district_target_save,
    priority_weights_save,
    publication_publish,
    summaries_rebuild,
    survey_figure_delete,
    survey_figure_save,
)
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import Wilayah
from tests.conftest import KURNIA_JAYA, MANGGAR


def _entries(model):
    return list(
        AuditEntry.objects.filter(object_type=model._meta.label_lower)
        .order_by("pk")
        .values_list("action", "wilayah_kode", "changes")
    )


def test_a_survey_figure_is_audited_when_made_changed_and_saved_again(users, beltim):
    admin, manggar = users["admin"], Wilayah.objects.get(kode=MANGGAR)
    values = {"survey": "ssgi", "tahun": 2024, "wilayah": manggar, "prevalensi": Decimal("17.1")}
    figure = survey_figure_save(user=admin, sumber="SSGI 2024", **values)
    survey_figure_save(user=admin, figure=figure, prevalensi=Decimal("16.5"), catatan="revisi")
    survey_figure_save(user=admin, figure=figure, catatan="revisi")
    created = {
        "survey": [None, "ssgi"],
        "tahun": [None, 2024],
        "wilayah": [None, MANGGAR],
        "indicator": [None, "stunting"],
        "prevalensi": [None, "17.1"],
        "sumber": [None, "SSGI 2024"],
        "catatan": [None, ""],
    }
    assert _entries(type(figure)) == [
        ("create", MANGGAR, created),
        ("update", MANGGAR, {"prevalensi": ["17.1", "16.5"], "catatan": ["", "revisi"]}),
        ("update", MANGGAR, {}),
    ]


def test_the_district_target_is_audited_on_the_district(users, beltim):
    admin = users["admin"]
    district_target_save(user=admin, tahun=2026, nilai=Decimal("14.00"), sumber="RPJMD")
    district_target_save(user=admin, tahun=2026, nilai=Decimal("12.50"), sumber="RPJMD")
    district_target_save(user=admin, tahun=2026, nilai=Decimal("12.50"), sumber="RPJMD")
    created = {
        "tahun": [None, 2026],
        "indicator": [None, "stunting"],
        "nilai": [None, "14.00"],
        "sumber": [None, "RPJMD"],
    }
    assert _entries(Target) == [
        ("create", "19.06", created),
        ("update", "19.06", {"nilai": ["14.00", "12.50"]}),
        ("update", "19.06", {}),
    ]


def test_a_deleted_survey_figure_or_target_keeps_its_values_in_the_trail(users, beltim):
    # A figure deleted by mistake (or wrongly) is entered again from its entry: the source
    # and the indicator are not in its name, which was all the entry kept.
    admin, manggar = users["admin"], Wilayah.objects.get(kode=MANGGAR)
    figure = survey_figure_save(
        user=admin, survey="ssgi", tahun=2024, wilayah=manggar, indicator="wasting",
        prevalensi=Decimal("7.3"), sumber="SSGI 2024, tabel 4", catatan="",
    )  # fmt: skip
    # As the views pass them: read from the database.
    survey_figure_delete(user=admin, figure=type(figure).objects.get(pk=figure.pk))
    district_target_save(user=admin, tahun=2026, nilai=Decimal("14.00"), sumber="RPJMD")
    district_target_delete(user=admin, target=Target.objects.get(scope="district", tahun=2026))
    assert _entries(type(figure))[-1] == (
        "delete",
        MANGGAR,
        {
            "survey": "ssgi",
            "tahun": 2024,
            "wilayah": MANGGAR,
            "indicator": "wasting",
            "prevalensi": "7.30",
            "sumber": "SSGI 2024, tabel 4",
            "catatan": "",
        },
    )
    assert _entries(Target)[-1] == (
        "delete",
        "19.06",
        {"tahun": 2026, "indicator": "stunting", "nilai": "14.00", "sumber": "RPJMD"},
    )


def test_priority_weights_are_audited_against_their_defaults(users, beltim):
    admin = users["admin"]
    weights = priority_weights_save(user=admin, w_prevalence=50, n_lokus=5)
    assert weights.updated_by == admin
    zero = dict.fromkeys(["w_prevalence", "w_cases", "w_trend", "w_coverage", "w_quality"], 0)
    with pytest.raises(ValidationError):
        priority_weights_save(user=admin, **zero)
    assert PriorityWeights.objects.get().w_prevalence == 50
    priority_weights_save(user=admin, w_prevalence=50)
    assert _entries(PriorityWeights) == [
        ("update", "19.06", {"w_prevalence": [35, 50], "n_lokus": [10, 5]}),
        ("update", "19.06", {}),
    ]


def test_a_publication_is_audited_with_its_version_and_figure_count(users, data):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    summaries_rebuild()
    aug = datetime.date(2025, 8, 1)
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=aug
    )
    ((action, kode, changes),) = _entries(type(publication))
    assert (action, kode) == ("create", "19.06")
    assert changes["version"] == 1 and changes["period_start"] == "2025-08-01"
    assert changes["figures"] > 0
