"""The measurement result names each index's category in the user's language."""

import pytest
from django.utils import translation

from kampungkb import anthro
from kampungkb.growth.models import Measurement
from kampungkb.growth.presenters import category_label, measurement_indices

KINDS = ("bbu", "tbu", "bbtb", "imtu")


@pytest.mark.parametrize("kind", KINDS)
def test_in_indonesian_each_category_has_its_permenkes_name(kind):
    with translation.override("id"):
        labels = {code: category_label(kind, code) for code in anthro.CATEGORY_LABELS[kind]}
    assert labels == anthro.CATEGORY_LABELS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_in_english_no_category_keeps_its_indonesian_name(kind):
    with translation.override("en"):
        labels = {code: category_label(kind, code) for code in anthro.CATEGORY_LABELS[kind]}
    indonesian = set(anthro.CATEGORY_LABELS[kind].values()) - {"Normal"}
    assert all(labels.values()) and not set(labels.values()) & indonesian


def test_the_result_of_a_measurement_reads_in_english():
    m = Measurement(umur_hari=300, zwei=0.1, zlen=-2.5, zwfl=0.2, zbmi=-3.5)
    m.cat_bbu, m.cat_tbu, m.cat_bbtb, m.cat_imtu = 3, 2, 3, 1
    with translation.override("en"):
        labels = [i.label for i in measurement_indices(m)]
    assert labels == ["Normal weight", "Stunted", "Well nourished", "Severely wasted"]
    with translation.override("id"):
        labels = [i.label for i in measurement_indices(m)]
    assert labels == ["Berat badan normal", "Pendek", "Gizi baik", "Gizi buruk"]
