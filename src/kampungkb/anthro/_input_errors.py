"""The error bits an input can raise and their Bahasa Indonesia reasons.

A row's error column is a bitmask: each bit names one unusable input (see ``_inputs``), and
``error_messages`` turns masks into the reasons shown to users, joined with "; ".
"""

from __future__ import annotations

import numpy as np

MEASUREMENTS = ("weight", "lenhei", "headc", "armc", "triskin", "subskin")

# Error bits and their Bahasa Indonesia reasons (joined with "; ").
ERR_AGE_NEGATIVE = 1 << 0
ERR_NEGATIVE = {
    "weight": 1 << 1,
    "lenhei": 1 << 2,
    "headc": 1 << 3,
    "armc": 1 << 4,
    "triskin": 1 << 5,
    "subskin": 1 << 6,
}
ERR_SEX = 1 << 7
ERR_MEASURE = 1 << 8
ERR_OEDEMA = 1 << 9
ERR_NOT_NUMBER = {
    "age_days": 1 << 10,
    "weight": 1 << 11,
    "lenhei": 1 << 12,
    "headc": 1 << 13,
    "armc": 1 << 14,
    "triskin": 1 << 15,
    "subskin": 1 << 16,
}

_FIELD_ID = {
    "age_days": "umur",
    "weight": "berat badan",
    "lenhei": "panjang/tinggi badan",
    "headc": "lingkar kepala",
    "armc": "lingkar lengan atas",
    "triskin": "lipatan kulit trisep",
    "subskin": "lipatan kulit subskapula",
}

#: The error bits of each input: a row with one of them set cannot use that input.
FIELD_ERRORS = {
    "sex": ERR_SEX,
    "age_days": ERR_AGE_NEGATIVE | ERR_NOT_NUMBER["age_days"],
    "measure": ERR_MEASURE,
    "oedema": ERR_OEDEMA,
    **{f: ERR_NEGATIVE[f] | ERR_NOT_NUMBER[f] for f in MEASUREMENTS},
}

ERROR_MESSAGES: dict[int, str] = {ERR_AGE_NEGATIVE: "umur negatif"}
ERROR_MESSAGES.update({bit: f"{_FIELD_ID[f]} negatif" for f, bit in ERR_NEGATIVE.items()})
ERROR_MESSAGES[ERR_SEX] = "jenis kelamin tidak dikenal (isi 1/2, L/P atau m/f)"
ERROR_MESSAGES[ERR_MEASURE] = "cara ukur tidak dikenal (isi l = berbaring atau h = berdiri)"
ERROR_MESSAGES[ERR_OEDEMA] = "kode edema tidak dikenal (isi y/n atau 1/2)"
ERROR_MESSAGES.update({bit: f"{_FIELD_ID[f]} bukan angka" for f, bit in ERR_NOT_NUMBER.items()})


def error_messages(mask: np.ndarray) -> np.ndarray:
    """Turn an error bitmask into an object array of reasons ("" when fine).

    >>> error_messages(np.array([0, 1, 1 << 7 | 1]))
    array(['', 'umur negatif',
           'umur negatif; jenis kelamin tidak dikenal (isi 1/2, L/P atau m/f)'],
          dtype=object)
    """
    mask = np.asarray(mask)
    out = np.full(mask.shape, "", dtype=object)
    bad = np.flatnonzero(mask)
    if bad.size:
        codes, inverse = np.unique(mask[bad], return_inverse=True)
        texts = np.array(
            ["; ".join(msg for bit, msg in ERROR_MESSAGES.items() if c & bit) for c in codes],
            dtype=object,
        )
        out[bad] = texts[inverse]
    return out
