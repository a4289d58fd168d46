"""What an invalid input may cost: the inputs each output reads (ALGORITHM.md §2-5).

WHO's ``anthro`` sets a measurement ``<= 0`` to NA for its own indicator only
(ALGORITHM.md §3, step 1), so a negative triceps skinfold loses ``zts`` and
nothing else.  Where the R code aborts the whole call instead (a negative age,
an unknown code: §2 "Validation", §5, §7.11) the engine's per-row policy is the
same rule: an invalid input costs every output that reads it.
"""

from __future__ import annotations

import numpy as np

from kampungkb.anthro import anthro_zscores
from kampungkb.anthro.all_indicators import CATEGORIES, FLAGS

#: output -> the inputs it reads
READS = {
    "clenhei": {"age_days", "lenhei", "measure"},
    "cmeasure": {"age_days", "measure"},
    "c9mo_flag": {"age_days", "measure"},
    "cbmi": {"age_days", "weight", "lenhei", "measure"},
    "zlen": {"sex", "age_days", "lenhei", "measure"},
    "zwei": {"sex", "age_days", "weight", "oedema"},
    # The table and the ±0.7 cm come from age (or measure when age is missing, §4).
    "zwfl": {"sex", "age_days", "weight", "lenhei", "measure", "oedema"},
    # R computes zbmi from a negative length (§3 notes); a BMI of an impossible length is
    # not a measurement, so the engine treats the length as lost here too.
    "zbmi": {"sex", "age_days", "weight", "lenhei", "measure", "oedema"},
    "zhc": {"sex", "age_days", "headc"},
    "zac": {"sex", "age_days", "armc"},
    "zts": {"sex", "age_days", "triskin"},
    "zss": {"sex", "age_days", "subskin"},
    # anthroplus has no measure argument (§5).
    "zhfa": {"sex", "age_days", "lenhei"},
    "zwfa": {"sex", "age_days", "weight", "oedema"},
    "zbfa": {"sex", "age_days", "weight", "lenhei", "oedema"},
}
for _z, _flag in FLAGS.items():
    READS[_flag] = READS[_z]
for _cat, (_kind, _z) in CATEGORIES.items():
    READS[_cat] = READS[_z]

#: input -> (invalid value, the reason the error column gives)
INVALID = {
    "sex": ("x", "jenis kelamin tidak dikenal"),
    "age_days": (-1.0, "umur negatif"),
    "measure": ("x", "cara ukur tidak dikenal"),
    "oedema": ("maybe", "kode edema tidak dikenal"),
    "weight": (-0.1, "berat badan negatif"),
    "lenhei": (-5.0, "panjang/tinggi badan negatif"),
    "headc": (-1.0, "lingkar kepala negatif"),
    "armc": (-1.0, "lingkar lengan atas negatif"),
    "triskin": (-0.4, "lipatan kulit trisep negatif"),
    "subskin": (-1.0, "lipatan kulit subskapula negatif"),
}
NOT_A_NUMBER = {
    "age_days": "umur bukan angka",
    "weight": "berat badan bukan angka",
    "lenhei": "panjang/tinggi badan bukan angka",
    "headc": "lingkar kepala bukan angka",
    "armc": "lingkar lengan atas bukan angka",
    "triskin": "lipatan kulit trisep bukan angka",
    "subskin": "lipatan kulit subskapula bukan angka",
}

#: Rows where every indicator of their age range is computable.
UNDER_FIVE = {
    "sex": 1,
    "age_days": 400,
    "weight": 9.0,
    "lenhei": 75.0,
    "measure": "l",
    "oedema": "n",
    "headc": 45.0,
    "armc": 14.0,
    "triskin": 8.0,
    "subskin": 6.0,
}
OVER_FIVE = {**UNDER_FIVE, "sex": 2, "age_days": 2500, "weight": 20.0, "lenhei": 115.0}


def valid_and_invalid(base: dict, field: str, bad) -> dict[str, np.ndarray]:
    """``anthro_zscores`` of two rows: ``base``, then ``base`` with ``field`` = ``bad``."""
    data = {k: np.array([v, bad if k == field else v], dtype=object) for k, v in base.items()}
    return anthro_zscores(data)


def assert_costs_only_what_reads(out: dict, field: str, outputs=None) -> None:
    """Row 1 (``field`` invalid) lost exactly the outputs that read ``field``; the others
    equal row 0 (valid)."""
    for name in outputs or READS:
        good, bad = out[name][0], out[name][1]
        if field not in READS[name]:
            np.testing.assert_array_equal(bad, good, err_msg=f"{name} lost with {field}")
        elif name == "cmeasure":
            assert bad == "", name
        elif name.startswith("cat_"):
            assert bad == -1, name
        else:
            assert np.isnan(bad), f"{name} kept with an invalid {field}"


def outputs_of(z: str) -> tuple[str, ...]:
    """A z-score column with its flag and category columns."""
    return (z, FLAGS[z], *(c for c, (_, of) in CATEGORIES.items() if of == z))


def check_indicator(z: str, base: dict, field: str) -> None:
    """``z`` is lost with an invalid ``field`` exactly when it reads it, with the reason."""
    bad, reason = INVALID[field]
    out = valid_and_invalid(base, field, bad)
    assert out["error"][0] == ""
    assert reason in out["error"][1]
    assert not np.isnan(out[z][0]), f"{z} is not computed on the valid row"
    assert_costs_only_what_reads(out, field, outputs_of(z))
