"""The verdicts of the annual review (computed level, model villages, villages needing
support) on hand-counted data: a level judged on the exact score, and a model village shown
with only what it had in the year reviewed."""

import datetime

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.innovations.services import innovation_save
from kampungkb.convergence.models import Evaluation
from kampungkb.convergence.reports import review_context, review_sheets
from kampungkb.convergence.review.rapor import kampung_kb_rapor
from kampungkb.convergence.review.scorecard import scorecard
from kampungkb.convergence.review.selectors import kampung_kb_review, village_lists
from kampungkb.convergence.review.services import evaluation_run, indicator_values_save
from kampungkb.wilayah.models import ActivityGroup, Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

# Typed management indicators of a Kampung KB as a Pokja reports them (facilities 60.8 %).
# With no coaching visit and no activity group active, the seeded 2025 rule set (management
# threshold 65, weights adding to 16) gives 100 × 10.3996…/16 = 64.9979…: just under 65.
MANAGEMENT_JUST_UNDER_65 = {
    "in_partisipasi": 80,
    "in_kegiatan_terpadu": 1,
    "in_anggaran": 50,
    "in_sarana": 60.8,
    "pr_seksi_aktif": 8,
    "pr_aparat": 80,
    "pr_lembaga": 4,
    "pr_kie": 4,
    "pr_kbkr": 4,
    "pr_sektor_lain": 6,
    "pr_poktan": 12,
    "pr_gerakan": 4,
}
# Contribution at its best ends (with no child stunted and every child measured: far above
# the 2025 threshold of 70).
CONTRIBUTION_BEST = {
    "out_8_fungsi": 80,
    "out_kb_aktif": 70,
    "out_mkjp": 30,
    "out_poktan_peserta": 60,
}


def _measured_without_stunting(kode: str, years) -> None:
    """Ten children of ``kode``, each measured (not stunted) once in each of ``years``."""
    for i in range(10):
        child = factories.child_row(
            kode, nama=f"Anak {kode} {i}", tanggal_lahir=datetime.date(2023, 1, 1)
        )
        for year in years:
            factories.measurement_row(
                child, datetime.date(year, 8, 1), tinggi=85, zlen=0.1, stunted=False, flen=False
            )


def test_a_management_score_just_under_the_threshold_does_not_reach_it(users, kampungs):
    kampung = kampungs["own"]
    ActivityGroup.objects.filter(kampung=kampung).update(aktif=False)
    _measured_without_stunting(KURNIA_JAYA, (2024, 2025))
    summaries_rebuild()
    indicator_values_save(
        user=users["desa"],
        kampung=kampung,
        tahun=2025,
        values={**MANAGEMENT_JUST_UNDER_65, **CONTRIBUTION_BEST},
    )
    e = evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])[0]
    assert e.rule_set.kode == "kkb-2025"
    assert e.skor_kontribusi >= 70
    # 64.9979… is below 65: the management is not yet good enough, so the level is Mandiri
    # (contribution visible, management not yet optimal), not Berkelanjutan. It was judged
    # on the score rounded to two decimals (65.00), which made it a model village.
    assert 64.99 < e.skor_manajemen <= 65
    assert e.tingkat == "mandiri"
    lists = village_lists(user=users["admin"], tahun=2025)
    assert [m["key"] for m in lists["model"]] == []


def test_a_model_village_lists_only_the_innovations_it_had_in_the_year_reviewed(users, kampungs):
    kampung = kampungs["own"]
    _measured_without_stunting(KURNIA_JAYA, (2024, 2025))
    summaries_rebuild()
    best = {**MANAGEMENT_JUST_UNDER_65, "in_sarana": 100, "pr_kie": 12, "pr_kbkr": 12}
    indicator_values_save(
        user=users["desa"], kampung=kampung, tahun=2025, values={**best, **CONTRIBUTION_BEST}
    )
    evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])
    desa = Wilayah.objects.get(kode=KURNIA_JAYA)
    for nama, tahun in (("Dapur sehat 2024", 2024), ("Posyandu keliling 2026", 2026)):
        innovation_save(
            user=users["admin"],
            desa=desa,
            nama=nama,
            tahun=tahun,
            deskripsi="Uji",
            bukti="Uji",
            direplikasi_di=[Wilayah.objects.get(kode=BATU_PENYU)],
        )
    lists = village_lists(user=users["admin"], tahun=2025)
    (model,) = lists["model"]
    assert model["key"] == kampung.pk
    # The review of 2025 names what the village had done by 2025: an innovation it started in
    # 2026 was not part of it (and would change a report already handed in).
    assert [i.nama for i in model["innovations"]] == ["Dapur sehat 2024"]
    sheet = review_sheets(review_context(user=users["admin"], tahun=2025))[1]
    assert sheet.rows[0][2] == "Dapur sehat 2024"
    assert Evaluation.objects.filter(kampung=kampung, tahun=2025).exists()


def test_a_kampung_kb_launched_after_the_year_is_not_counted_in_that_years_review(
    users, ref, make_kampung
):
    make_kampung(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2017, 10, 3))
    later = make_kampung(BATU_PENYU, tanggal_pencanangan=datetime.date(2026, 3, 1))
    evaluation_run(user=users["admin"], tahun=2025)
    ctx = review_context(user=users["admin"], tahun=2025)
    # In 2025 the district had one Kampung KB (as its target page and the evaluation count
    # them): Batu Penyu's was launched in 2026.
    assert [r["kampung"].desa_id for r in ctx["rows"]] == [KURNIA_JAYA]
    assert sum(k["n"] for k in ctx["kecamatan"]) == 1
    assert [r["kampung"].desa_id for r in scorecard(user=users["admin"], tahun=2025)["rows"]] == [
        KURNIA_JAYA
    ]
    # Its own review and rapor of that year still open (nothing to judge in it).
    assert kampung_kb_review(user=users["admin"], kampung=later, tahun=2025)["row"]["level"] is None
    assert kampung_kb_rapor(user=users["admin"], kampung=later, tahun=2025)["row"]["verdict"] == (
        "unevaluated"
    )


def test_the_review_of_a_year_not_over_yet_says_it_is_provisional(client, users, kampungs):
    """The review opens on the current year, whose figures, levels and model / support
    lists still change (a "rising" prevalence compares part of a year with a whole one);
    nothing said so on the page, the PDF or the xlsx."""
    import io

    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    this_year, last_year = timezone.localdate().year, timezone.localdate().year - 1
    client.force_login(users["admin"])
    page = client.get(reverse("convergence:review_year")).content.decode()
    assert 'data-testid="year-open"' in page and "belum berakhir" in page
    assert review_context(user=users["admin"], tahun=this_year)["year_open"]
    sheet = client.get(reverse("convergence:review_xlsx") + f"?tahun={this_year}")
    assert "belum berakhir" in load_workbook(io.BytesIO(sheet.content)).worksheets[0]["A1"].value
    page = client.get(reverse("convergence:review_year") + f"?tahun={last_year}").content.decode()
    assert 'data-testid="year-open"' not in page
    assert not review_context(user=users["admin"], tahun=last_year)["year_open"]
    sheet = client.get(reverse("convergence:review_xlsx") + f"?tahun={last_year}")
    assert load_workbook(io.BytesIO(sheet.content)).worksheets[0]["A1"].value == "Kampung KB"


def test_last_years_level_is_named_as_the_page_names_it_in_the_xlsx(client, users, kampungs):
    """The review xlsx wrote last year's computed level as its stored code ("mandiri")."""
    kampung = kampungs["own"]
    _measured_without_stunting(KURNIA_JAYA, (2024, 2025))
    summaries_rebuild()
    for year in (2024, 2025):
        indicator_values_save(
            user=users["desa"],
            kampung=kampung,
            tahun=year,
            values={**MANAGEMENT_JUST_UNDER_65, **CONTRIBUTION_BEST},
        )
        evaluation_run(user=users["admin"], tahun=year, kampungs=[kampung])
    before = Evaluation.objects.filter(kampung=kampung, tahun=2024).first()  # the latest run
    label = before.get_tingkat_display()
    assert label != before.tingkat
    (row,) = [
        r
        for r in review_sheets(review_context(user=users["admin"], tahun=2025))[0].rows
        if r[0] == kampung.nama
    ]
    assert row[6] == label
    client.force_login(users["admin"])
    page = client.get("/konvergensi/reviu/?tahun=2025").content.decode()
    assert f"<td>{label}</td>" in page
