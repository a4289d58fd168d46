"""The coded columns of the family survey, read from a code or a text.

Each column's values are looked up after ``growth.importing.parse``'s reduction of a cell to
lower-case letters and digits, in one table built from the layout's codes, its Indonesian
texts (``/shared/domain/FAMILIES.md``), other spellings seen in files and the English labels
of the model's choices. The methods of contraception are numbered 1-9 in the layout's order
(Pil, Suntik, IUD, Implan, MOW, MOP, Kondom, MAL, Tradisional).
"""

import functools
import re

from kampungkb.families.models import (
    ContraceptiveMethod,
    Latrine,
    MaritalStatus,
    Relation,
    WaterSource,
)
from kampungkb.growth.importing.parse import is_blank, text


def token(value) -> str:
    return re.sub(r"[^a-z0-9]+", "", text(value).lower())


def _table(choices, spellings: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for value, label in choices.choices:
        out[token(label)] = value
    if all(isinstance(v, int) for v in choices.values):
        for value in choices.values:
            out[str(value)] = value
            out[f"{value:02d}"] = value
    for value, words in spellings.items():
        for word in words:
            out[token(word)] = value
    return out


RELATION = _table(
    Relation,
    {
        Relation.HEAD: ("Kepala keluarga", "Kepala", "KK", "Kepala Rumah Tangga", "Head"),
        Relation.SPOUSE: ("Istri/Suami", "Suami/Istri", "Istri", "Suami", "Isteri", "Wife",
                          "Husband", "Spouse", "Pasangan"),
        Relation.CHILD: ("Anak", "Anak kandung", "Anak tiri", "Anak angkat", "Child", "Son",
                         "Daughter"),
        Relation.OTHER: ("Lainnya", "Lain", "Lain-lain", "Famili lain", "Orang tua", "Mertua",
                         "Cucu", "Menantu", "Other"),
    },
)  # fmt: skip
MARITAL = _table(
    MaritalStatus,
    {
        MaritalStatus.SINGLE: ("Belum kawin", "Belum menikah", "Tidak kawin", "Single",
                               "Never married"),
        MaritalStatus.MARRIED: ("Kawin", "Menikah", "Sudah kawin", "Kawin tercatat",
                                "Kawin belum tercatat", "Married"),
        MaritalStatus.DIVORCED: ("Cerai hidup", "Cerai", "Divorced"),
        MaritalStatus.WIDOWED: ("Cerai mati", "Widow", "Widower"),
    },
)  # fmt: skip
WATER = _table(
    WaterSource,
    {
        WaterSource.BOTTLED: ("Air kemasan/isi ulang", "Air kemasan", "Isi ulang",
                              "Air isi ulang", "Air mineral", "Bottled water"),
        WaterSource.PIPED: ("Ledeng/PAM", "Ledeng", "PAM", "PDAM", "Air ledeng", "Piped"),
        WaterSource.BOREHOLE: ("Sumur bor/pompa", "Sumur bor", "Pompa", "Sumur pompa",
                               "Borehole"),
        WaterSource.PROTECTED_WELL: ("Sumur terlindung", "Protected well"),
        WaterSource.UNPROTECTED_WELL: ("Sumur tak terlindung", "Sumur tidak terlindung",
                                       "Unprotected well"),
        WaterSource.PROTECTED_SPRING: ("Mata air terlindung", "Protected spring"),
        WaterSource.UNPROTECTED_SPRING: ("Mata air tak terlindung", "Mata air tidak terlindung",
                                         "Unprotected spring"),
        WaterSource.SURFACE: ("Air permukaan (sungai/danau/kolam)", "Air permukaan", "Sungai",
                              "Danau", "Kolam", "Waduk", "Surface water"),
        WaterSource.RAIN: ("Air hujan", "Hujan", "Rainwater", "Rain"),
        WaterSource.OTHER: ("Lainnya", "Lain", "Lain-lain", "Other"),
    },
)  # fmt: skip
LATRINE = _table(
    Latrine,
    {
        Latrine.OWN_SEPTIC: ("Milik sendiri dengan tangki septik/IPAL",
                             "Milik sendiri dengan tangki septik", "Sendiri dengan septik",
                             "Milik sendiri dengan septic tank", "Jamban sendiri septik"),
        Latrine.SHARED_SEPTIC: ("Bersama/komunal dengan tangki septik",
                                "Bersama dengan tangki septik", "Komunal dengan tangki septik",
                                "Bersama dengan septic tank", "MCK umum"),
        Latrine.NO_SEPTIC: ("Tanpa tangki septik", "Tidak dengan tangki septik",
                            "Tanpa septic tank", "Cubluk", "Jamban cemplung"),
        Latrine.NONE: ("Tidak ada", "Tidak punya", "Tidak memiliki", "BABS",
                       "BAB sembarangan", "None"),
    },
)  # fmt: skip
METHOD = {
    **{token(label): value for value, label in ContraceptiveMethod.choices},
    **{str(i): value for i, value in enumerate(ContraceptiveMethod.values, start=1)},
    **{
        token(word): value
        for value, words in {
            ContraceptiveMethod.PIL: ("Pil", "Pil KB", "Pill"),
            ContraceptiveMethod.SUNTIK: ("Suntik", "Suntikan", "Suntik KB", "Injection"),
            ContraceptiveMethod.IUD: ("IUD", "AKDR", "Spiral"),
            ContraceptiveMethod.IMPLAN: ("Implan", "Implant", "Susuk", "AKBK"),
            ContraceptiveMethod.MOW: ("MOW", "Tubektomi", "Steril wanita"),
            ContraceptiveMethod.MOP: ("MOP", "Vasektomi", "Steril pria"),
            ContraceptiveMethod.KONDOM: ("Kondom", "Condom"),
            ContraceptiveMethod.MAL: ("MAL", "Metode Amenore Laktasi", "LAM"),
            ContraceptiveMethod.TRADISIONAL: ("Tradisional", "Traditional", "Kalender",
                                              "Senggama terputus"),
        }.items()
        for word in words
    },
}  # fmt: skip


@functools.lru_cache(maxsize=4096, typed=True)
def parse_code(value, name: str):
    """The value of a coded cell of column ``name`` (``relation``, ``marital``, ``water``,
    ``latrine``, ``method``); ``None`` for an empty cell; raise ValueError otherwise."""
    if is_blank(value) or text(value) == "-":
        return None
    table = _TABLES[name]
    try:
        return table[token(value)]
    except KeyError:
        raise ValueError(value) from None


_TABLES = {
    "relation": RELATION,
    "marital": MARITAL,
    "water": WATER,
    "latrine": LATRINE,
    "method": METHOD,
}
