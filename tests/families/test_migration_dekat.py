"""families 0013: rounds labelled "too close" by the old day count are labelled again."""

import importlib

from django.apps import apps

from kampungkb.families.labels import labels_compute
from kampungkb.families.models import FamilySurvey
from tests import factories
from tests.conftest import KURNIA_JAYA

migration = importlib.import_module("kampungkb.families.migrations.0013_dekat_calendar_months")


def _family(older: str, younger: str) -> list[dict]:
    return [
        {"hubungan": 1, "jenis_kelamin": "L", "tanggal_lahir": "1990-01-01", "status_kawin": 2},
        {
            "hubungan": 2,
            "jenis_kelamin": "P",
            "tanggal_lahir": "1995-01-01",
            "status_kawin": 2,
            "anak_lahir_hidup": 2,
        },
        {"hubungan": 3, "jenis_kelamin": "L", "tanggal_lahir": older, "status_kawin": 1},
        {"hubungan": 3, "jenis_kelamin": "P", "tanggal_lahir": younger, "status_kawin": 1},
    ]


def test_a_round_labelled_too_close_by_the_old_count_is_labelled_again(beltim):
    two_years = factories.family_row(
        KURNIA_JAYA, members=_family("2021-03-01", "2023-03-01"), tanggal="2025-06-30",
        sumber_air=2, jamban=1,
    )  # fmt: skip
    close = factories.family_row(
        KURNIA_JAYA, members=_family("2022-03-01", "2023-03-01"), tanggal="2025-06-30",
        sumber_air=2, jamban=1,
    )  # fmt: skip
    labels_compute()
    assert not FamilySurvey.objects.get(pk=two_years.pk).dekat
    # As the old rule stored them: exactly two years apart counted as too close.
    FamilySurvey.objects.filter(pk=two_years.pk).update(dekat=True, is_krs=True)

    migration.relabel(apps, None)

    relabelled = FamilySurvey.objects.get(pk=two_years.pk)
    assert (relabelled.dekat, relabelled.is_krs) == (False, False)
    kept = FamilySurvey.objects.get(pk=close.pk)
    assert (kept.dekat, kept.is_krs) == (True, True)
