"""The KRS picture counted by hand on a small district (tests/families/krs_data.py)."""

from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kampungkb.families.stats import krs_picture
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.factories import BATU_PENYU, BELTIM, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families import krs_data

pytestmark = pytest.mark.django_db


def _rows(picture):
    return {r.wilayah.kode: r for r in picture.desa + picture.totals}


def test_the_picture_of_the_district_counts_each_desa_and_sums_the_totals():
    krs_data.district()
    viewer = factories.viewer()
    picture = krs_picture(user=viewer, area=Wilayah.objects.get(kode=BELTIM))
    assert picture.tahun == 2025 and picture.rounds == [2025, 2024]
    rows = _rows(picture)
    kurnia, lalang, batu = rows[KURNIA_JAYA], rows[LALANG_JAYA], rows[BATU_PENYU]
    assert (kurnia.families, kurnia.sasaran, kurnia.krs) == (5, 4, 3)
    assert kurnia.krs_share == Fraction(3, 4)
    assert dict(kurnia.factors) == {
        "air": 1,
        "jamban": 0,
        "muda": 1,
        "tua": 1,
        "dekat": 0,
        "banyak": 0,
    }
    assert (kurnia.pus, kurnia.pus_kb_modern, kurnia.mcpr) == (4, 2, Fraction(1, 2))
    assert kurnia.stunted == 1
    assert (kurnia.members, kurnia.jkn_known, kurnia.jkn_yes) == (9, 5, 4)
    assert kurnia.jkn_share == Fraction(4, 5) and kurnia.akta_share == Fraction(1, 2)
    # The elderly couple's water and latrine are no factor of a target family.
    assert (lalang.families, lalang.sasaran, lalang.krs, lalang.f_jamban) == (4, 3, 1, 1)
    assert (lalang.f_air, lalang.stunted, lalang.mcpr) == (0, 0, Fraction(1, 3))
    assert (batu.families, batu.krs, batu.f_muda, batu.f_banyak, batu.mcpr) == (3, 2, 1, 1, 0)
    assert (rows[MANGGAR].families, rows[MANGGAR].sasaran, rows[MANGGAR].krs) == (9, 7, 4)
    assert (rows[GANTUNG].families, rows[GANTUNG].krs) == (3, 2)
    total = picture.total
    assert total.wilayah.kode == BELTIM
    assert (total.families, total.sasaran, total.krs, total.pus_kb_modern) == (12, 10, 6, 3)
    assert total.krs_share == Fraction(3, 5)


def test_an_earlier_round_is_chosen_and_a_wrong_one_falls_back_to_the_newest():
    krs_data.district()
    viewer = factories.viewer()
    area = Wilayah.objects.get(kode=KURNIA_JAYA)
    earlier = krs_picture(user=viewer, area=area, tahun_text="2024")
    assert earlier.tahun == 2024 and (earlier.total.families, earlier.total.krs) == (1, 1)
    for hostile in ("1999", "x' OR 1=1", None, "9" * 40):
        assert krs_picture(user=viewer, area=area, tahun_text=hostile).tahun == 2025


def test_a_desa_operator_sees_only_their_desa():
    krs_data.district()
    operator = factories.operator_desa(KURNIA_JAYA)
    picture = krs_picture(user=operator, area=Wilayah.objects.get(kode=KURNIA_JAYA))
    assert [r.wilayah.kode for r in picture.desa] == [KURNIA_JAYA]
    assert picture.total.families == 5


def test_the_counts_take_a_fixed_number_of_queries_whatever_the_families():
    krs_data.district()
    viewer = factories.viewer()
    area = Wilayah.objects.get(kode=BELTIM)
    with CaptureQueriesContext(connection) as few:
        krs_picture(user=viewer, area=area)
    for _ in range(10):
        factories.family_row(LALANG_JAYA, members=[krs_data.wife("1995-01-01")])
    with CaptureQueriesContext(connection) as many:
        krs_picture(user=viewer, area=area)
    assert len(many) == len(few)
