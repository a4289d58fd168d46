"""Permenkes 2/2020 categories."""

import numpy as np
import pytest

from kampungkb.anthro import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    category_bbtb,
    category_bbu,
    category_imtu,
    category_imtu_5_18,
    category_labels,
    category_tbu,
)

NAN = np.nan


@pytest.mark.parametrize(
    ("func", "z", "codes"),
    [
        (category_bbu, [-3.01, -3.0, -2.01, -2.0, 1.0, 1.01, NAN], [1, 2, 2, 3, 3, 4, -1]),
        (category_tbu, [-3.01, -3.0, -2.01, -2.0, 3.0, 3.01, NAN], [1, 2, 2, 3, 3, 4, -1]),
        (
            category_bbtb,
            [-3.01, -3.0, -2.01, -2.0, 1.0, 1.01, 2.0, 2.01, 3.0, 3.01, NAN],
            [1, 2, 2, 3, 3, 4, 4, 5, 5, 6, -1],
        ),
        (
            category_imtu,
            [-3.01, -3.0, -2.0, 1.0, 1.01, 2.0, 2.01, 3.0, 3.01],
            [1, 2, 3, 3, 4, 4, 5, 5, 6],
        ),
        (
            category_imtu_5_18,
            [-3.01, -3.0, -2.01, -2.0, 1.0, 1.01, 2.0, 2.01, NAN],
            [1, 2, 2, 3, 3, 4, 4, 5, -1],
        ),
    ],
)
def test_category_boundaries(func, z, codes):
    got = func(np.array(z))
    assert got.dtype == np.int8
    assert list(got) == codes


def test_labels():
    assert CATEGORY_LABELS["bbu"] == {
        1: "Berat badan sangat kurang",
        2: "Berat badan kurang",
        3: "Berat badan normal",
        4: "Risiko berat badan lebih",
    }
    assert CATEGORY_LABELS["tbu"] == {1: "Sangat pendek", 2: "Pendek", 3: "Normal", 4: "Tinggi"}
    assert CATEGORY_LABELS["bbtb"] == {
        1: "Gizi buruk",
        2: "Gizi kurang",
        3: "Gizi baik",
        4: "Berisiko gizi lebih",
        5: "Gizi lebih",
        6: "Obesitas",
    }
    assert CATEGORY_LABELS["imtu"] == CATEGORY_LABELS["bbtb"]
    assert CATEGORY_LABELS["imtu_5_18"][4] == "Gizi lebih"
    assert CATEGORY_LABELS["imtu_5_18"][5] == "Obesitas"
    assert set(CATEGORY_KEYS) == set(CATEGORY_LABELS)


def test_category_labels_maps_codes_and_none():
    got = category_labels(category_bbtb([-4.0, np.nan, 2.5]), "bbtb")
    assert list(got) == ["Gizi buruk", None, "Gizi lebih"]
