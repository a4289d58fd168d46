"""The pregnancy indicators derived from pregnancy monitoring, on hand-made data: ANC per
trimester in the quarter, iron tablets, nifas visits, counselling with kelas ibu hamil, the
risti/KEK status, the quarter's edges, an entered value beside a derived one, and the number of
queries whatever the number of targets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.pregnancy.models import AncContact, NifasVisit
from kampungkb.families.tpk.scorecard.models import ScorecardEntry

from .helpers import D, card, cells, pregnant, visit

# On 30 September 2025 a pregnancy with this HPHT is in week 30 (trimester 3: 2 ANC needed in
# the quarter), one with T2_HPHT in week 21 (trimester 2: 1 needed).
T3_HPHT = D(2025, 3, 1)
T2_HPHT = D(2025, 5, 1)


@pytest.fixture
def admin(users):
    return users["admin"]


def anc(target, *days, ttd=0, lila="25.0", hb="12.0", kelas=False, **extra):
    for day in days:
        AncContact.objects.create(
            target=target, tanggal=day, tempat="Puskesmas (uji)", pemeriksa="bidan",
            ttd_diterima=30, ttd_diminum=ttd, lila=Decimal(lila), hb=Decimal(hb),
            kelas_ibu_hamil=kelas, is_synthetic=True, **extra,
        )  # fmt: skip


def delivered(hpht, on, *nifas):
    """A pregnancy delivered on ``on`` and the pasca persalinan target after it, with nifas
    visits on ``nifas``."""
    pregnancy = pregnant(hpht, tanggal_persalinan=on, hasil_persalinan="lahir_hidup")
    mother = Target.objects.create(
        kind="pasca_persalinan", desa=pregnancy.desa, nama=pregnancy.nama, previous=pregnancy,
        tanggal_persalinan=on, tanggal_daftar=on, is_synthetic=True,
    )  # fmt: skip
    for day in nifas:
        NifasVisit.objects.create(
            target=mother, tanggal=day, tempat="Pustu (uji)", pemeriksa="bidan", is_synthetic=True
        )
    return pregnancy, mother


def test_anc_counts_the_quarters_contacts_against_the_trimester(admin):
    two = pregnant(T3_HPHT)
    anc(two, D(2025, 7, 10), D(2025, 9, 5))
    one = pregnant(T3_HPHT)
    anc(one, D(2025, 6, 30), D(2025, 9, 5))  # 30 June belongs to the quarter before
    edges = pregnant(T3_HPHT)
    anc(edges, D(2025, 7, 1), D(2025, 9, 30))  # both edges belong to the quarter
    second = pregnant(T2_HPHT)
    anc(second, D(2025, 8, 1))  # trimester 2 needs one
    none = pregnant(T3_HPHT)
    c = card(admin)
    assert (cells(c, two)["ih_anc4"].value, cells(c, two)["ih_anc4"].source) == ("Y", "derived")
    assert "ANC" in cells(c, two)["ih_anc4"].note and "10/07/2025" in cells(c, two)["ih_anc4"].note
    assert cells(c, one)["ih_anc4"].value == "T"
    assert "30/06/2025" not in cells(c, one)["ih_anc4"].note
    assert cells(c, edges)["ih_anc4"].value == "Y"
    assert cells(c, second)["ih_anc4"].value == "Y"
    # No contact recorded at all: the data cannot say, the KPM enters it.
    assert (cells(c, none)["ih_anc4"].value, cells(c, none)["ih_anc4"].source) == ("", "")


def test_iron_tablets_count_the_whole_pregnancy_up_to_the_quarters_end(admin):
    enough = pregnant(T3_HPHT)
    anc(enough, D(2025, 4, 20), ttd=40)
    anc(enough, D(2025, 7, 20), ttd=30)
    anc(enough, D(2025, 9, 20), ttd=25)
    short = pregnant(T3_HPHT)
    anc(short, D(2025, 4, 20), ttd=40)
    anc(short, D(2025, 7, 20), ttd=30)
    anc(short, D(2025, 10, 2), ttd=30)  # after the quarter: not counted for it
    c = card(admin)
    assert (cells(c, enough)["ih_ttd90"].value, cells(c, enough)["ih_ttd90"].source) == (
        "Y",
        "derived",
    )
    assert "TTD" in cells(c, enough)["ih_ttd90"].note and "95" in cells(c, enough)["ih_ttd90"].note
    assert cells(c, short)["ih_ttd90"].value == "T"
    assert "70" in cells(c, short)["ih_ttd90"].note


def test_nifas_needs_three_visits_within_42_days_and_only_after_delivery(admin):
    ok, _ = delivered(D(2024, 10, 20), D(2025, 8, 1), D(2025, 8, 1), D(2025, 8, 5), D(2025, 8, 20))
    late, _ = delivered(
        D(2024, 10, 21), D(2025, 8, 1), D(2025, 8, 2), D(2025, 8, 6), D(2025, 9, 20)
    )
    waiting = pregnant(T3_HPHT)
    anc(waiting, D(2025, 7, 10))
    c = card(admin)
    assert (cells(c, ok)["ih_nifas3"].value, cells(c, ok)["ih_nifas3"].source) == ("Y", "derived")
    assert "KF" in cells(c, ok)["ih_nifas3"].note
    # 20 September is 50 days after the delivery: not a nifas visit.
    assert cells(c, late)["ih_nifas3"].value == "T"
    assert "20/09/2025" not in cells(c, late)["ih_nifas3"].note
    # Delivered in the quarter: the pregnancy indicators are TS on her row.
    assert (cells(c, ok)["ih_anc4"].value, cells(c, ok)["ih_anc4"].source) == ("TS", "rule")
    assert (cells(c, waiting)["ih_nifas3"].value, cells(c, waiting)["ih_nifas3"].source) == (
        "TS",
        "rule",
    )


def test_a_mother_delivered_before_the_quarter_counts_her_nifas_visits_up_to_its_end(admin):
    _, mother = delivered(D(2024, 9, 10), D(2025, 6, 25), D(2025, 6, 26), D(2025, 6, 30))
    NifasVisit.objects.create(
        target=mother, tanggal=D(2025, 7, 20), tempat="Pustu (uji)", pemeriksa="bidan"
    )
    assert cells(card(admin), mother)["ih_nifas3"].value == "Y"


def test_counselling_adds_kelas_ibu_hamil_to_the_tpk_visits(admin):
    both = pregnant(T3_HPHT)
    visit(both, D(2025, 8, 10))
    anc(both, D(2025, 9, 1), kelas=True)
    kie_only = pregnant(T3_HPHT)
    visit(kie_only, D(2025, 8, 10))
    anc(kie_only, D(2025, 9, 1))
    unknown = pregnant(T3_HPHT)  # no ANC contact: the kelas ibu hamil are unknown
    visit(unknown, D(2025, 8, 10))
    c = card(admin)
    cell = cells(c, both)["ih_konseling"]
    assert (cell.value, cell.source) == ("Y", "derived") and "kelas ibu hamil" in cell.note
    assert cells(c, kie_only)["ih_konseling"].value == "T"
    assert (cells(c, unknown)["ih_konseling"].value, cells(c, unknown)["ih_konseling"].source) == (
        "",
        "",
    )


def test_kek_makes_the_risti_home_visit_apply_and_table_1_counts_it(admin):
    kek = pregnant(T3_HPHT)
    anc(kek, D(2025, 7, 3), lila="22.0")
    visit(kek, D(2025, 7, 10), D(2025, 8, 10), D(2025, 9, 10))
    normal = pregnant(T3_HPHT)
    anc(normal, D(2025, 7, 3))
    c = card(admin)
    assert cells(c, kek)["ih_kunjungan_risti"].value == "Y"
    assert (
        cells(c, normal)["ih_kunjungan_risti"].value,
        cells(c, normal)["ih_kunjungan_risti"].source,
    ) == ("TS", "rule")
    assert c.targets.risti_kek == 1
    unknown = pregnant(T3_HPHT)  # nothing recorded: unknown, Table 1 cannot count
    c = card(admin)
    assert cells(c, unknown)["ih_kunjungan_risti"].value == ""
    assert c.targets.risti_kek is None


def test_an_entered_value_beside_a_derived_one_is_shown_but_not_counted(admin):
    t = pregnant(T3_HPHT)
    anc(t, D(2025, 9, 5))  # one of the two needed
    ScorecardEntry.objects.create(target=t, tahun=2025, kuartal=3, indikator="ih_anc4", nilai="Y")
    c = card(admin)
    cell = cells(c, t)["ih_anc4"]
    assert (cell.value, cell.source, cell.entered) == ("T", "derived", "Y")
    cov = next(v for v in c.groups["ibu_hamil"].coverage if v.indicator.key == "ih_anc4")
    assert (cov.y, cov.applicable) == (0, 1)


def _card_queries(admin) -> int:
    with CaptureQueriesContext(connection) as ctx:
        card(admin)
    return len(ctx.captured_queries)


def test_the_facts_are_read_in_the_same_queries_for_two_or_ten_pregnancies(admin):
    def add(n):
        for i in range(n):
            t = pregnant(T3_HPHT, nama=f"Ibu {i}")
            anc(t, D(2025, 7, 10), D(2025, 9, 5), ttd=30, kelas=True)
            visit(t, D(2025, 8, 10))
            delivered(D(2024, 10, 1 + i), D(2025, 7, 20), D(2025, 7, 21), D(2025, 7, 25))

    add(2)
    small = _card_queries(admin)
    add(8)
    assert _card_queries(admin) == small
    assert small <= 15
