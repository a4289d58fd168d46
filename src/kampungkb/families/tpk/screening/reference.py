"""The catin screening thresholds an installation starts with (``rules.DEFAULT_THRESHOLDS``).

Migration ``0008_catin_screening`` installs them on a new database; :func:`default_thresholds_load`
puts them back where no version exists at all, e.g. after a test flushes every table.
"""

import datetime

from kampungkb.families.tpk.screening.models import CatinThresholdSet
from kampungkb.families.tpk.screening.rules import DEFAULT_THRESHOLDS

DEFAULT_KODE = "elsimil-catin"
DEFAULT_NAME = "Skrining catin (Elsimil) bawaan"
DEFAULT_SOURCE = (
    "BKKBN Elsimil: Hb (WHO 2011: 12,0 perempuan, 13,0 laki-laki), LiLA < 23,5 cm, "
    "IMT < 18,5, usia (UU 16/2019: 19; BKKBN: 21/25), lingkar perut (Asia-Pasifik: 80/90 cm), "
    "merokok"
)
#: The default applies to every screening, however old.
DEFAULT_FROM = datetime.date(2000, 1, 1)


def default_thresholds_load() -> CatinThresholdSet:
    """Return a threshold version, installing the default one when there is none."""
    current = CatinThresholdSet.objects.first()
    if current is not None:
        return current
    obj, _created = CatinThresholdSet.objects.get_or_create(
        kode=DEFAULT_KODE,
        defaults={
            "nama": DEFAULT_NAME,
            "sumber": DEFAULT_SOURCE,
            "thresholds": DEFAULT_THRESHOLDS,
            "berlaku_mulai": DEFAULT_FROM,
        },
    )
    return obj
