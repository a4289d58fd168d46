"""A small district of families whose KRS figures are counted by hand (tests of the KRS
picture, the analytics summaries and the Kampung KB indicators).

Round 2025 (survey date 2025-06-30):

=============  ========  =======  ===  ==================  ===  ==========  =======
desa           families  sasaran  KRS  factors             PUS  KB modern   stunted
=============  ========  =======  ===  ==================  ===  ==========  =======
Kurnia Jaya    5         4        3    air, muda, tua      4    2           1
Lalang Jaya    4         3        1    jamban              3    1           0
Batu Penyu     3         3        2    muda, banyak        3    0           0
=============  ========  =======  ===  ==================  ===  ==========  =======

Members of Kurnia Jaya in 2025: 9, JKN recorded for 5 (4 yes), birth certificate recorded
for 2 (1 yes). Round 2024: one more family in Kurnia Jaya (KRS, muda).
"""

import datetime

from kampungkb.families.labels import labels_compute
from kampungkb.families.models import Relation
from tests import factories
from tests.factories import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA

HUSBAND = {
    "hubungan": Relation.HEAD,
    "jenis_kelamin": "L",
    "status_kawin": 2,
    "tanggal_lahir": "1990-02-01",
}


def wife(born: str, **extra) -> dict:
    return {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": born, **extra}


def baby(born: str = "2025-01-10", **extra) -> dict:
    return {"hubungan": Relation.CHILD, "jenis_kelamin": "L", "tanggal_lahir": born, **extra}


def stunted_child(desa: str, *, latest_stunted: bool):
    """A growth child measured twice: stunted first, then ``latest_stunted``."""
    child = factories.child_row(desa, tanggal_lahir=datetime.date(2025, 1, 10))
    factories.measurement_row(child, "2025-03-01", stunted=True)
    factories.measurement_row(child, "2025-05-01", stunted=latest_stunted)
    return child


def district() -> dict:
    """Write the families above, compute their labels; returns some of the rounds."""
    stunted = stunted_child(KURNIA_JAYA, latest_stunted=True)
    recovered = stunted_child(LALANG_JAYA, latest_stunted=False)
    rounds = {
        "k_young": factories.family_row(
            KURNIA_JAYA,
            members=[
                {**HUSBAND, "jkn": True},
                wife("2006-08-01", anak_lahir_hidup=1, jkn=True, akta_lahir=False),
                baby(child=stunted, jkn=True, akta_lahir=True),
            ],
        ),
        "k_modern": factories.family_row(
            KURNIA_JAYA, members=[HUSBAND, wife("1995-01-01", ber_kb=True, metode_kb="pil")]
        ),
        "k_water": factories.family_row(
            KURNIA_JAYA,
            sumber_air=8,
            members=[HUSBAND, wife("1995-01-01", ber_kb=True, metode_kb="suntik", jkn=True)],
        ),
        "k_old": factories.family_row(
            KURNIA_JAYA, members=[HUSBAND, wife("1988-01-01", jkn=False)]
        ),
        "k_empty": factories.family_row(KURNIA_JAYA, members=[]),
        "l_elderly": factories.family_row(
            LALANG_JAYA,
            sumber_air=8,
            jamban=4,
            members=[{**HUSBAND, "tanggal_lahir": "1955-01-01"}, wife("1960-01-01")],
        ),
        "l_latrine": factories.family_row(LALANG_JAYA, jamban=4, members=[wife("1995-01-01")]),
        "l_implant": factories.family_row(
            LALANG_JAYA, members=[wife("1995-01-01", ber_kb=True, metode_kb="implan")]
        ),
        "l_recovered": factories.family_row(
            LALANG_JAYA, members=[wife("1995-01-01"), baby(child=recovered)]
        ),
        "b_many": factories.family_row(
            BATU_PENYU, members=[wife("1999-01-01", anak_lahir_hidup=4)]
        ),
        "b_young": factories.family_row(BATU_PENYU, members=[wife("2007-01-01", hamil=True)]),
        "b_mal": factories.family_row(
            BATU_PENYU, members=[wife("1995-01-01", ber_kb=True, metode_kb="mal")]
        ),
        "k_2024": factories.family_row(
            KURNIA_JAYA, tanggal="2024-06-30", members=[wife("2006-01-01")]
        ),
    }
    labels_compute()
    return rounds
