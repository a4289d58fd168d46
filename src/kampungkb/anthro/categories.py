"""Nutritional status categories of Permenkes 2/2020 (Standar Antropometri Anak).

Each function maps z-scores to small integer codes (int8); ``-1`` means "no
category" (NaN z).  ``CATEGORY_LABELS[kind][code]`` gives the Indonesian
label and ``CATEGORY_KEYS[kind][code]`` a short stable key.

========== ================ =====================================================
kind       index            z-score cut-offs (codes 1, 2, ...)
========== ================ =====================================================
bbu        BB/U 0-60 mo     < -3 | -3 to < -2 | -2 to +1 | > +1
tbu        PB/U, TB/U       < -3 | -3 to < -2 | -2 to +3 | > +3
bbtb       BB/PB, BB/TB     < -3 | -3 to < -2 | -2 to +1 | > +1 to +2 | > +2 to +3 | > +3
imtu       IMT/U 0-60 mo    same as bbtb
imtu_5_18  IMT/U 5-18 y     < -3 | -3 to < -2 | -2 to +1 | > +1 to +2 | > +2
========== ================ =====================================================

Categories are assigned from whatever z-score is given (the rounded one by
default); flagged (implausible) z-scores still get a category, so filter on
the flags first when that matters.
"""

from __future__ import annotations

import numpy as np

NO_CATEGORY = -1

CATEGORY_LABELS: dict[str, dict[int, str]] = {
    "bbu": {
        1: "Berat badan sangat kurang",
        2: "Berat badan kurang",
        3: "Berat badan normal",
        4: "Risiko berat badan lebih",
    },
    "tbu": {1: "Sangat pendek", 2: "Pendek", 3: "Normal", 4: "Tinggi"},
    "bbtb": {
        1: "Gizi buruk",
        2: "Gizi kurang",
        3: "Gizi baik",
        4: "Berisiko gizi lebih",
        5: "Gizi lebih",
        6: "Obesitas",
    },
    "imtu_5_18": {
        1: "Gizi buruk",
        2: "Gizi kurang",
        3: "Gizi baik",
        4: "Gizi lebih",
        5: "Obesitas",
    },
}
CATEGORY_LABELS["imtu"] = dict(CATEGORY_LABELS["bbtb"])

CATEGORY_KEYS: dict[str, dict[int, str]] = {
    "bbu": {1: "bb_sangat_kurang", 2: "bb_kurang", 3: "bb_normal", 4: "risiko_bb_lebih"},
    "tbu": {1: "sangat_pendek", 2: "pendek", 3: "normal", 4: "tinggi"},
    "bbtb": {
        1: "gizi_buruk",
        2: "gizi_kurang",
        3: "gizi_baik",
        4: "berisiko_gizi_lebih",
        5: "gizi_lebih",
        6: "obesitas",
    },
    "imtu_5_18": {
        1: "gizi_buruk",
        2: "gizi_kurang",
        3: "gizi_baik",
        4: "gizi_lebih",
        5: "obesitas",
    },
}
CATEGORY_KEYS["imtu"] = dict(CATEGORY_KEYS["bbtb"])

# Upper cut-offs that close each category *inclusively*, except the first
# two which close exclusively (z < -3, z < -2).
_EXCLUSIVE = (-3.0, -2.0)
_INCLUSIVE = {
    "bbu": (1.0,),
    "tbu": (3.0,),
    "bbtb": (1.0, 2.0, 3.0),
    "imtu": (1.0, 2.0, 3.0),
    "imtu_5_18": (1.0, 2.0),
}


def categorize(z, kind: str) -> np.ndarray:
    """Category codes (int8, -1 for NaN) of z-scores for index ``kind``.

    Examples
    --------
    >>> categorize([-3.01, -3.0, -2.0, 1.0, 1.01, np.nan], "bbu")
    array([ 1,  2,  3,  3,  4, -1], dtype=int8)
    """
    z = np.asarray(z, dtype=np.float64)
    codes = np.ones(z.shape, dtype=np.int8)
    for cut in _EXCLUSIVE:
        codes += z >= cut
    for cut in _INCLUSIVE[kind]:
        codes += z > cut
    codes[np.isnan(z)] = NO_CATEGORY
    return codes


def category_bbu(z) -> np.ndarray:
    """BB/U (weight-for-age, 0-60 months) from ``zwei``.

    >>> category_bbu([-3.5, -2.5, 0.0, 1.5])
    array([1, 2, 3, 4], dtype=int8)
    """
    return categorize(z, "bbu")


def category_tbu(z) -> np.ndarray:
    """PB/U or TB/U (length/height-for-age, 0-60 months) from ``zlen``.

    >>> category_tbu([-3.5, -2.5, 3.0, 3.01])
    array([1, 2, 3, 4], dtype=int8)
    """
    return categorize(z, "tbu")


def category_bbtb(z) -> np.ndarray:
    """BB/PB or BB/TB (weight-for-length/height, 0-60 months) from ``zwfl``.

    >>> category_bbtb([-3.5, -2.5, 1.0, 1.5, 3.0, 3.5])
    array([1, 2, 3, 4, 5, 6], dtype=int8)
    """
    return categorize(z, "bbtb")


def category_imtu(z) -> np.ndarray:
    """IMT/U (BMI-for-age, 0-60 months) from ``zbmi``; cut-offs as BB/PB.

    >>> category_imtu([2.0, 2.01])
    array([4, 5], dtype=int8)
    """
    return categorize(z, "imtu")


def category_imtu_5_18(z) -> np.ndarray:
    """IMT/U (BMI-for-age, 5-18 years) from ``zbfa``.

    >>> category_imtu_5_18([1.0, 1.01, 2.0, 2.01])
    array([3, 4, 4, 5], dtype=int8)
    """
    return categorize(z, "imtu_5_18")


def category_labels(codes, kind: str) -> np.ndarray:
    """Indonesian labels (object array, None for -1) of category codes.

    >>> category_labels(np.array([2, -1], dtype=np.int8), "tbu")
    array(['Pendek', None], dtype=object)
    """
    codes = np.asarray(codes)
    lookup = np.array([None] + [CATEGORY_LABELS[kind][c] for c in sorted(CATEGORY_LABELS[kind])])
    out = lookup[np.where(codes < 0, 0, codes)]
    return out.astype(object)
