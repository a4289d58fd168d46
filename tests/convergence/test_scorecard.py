"""The Kampung KB scorecard, its chart, the rapor and its one-page PDF, and the level that
follows its inputs without anyone pressing "Evaluasi semua"."""

import contextlib
import datetime
import re
import zlib

import pytest
from django.urls import reverse

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.coaching.services import visit_record
from kampungkb.convergence.models import Evaluation, IndicatorDefinition
from kampungkb.convergence.review.scorecard import scorecard
from kampungkb.convergence.review.services import evaluation_run, indicator_values_save
from kampungkb.wilayah.models import ActivityGroupType, Wilayah
from kampungkb.wilayah.services import kampung_kb_save
from tests import factories
from tests.conftest import KURNIA_JAYA

GROUP_TYPES = ActivityGroupType.values


def _values(strength: float) -> dict:
    """Recorded indicator values at ``strength`` (0..1) of a generous top of their unit."""
    tops = {"%": 100, "kegiatan": 10, "juta Rp": 60, "seksi": 8, "lembaga": 5}
    return {
        d.kode: round(tops.get(d.satuan, 14) * strength, 1)
        for d in IndicatorDefinition.objects.filter(computed=False)
    }


def _latest(kampung, tahun):
    return Evaluation.objects.filter(kampung=kampung, tahun=tahun).order_by("-id").first()


def _stunting(kode, n_stunted, n, day):
    for i in range(n):
        child = factories.child_row(
            kode,
            nama=f"Anak Sintetis {kode[-4:]}-{day.year}-{i}",
            tanggal_lahir=day.replace(year=day.year - 2),
        )
        factories.measurement_row(
            child, day, tinggi=80, zlen=-2.5 if i < n_stunted else 0.1, stunted=i < n_stunted
        )


def test_saving_indicators_re_evaluates_the_kampung_kb_and_its_page_shows_the_new_level(
    client, users, kampungs, today
):
    this_year = today.year
    kampung = kampungs["own"]
    _stunting(KURNIA_JAYA, 1, 20, datetime.date.today())
    summaries_rebuild()
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(0.1))
    weak = _latest(kampung, this_year)
    assert weak is not None and weak.tingkat == "dasar"  # evaluated at once, nobody pressed
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(1.0))
    strong = _latest(kampung, this_year)
    assert strong.pk != weak.pk and strong.skor_manajemen > weak.skor_manajemen
    assert strong.tingkat == "berkelanjutan"
    assert Evaluation.objects.filter(pk=weak.pk).exists()  # history is kept
    client.force_login(users["kecamatan"])
    page = client.get(reverse("convergence:kampung_kb_review", args=[kampung.pk]))
    assert re.search(r'data-testid="computed-level">\s*Berkelanjutan', page.content.decode())
    card = client.get(reverse("convergence:review_scorecard")).context
    row = next(r for r in card["rows"] if r["kampung"] == kampung)
    assert row["level"] == "berkelanjutan" and row["management"] == strong.skor_manajemen


def test_a_refresh_keeps_the_newest_evaluation_when_nothing_changed(users, kampungs, today):
    this_year = today.year
    kampung = kampungs["own"]
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(0.5))
    n = Evaluation.objects.count()
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(0.5))
    assert Evaluation.objects.count() == n


def test_a_kampung_kb_without_indicators_or_evaluation_is_not_evaluated_by_a_visit(
    users, kampungs, ref
):
    visit_record(
        user=None,
        opd=ref["dkppkb"],
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        tanggal=datetime.date.today(),
        topik="Pembinaan",
        temuan="Temuan",
    )
    assert not Evaluation.objects.exists()


def test_a_coaching_visit_re_evaluates_the_kampung_kb_of_its_desa(users, kampungs, ref, today):
    this_year = today.year
    kampung = kampungs["own"]
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(0.5))
    before = _latest(kampung, this_year)
    assert before.detail["values"]["sys_pembinaan"] == 0
    visit_record(
        user=users["admin"],
        opd=ref["dkppkb"],
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        tanggal=datetime.date.today(),
        topik="Pembinaan",
        temuan="Temuan",
    )
    after = _latest(kampung, this_year)
    assert after.pk != before.pk and after.detail["values"]["sys_pembinaan"] == 1
    assert after.skor_manajemen > before.skor_manajemen


def test_an_analytics_rebuild_re_evaluates_the_years_that_have_levels(users, kampungs):
    kampung = kampungs["own"]
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=2025, values=_values(0.9))
    before = _latest(kampung, 2025)
    assert before.detail["values"]["sys_prevalensi"] is None
    _stunting(KURNIA_JAYA, 1, 20, datetime.date(2025, 3, 1))
    summaries_rebuild()  # what the background refresh runs after imports and edits
    after = _latest(kampung, 2025)
    assert after.pk != before.pk and after.detail["values"]["sys_prevalensi"] == 5.0
    assert before.skor_kontribusi is None and after.skor_kontribusi is not None
    assert not Evaluation.objects.filter(tahun=2024).exists()  # no level there to refresh


def test_the_scorecard_bands_each_value_against_the_rule_set(users, kampungs, today):
    this_year = today.year
    own, other = kampungs["own"], kampungs["other"]
    values = _values(1.0)
    values["pr_kie"] = 3  # best is 12: a quarter of the weight, weak
    values["pr_kbkr"] = 7.2  # 0.6 of the weight: fair
    del values["pr_gerakan"]
    indicator_values_save(user=users["desa"], kampung=own, tahun=this_year, values=values)
    indicator_values_save(user=None, kampung=other, tahun=this_year, values=_values(0.2))
    card = scorecard(user=users["admin"], tahun=this_year, sort="-manajemen")
    assert [r["kampung"] for r in card["rows"]] == [own, other]
    codes = [c["kode"] for c in card["columns"]]
    assert codes[0].startswith("in_") and "sys_prevalensi" in codes  # both groups
    cells = {c["kode"]: c for c in card["rows"][0]["cells"]}
    assert cells["pr_kie"]["band"] == "weak" and cells["pr_kie"]["value"] == 3
    assert cells["pr_kbkr"]["band"] == "fair"
    assert cells["in_sarana"]["band"] == "strong"
    assert cells["pr_gerakan"]["band"] == "missing" and cells["pr_gerakan"]["value"] is None
    assert card["rows"][1]["verdict"] == "support"
    assert card["rows"][1]["why"]  # the reasons and the weakest indicators
    by_name = scorecard(user=users["admin"], tahun=this_year, sort="nonsense")["rows"]
    assert [r["kampung"].nama for r in by_name] == sorted(r["kampung"].nama for r in by_name)
    # An operator of one desa sees the row of their own Kampung KB only.
    assert [r["kampung"] for r in scorecard(user=users["desa"], tahun=this_year)["rows"]] == [own]


def test_the_scorecard_page_labels_every_band_in_words(client, users, kampungs, today):
    this_year = today.year
    indicator_values_save(
        user=users["desa"], kampung=kampungs["own"], tahun=this_year, values=_values(0.3)
    )
    client.force_login(users["viewer"])
    page = client.get(reverse("convergence:review_scorecard")).content.decode()
    assert 'data-testid="scorecard-legend"' in page
    assert '<span class="visually-hidden"> (lemah)</span>' in page
    assert '<span class="visually-hidden"> (tidak ada data)</span>' in page


def test_the_chart_spec_has_a_point_per_kampung_kb_and_the_rule_set_lines(client, users, kampungs):
    for kampung, strength in ((kampungs["own"], 1.0), (kampungs["other"], 0.2)):
        indicator_values_save(user=None, kampung=kampung, tahun=2025, values=_values(strength))
    _stunting(KURNIA_JAYA, 1, 20, datetime.date(2025, 3, 1))
    _stunting(KURNIA_JAYA, 1, 10, datetime.date(2024, 3, 1))
    summaries_rebuild()
    client.force_login(users["kecamatan"])
    response = client.get(reverse("convergence:review_chart_spec") + "?tahun=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    spec = response.json()
    points = next(
        layer["data"]["values"] for layer in spec["layer"] if layer["mark"]["type"] == "point"
    )
    # Only the Kampung KB with measurements (Kurnia Jaya): stunting fell from 10 to 5 %.
    assert [(p["prevalensi"], p["perubahan"], p["arah"]) for p in points] == [(5.0, -5.0, "turun")]
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert {r["data"]["values"][0].get("x") for r in rules} >= {65}  # management threshold
    assert {r["data"]["values"][0].get("y") for r in rules} >= {11.5}  # prevalence no longer weak


def _pdf_pages(content: bytes) -> int:
    """Count the page objects of a PDF, inside its compressed object streams too (pypdf is not
    among the dependencies)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)


def test_the_rapor_shows_the_trends_and_prints_on_one_page(client, users, kampungs, ref, today):
    this_year = today.year
    kampung = kampungs["own"]
    for year, strength in ((2022, 0.3), (2023, 0.5), (2024, 0.7), (2025, 0.9), (this_year, 1.0)):
        indicator_values_save(user=None, kampung=kampung, tahun=year, values=_values(strength))
    _stunting(KURNIA_JAYA, 3, 20, datetime.date(2024, 3, 1))
    _stunting(KURNIA_JAYA, 1, 20, datetime.date(2025, 3, 1))
    summaries_rebuild()
    visit_record(
        user=None,
        opd=ref["dkppkb"],
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        tanggal=datetime.date(2025, 5, 2),
        topik="Pembinaan",
        temuan="Temuan",
        follow_ups=[
            {
                "tindakan": "Lengkapi register",
                "penanggung_jawab": "Petugas Sintetis Rahasia",
                "batas_waktu": datetime.date(2025, 6, 1),
            }
        ],
    )
    client.force_login(users["viewer"])
    response = client.get(
        reverse("convergence:kampung_kb_review", args=[kampung.pk]) + "?tahun=2025"
    )
    rapor = response.context["rapor"]
    assert rapor["years"] == [2021, 2022, 2023, 2024, 2025]
    assert [o["prevalence"] for o in rapor["outcomes"]] == [None, None, None, 15.0, 5.0]
    assert rapor["outcomes"][-1]["change"] == -10.0
    assert [w["visits"] for w in rapor["work"]] == [0, 0, 0, 0, 1]
    assert rapor["work"][-1]["overdue"] == 1
    assert [lv["computed"] is not None for lv in rapor["levels"]] == [False, True, True, True, True]
    assert rapor["strong"] and all(i["band"] == "strong" for i in rapor["strong"])
    page = response.content.decode()
    assert "Petugas Sintetis Rahasia" not in page  # no person's name for the Viewer
    pdf = client.get(reverse("convergence:kampung_kb_rapor_pdf", args=[kampung.pk]) + "?tahun=2025")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _pdf_pages(pdf.content) == 1
    assert b"Petugas Sintetis Rahasia" not in pdf.content


def test_another_areas_rapor_is_not_found(client, users, kampungs):
    client.force_login(users["desa"])
    url = reverse("convergence:kampung_kb_rapor_pdf", args=[kampungs["other"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("tahun", ["abc", "99999", "-1"])
def test_a_bad_year_on_the_scorecard_is_not_an_error(client, users, kampungs, tahun):
    client.force_login(users["admin"])
    assert client.get(reverse("convergence:review_scorecard"), {"tahun": tahun}).status_code == 200
    assert client.get(reverse("convergence:review_chart_spec"), {"tahun": tahun}).status_code == 200


def test_the_admin_run_still_stores_a_run_each_time(users, kampungs, today):
    this_year = today.year
    kampung = kampungs["own"]
    evaluation_run(user=users["admin"], tahun=this_year, kampungs=[kampung])
    evaluation_run(user=users["admin"], tahun=this_year, kampungs=[kampung])
    assert Evaluation.objects.filter(kampung=kampung).count() == 2


def test_the_review_lists_say_not_evaluated_rather_than_none_before_any_evaluation(
    client, users, kampungs, today
):
    this_year = today.year
    client.force_login(users["admin"])
    page = client.get(reverse("convergence:review_year")).content.decode()
    assert page.count("Belum dievaluasi.") == 2 and "Tidak ada tahun ini." not in page
    indicator_values_save(user=None, kampung=kampungs["own"], tahun=this_year, values=_values(0.1))
    page = client.get(reverse("convergence:review_year")).content.decode()
    assert "Belum dievaluasi." not in page
    # Kurnia Jaya needs support: listed with its weakest indicators and the OPD to coach.
    support = page.split('data-testid="support-list"')[1].split("</ul></div>")[0]
    assert "Kampung KB Kurnia Jaya" in support and support.count("<li>") >= 3
    assert "Tidak ada tahun ini." in page.split('data-testid="model-list"')[1].split("</ul>")[0]


def test_a_change_of_the_active_groups_re_evaluates_the_kampung_kb(
    users, ref, make_kampung, django_capture_on_commit_callbacks, today
):
    # The share of active groups (sys_poktan_aktif) is a management indicator: the scorecard
    # showed the new share while the level and score stayed computed from the old one.
    this_year = today.year
    with django_capture_on_commit_callbacks(execute=True):  # the creation's signal has run
        kampung = make_kampung(KURNIA_JAYA)
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=this_year, values=_values(0.5))
    before = _latest(kampung, this_year)
    assert before.detail["values"]["sys_poktan_aktif"] == 14.3  # 1 of the 7 groups
    with django_capture_on_commit_callbacks(execute=True):
        kampung_kb_save(
            user=users["desa"],
            kampung=kampung,
            profile={"desa": kampung.desa, "nama": kampung.nama},
            pokja=[],
            groups=[{"jenis": t, "aktif": True, "tanggal_mulai": None} for t in GROUP_TYPES],
            partners=[],
            funding=[],
        )
    after = _latest(kampung, this_year)
    assert after.pk != before.pk and after.detail["values"]["sys_poktan_aktif"] == 100.0
    assert after.skor_manajemen > before.skor_manajemen
    row = next(
        r
        for r in scorecard(user=users["admin"], tahun=this_year)["rows"]
        if r["kampung"] == kampung
    )
    assert row["management"] == after.skor_manajemen


def test_a_kampung_kb_not_evaluated_for_the_year_is_not_said_to_be_on_track(
    client, users, kampungs, today
):
    # Nothing recorded, no evaluation: the scorecard and the rapor once labelled it "Sesuai
    # jalur" (on track), the verdict of an evaluated village in neither list.
    this_year = today.year
    indicator_values_save(
        user=users["desa"], kampung=kampungs["own"], tahun=this_year, values=_values(0.5)
    )
    client.force_login(users["admin"])
    card = client.get(reverse("convergence:review_scorecard")).context
    verdicts = {r["kampung"]: (r["verdict"], str(r["verdict_label"])) for r in card["rows"]}
    assert verdicts[kampungs["other"]] == ("unevaluated", "Belum dinilai")
    assert verdicts[kampungs["own"]][0] in ("", "model", "support")
    page = client.get(reverse("convergence:kampung_kb_review", args=[kampungs["other"].pk]))
    assert "Belum dinilai" in page.content.decode()
    assert "Sesuai jalur" not in page.content.decode()
    client.get(reverse("convergence:review_scorecard") + "?urut=putusan")  # sorts them too
