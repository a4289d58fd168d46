"""Anthropometry engine: WHO z-scores, flags, Permenkes 2/2020 categories, prevalence.

Pure numpy (no Django).  It reproduces WHO's R packages ``anthro`` (Child
Growth Standards 2006, 0 to under 60 months) and ``anthroplus`` (Growth
Reference 2007, 60 to 228 months) as specified in ``data/ALGORITHM.md``:
ages in days rounded half up, the ±0.7 cm length/height adjustment, the
restricted LMS formula beyond ±3 SD, R's ``round(x, 2)`` before flagging.

Inputs are plain arrays (lists, numpy arrays, pandas Series) or scalars;
outputs are numpy arrays with NaN for "not computable".  An invalid input
(a negative age or measurement, a text that is not a number, an unknown
code) costs only the outputs that read it, with the reason in
``anthro_zscores(...)["error"]``: a negative triceps skinfold loses ``zts``
and keeps the other z-scores, as WHO's ``anthro`` does.  A batch never raises
because of one bad row.  ``value_at_z`` goes the other way: the measurement
at a z-score (growth-chart curves, synthetic data).

Examples
--------
>>> from kampungkb import anthro
>>> anthro.zlen(sex=["L", "P"], age_days=[0, 0], lenhei=[49.8842, 45.0], measure="l")
array([ 0.  , -2.23])
>>> out = anthro.anthro_zscores({"sex": [1], "age_days": [1367], "weight": [16.0],
...                              "lenhei": [103.1], "measure": ["l"]})
>>> out["clenhei"], out["zwfl"], out["fwfl"]
(array([102.4]), array([-0.06]), array([0.]))
>>> anthro.CATEGORY_LABELS["tbu"][anthro.category_tbu(out["zlen"])[0]]
'Normal'
"""

from ._input_errors import ERROR_MESSAGES, error_messages
from ._inputs import DAYS_PER_MONTH
from ._lms import FLAG_LIMITS, round_r
from .all_indicators import OUTPUT_COLUMNS, anthro_zscores, zscores_for_child
from .categories import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    NO_CATEGORY,
    categorize,
    category_bbtb,
    category_bbu,
    category_imtu,
    category_imtu_5_18,
    category_labels,
    category_tbu,
)
from .flags import flag
from .growth_reference import zbfa, zhfa, zwfa
from .growth_standards import clenhei, zac, zbmi, zhc, zlen, zss, zts, zwei
from .inverse import value_at_z
from .prevalence import Prevalence, prevalence, wilson_interval
from .weight_for_lenhei import zwfl

__all__ = [
    "CATEGORY_KEYS",
    "CATEGORY_LABELS",
    "DAYS_PER_MONTH",
    "ERROR_MESSAGES",
    "FLAG_LIMITS",
    "NO_CATEGORY",
    "OUTPUT_COLUMNS",
    "Prevalence",
    "anthro_zscores",
    "categorize",
    "category_bbtb",
    "category_bbu",
    "category_imtu",
    "category_imtu_5_18",
    "category_labels",
    "category_tbu",
    "clenhei",
    "error_messages",
    "flag",
    "prevalence",
    "round_r",
    "value_at_z",
    "wilson_interval",
    "zac",
    "zbfa",
    "zbmi",
    "zhc",
    "zhfa",
    "zlen",
    "zscores_for_child",
    "zss",
    "zts",
    "zwei",
    "zwfa",
    "zwfl",
]
