"""KRS figures in the analytics summaries: built in the same rebuild as the prevalence
summaries, by desa / kecamatan / kabupaten / Kampung KB vs other desa / round, counted by hand
on the small district of tests/families/krs_data.py."""

import datetime

import pytest

from kampungkb.analytics.models import KrsSummary, SummaryState
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.families.labels import labels_compute
from tests import factories
from tests.factories import BATU_PENYU, BELTIM, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families import krs_data

pytestmark = pytest.mark.django_db
Y2025 = datetime.date(2025, 1, 1)


def _cell(kode, group="all", start=Y2025):
    return KrsSummary.objects.get(
        wilayah_kode=kode, group=group, period_type="year", period_start=start
    )


def test_the_rebuild_stores_the_krs_figures_of_every_area_and_round():
    krs_data.district()
    # Kurnia Jaya is a Kampung KB since 2020: in both rounds.
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2020, 3, 1))
    summaries_rebuild()
    kurnia = _cell(KURNIA_JAYA)
    assert (kurnia.families, kurnia.sasaran, kurnia.krs, kurnia.stunted) == (5, 4, 3, 1)
    assert (kurnia.f_air, kurnia.f_muda, kurnia.f_tua, kurnia.f_jamban) == (1, 1, 1, 0)
    assert kurnia.krs_share == pytest.approx(0.75) and kurnia.mcpr == pytest.approx(0.5)
    assert (kurnia.jkn_known, kurnia.jkn_yes, kurnia.akta_known, kurnia.akta_yes) == (5, 4, 2, 1)
    assert (_cell(LALANG_JAYA).krs, _cell(BATU_PENYU).krs) == (1, 2)
    assert (_cell(MANGGAR).families, _cell(MANGGAR).krs, _cell(GANTUNG).krs) == (9, 4, 2)
    district = _cell(BELTIM)
    assert (district.families, district.sasaran, district.krs) == (12, 10, 6)
    assert district.krs_share == pytest.approx(0.6)
    kkb, other = _cell(BELTIM, "kampung_kb"), _cell(BELTIM, "other")
    assert (kkb.families, kkb.sasaran, kkb.krs) == (5, 4, 3)
    assert (other.families, other.sasaran, other.krs) == (7, 6, 3)
    earlier = _cell(KURNIA_JAYA, start=datetime.date(2024, 1, 1))
    assert (earlier.families, earlier.krs) == (1, 1)
    assert _cell(BELTIM, "kampung_kb", datetime.date(2024, 1, 1)).krs == 1
    assert not KrsSummary.objects.filter(wilayah_kode=LALANG_JAYA, period_start__year=2024)


def test_a_kampung_kb_launched_later_counts_as_other_desa_before():
    krs_data.district()
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2025, 2, 1))
    summaries_rebuild()
    assert not KrsSummary.objects.filter(
        wilayah_kode=BELTIM, group="kampung_kb", period_start=datetime.date(2024, 1, 1)
    ).exclude(families=0)
    assert _cell(BELTIM, "other", datetime.date(2024, 1, 1)).krs == 1
    assert _cell(BELTIM, "kampung_kb").krs == 3


def test_labelling_rounds_refreshes_the_summaries(django_capture_on_commit_callbacks):
    # The district and the family committed first (their signals sent), as in real life:
    # within one transaction a signal already due covers the changes after it.
    with django_capture_on_commit_callbacks(execute=True):
        krs_data.district()
        survey = factories.family_row(BATU_PENYU, members=[krs_data.wife("2008-01-01")])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        labels_compute([survey.pk])
    assert len(callbacks) == 1
    assert SummaryState.objects.exists()
    assert _cell(BATU_PENYU).krs == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        labels_compute([])
    assert callbacks == []


def test_the_rebuild_reads_the_families_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    krs_data.district()
    summaries_rebuild()
    for _ in range(20):
        factories.family_row(LALANG_JAYA, members=[krs_data.wife("1995-01-01")])
    from kampungkb.analytics.krs_cube import build_krs_rows

    # The counts (3) and whether the installation serves several kabupaten (1).
    with django_assert_max_num_queries(5):
        build_krs_rows()


def test_the_area_page_has_a_krs_section_with_the_kampung_kb_split(client):
    krs_data.district()
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2020, 3, 1))
    summaries_rebuild()
    client.force_login(factories.mitra_opd())
    html = client.get(f"/analisis/w/{BELTIM}/").content.decode()
    section = html.split('data-testid="krs-section"')[1].split("</section>")[0]
    assert "2025" in section and "60,0" in section  # 6 KRS of 10 target families
    assert section.count('data-testid="krs-group"') == 2  # Kampung KB and other desa
    assert "75,0" in section and "50,0" in section  # Kampung KB 3 of 4, other 3 of 6
    assert f"/keluarga/krs/{BELTIM}/?tahun=2025" in section


def test_an_earlier_period_shows_the_round_of_its_year():
    from kampungkb.analytics.krs_selectors import krs_section
    from kampungkb.wilayah.models import Wilayah

    krs_data.district()
    summaries_rebuild()
    viewer = factories.viewer()
    area = Wilayah.objects.get(kode=KURNIA_JAYA)
    assert krs_section(user=viewer, area=area, when=datetime.date(2024, 8, 1)).tahun == 2024
    assert krs_section(user=viewer, area=area, when=datetime.date(2026, 2, 1)).tahun == 2025
    assert krs_section(user=viewer, area=area, when=datetime.date(2020, 2, 1)).tahun == 2025
    assert krs_section(user=viewer, area=area, when=None).main.krs == 3
