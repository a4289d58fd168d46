"""Services and selectors: sums, overdue follow-ups, evidence checks, evaluation, outcomes."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.actions.services import action_record_save, evidence_add, evidence_check
from kampungkb.convergence.cadres.selectors import desa_gaps
from kampungkb.convergence.cadres.services import assignment_add, cadre_save, training_add
from kampungkb.convergence.coaching.selectors import followups_overdue, visit_list
from kampungkb.convergence.coaching.services import (
    followup_add,
    followup_complete,
    may_add_followup,
    may_close_followup,
    visit_record,
)
from kampungkb.convergence.innovations.services import innovation_save
from kampungkb.convergence.models import (
    ActionDefinition,
    CoachingVisit,
    Evaluation,
    EvidenceFile,
    FollowUp,
    IndicatorDefinition,
    Opd,
    ProgrammeArea,
    RuleSet,
)
from kampungkb.convergence.plans.selectors import plan_summary
from kampungkb.convergence.plans.services import activity_add, plan_create, realisation_add
from kampungkb.convergence.review.outcomes import stunting_by_desa
from kampungkb.convergence.review.rule_sets import rule_set_update
from kampungkb.convergence.review.selectors import village_lists
from kampungkb.convergence.review.services import evaluation_run, indicator_values_save
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _activity(user, plan, area="d", anggaran=10_000_000, **extra):
    return activity_add(
        user=user,
        plan=plan,
        kegiatan=extra.pop("kegiatan", "Penyuluhan"),
        programme_area=ProgrammeArea.objects.get(kode=area),
        opd=extra.pop("opd", None),
        sasaran="Keluarga",
        jumlah_sasaran=20,
        anggaran=anggaran,
        sumber_dana="dana_desa",
        bulan=[3, 4],
        penanggung_jawab="Ketua Pokja",
        **extra,
    )


def test_plan_realisation_sums_per_desa_kecamatan_opd_and_area(users, kampungs, ref, today):
    year = today.year
    day = datetime.date(year, 1, 15)
    own = plan_create(user=users["desa"], tahun=year, kampung=kampungs["own"])
    other = plan_create(user=users["admin"], tahun=year, kampung=kampungs["other"])
    opd_plan = plan_create(user=users["admin"], tahun=year, opd=ref["dpupr"])
    a1 = _activity(users["desa"], own, "d", 10_000_000)
    a2 = _activity(users["desa"], own, "h", 4_000_000, opd=ref["dpupr"])
    _activity(users["admin"], other, "d", 6_000_000)
    c1 = _activity(users["admin"], opd_plan, "h", 20_000_000)
    for act, spent, progress in ((a1, 5_000_000, 50), (a2, 4_000_000, 100), (c1, 1_000_000, 10)):
        realisation_add(
            user=users["admin"],
            activity=act,
            tanggal=day,
            progres=progress,
            output_tercapai=10,
            anggaran_realisasi=spent,
        )
    # A later entry replaces the activity's figures, it is not added on top.
    realisation_add(
        user=users["admin"],
        activity=a1,
        tanggal=day + datetime.timedelta(days=1),
        progres=60,
        output_tercapai=12,
        anggaran_realisasi=6_000_000,
    )
    admin = users["admin"]
    by_desa = {r["key"]: r for r in plan_summary(user=admin, tahun=year, by="desa")}
    assert by_desa["Kurnia Jaya"]["anggaran"] == 14_000_000
    assert by_desa["Kurnia Jaya"]["realisasi"] == 10_000_000
    assert by_desa["Kurnia Jaya"]["progres"] == 80
    assert by_desa["Batu Penyu"]["realisasi"] == 0
    by_kec = {r["key"]: r["anggaran"] for r in plan_summary(user=admin, tahun=year, by="kecamatan")}
    assert by_kec == {"": 20_000_000, "Manggar": 14_000_000, "Gantung": 6_000_000}
    by_opd = {
        r["key"]: (r["anggaran"], r["realisasi"])
        for r in plan_summary(user=admin, tahun=year, by="opd")
    }
    assert by_opd["DPUPR"] == (24_000_000, 5_000_000)
    assert by_opd[""] == (16_000_000, 6_000_000)
    by_area = {
        r["key"][:2]: r["anggaran"] for r in plan_summary(user=admin, tahun=year, by="bidang")
    }
    assert by_area == {"d.": 16_000_000, "h.": 24_000_000}
    # The desa operator's sums cover its own desa plus the district-wide OPD plans.
    mine = {r["key"] for r in plan_summary(user=users["desa"], tahun=year, by="desa")}
    assert mine == {"Kurnia Jaya", ""}


def test_realisation_cannot_go_back_or_fall_outside_the_plan_year(users, kampungs, today):
    plan = plan_create(user=users["desa"], tahun=today.year, kampung=kampungs["own"])
    act = _activity(users["desa"], plan)
    day = datetime.date(today.year, 1, 10)
    realisation_add(
        user=users["desa"],
        activity=act,
        tanggal=day,
        progres=50,
        output_tercapai=5,
        anggaran_realisasi=100,
    )
    with pytest.raises(ValidationError, match="mundur"):
        realisation_add(
            user=users["desa"],
            activity=act,
            tanggal=day,
            progres=40,
            output_tercapai=5,
            anggaran_realisasi=100,
        )
    with pytest.raises(ValidationError):
        realisation_add(
            user=users["desa"],
            activity=act,
            tanggal=datetime.date(today.year - 1, 5, 1),
            progres=60,
            output_tercapai=5,
            anggaran_realisasi=100,
        )
    assert act.realisations.count() == 1


def test_a_realisation_entered_late_cannot_make_progress_go_back(users, kampungs, today):
    # June's 50% is entered first, then a March record: March may not say 90% (progress
    # would fall from 90% to 50%), nor may a record between say less than the one before.
    year = today.year - 1
    plan = plan_create(user=users["desa"], tahun=year, kampung=kampungs["own"])
    act = _activity(users["desa"], plan)

    def record(month, progres):
        return realisation_add(
            user=users["desa"],
            activity=act,
            tanggal=datetime.date(year, month, 1),
            progres=progres,
            output_tercapai=5,
            anggaran_realisasi=100,
        )

    record(6, 50)
    with pytest.raises(ValidationError, match="melebihi catatan yang lebih akhir"):
        record(3, 90)
    record(2, 20)
    with pytest.raises(ValidationError, match="mundur"):
        record(4, 10)
    record(4, 30)
    assert list(act.realisations.order_by("tanggal").values_list("progres", flat=True)) == [
        20,
        30,
        50,
    ]
    act.refresh_from_db()
    assert act.progres == 50


def test_operators_may_not_plan_for_another_area(users, kampungs, today):
    with pytest.raises(PermissionDenied):
        plan_create(user=users["kecamatan"], tahun=today.year, kampung=kampungs["other"])
    with pytest.raises(PermissionDenied):
        plan_create(user=users["mitra"], tahun=today.year, kampung=kampungs["own"])
    with pytest.raises(PermissionDenied):
        plan_create(user=users["kecamatan"], tahun=today.year, opd=Opd.objects.first())


def _visit(user, opd, kode, *, due, owner_opd=None, days_ago=40):
    return visit_record(
        user=user,
        opd=opd,
        desa=Wilayah.objects.get(kode=kode),
        tanggal=datetime.date.today() - datetime.timedelta(days=days_ago),
        topik="Pembinaan",
        temuan="Register poktan belum lengkap",
        follow_ups=[
            {
                "tindakan": "Lengkapi register",
                "penanggung_jawab": "Ketua Pokja",
                "batas_waktu": due,
                "owner_opd": owner_opd,
            }
        ],
    )


def test_overdue_follow_ups_reach_their_owner_and_the_district_admin(
    users, ref, kampungs, mitra_dpupr, make_user
):
    past = datetime.date.today() - datetime.timedelta(days=3)
    future = datetime.date.today() + datetime.timedelta(days=3)
    desa_owned = _visit(users["admin"], ref["dkppkb"], KURNIA_JAYA, due=past)
    opd_owned = _visit(users["admin"], ref["dpupr"], BATU_PENYU, due=past, owner_opd=ref["dpupr"])
    _visit(users["admin"], ref["dkppkb"], KURNIA_JAYA, due=future)

    def ids(user):
        return {fu.visit_id for fu in followups_overdue(user=user)}

    assert ids(users["admin"]) == {desa_owned.pk, opd_owned.pk}
    assert ids(users["desa"]) == {desa_owned.pk}
    assert ids(users["kecamatan"]) == {desa_owned.pk}
    assert ids(mitra_dpupr) == {opd_owned.pk}
    assert ids(users["viewer"]) == set()
    # Done is no longer overdue.
    fu = desa_owned.follow_ups.get()
    followup_complete(user=users["desa"], followup=fu)
    assert ids(users["admin"]) == {opd_owned.pk}
    # A desa operator may not close what an OPD owns.
    with pytest.raises(PermissionDenied):
        followup_complete(user=users["desa"], followup=opd_owned.follow_ups.get())


def test_a_mitra_opd_records_no_visit_and_sees_only_its_own_opds_visits(
    users, ref, mitra_dpupr, kampungs
):
    # The Mitra OPD is read only (issue 11, item 7): it once recorded its own OPD's visits.
    for opd in (ref["dkppkb"], ref["dpupr"]):
        with pytest.raises(PermissionDenied):
            _visit(mitra_dpupr, opd, KURNIA_JAYA, due=datetime.date.today())
    mine = _visit(users["admin"], ref["dpupr"], KURNIA_JAYA, due=datetime.date.today())
    _visit(users["admin"], ref["dkppkb"], KURNIA_JAYA, due=datetime.date.today())
    assert [v.pk for v in visit_list(user=mitra_dpupr)] == [mine.pk]
    assert visit_list(user=users["desa"]).count() == 2
    assert AuditEntry.objects.filter(object_type="convergence.coachingvisit").count() == 2


@pytest.mark.parametrize("who", ["mitra", "viewer"])
def test_read_only_roles_may_not_record_add_or_close_coaching_work(
    users, ref, kampungs, mitra_dpupr, who
):
    user = mitra_dpupr if who == "mitra" else users["viewer"]
    today = datetime.date.today()
    # Their own OPD's visit, with a follow-up the desa owns and one their OPD owns.
    visit = _visit(users["admin"], ref["dpupr"], KURNIA_JAYA, due=today)
    followup_add(
        user=users["admin"],
        visit=visit,
        tindakan="Perbaiki sumur",
        penanggung_jawab="Penanggung Jawab Sintetis",
        batas_waktu=today,
        owner_opd=ref["dpupr"],
    )
    before = (CoachingVisit.objects.count(), FollowUp.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        _visit(user, ref["dpupr"], KURNIA_JAYA, due=today)
    with pytest.raises(PermissionDenied):
        followup_add(
            user=user,
            visit=visit,
            tindakan="Lagi",
            penanggung_jawab="Siapa Saja",
            batas_waktu=today,
        )
    for fu in visit.follow_ups.all():
        assert not may_close_followup(user, fu)
        with pytest.raises(PermissionDenied):
            followup_complete(user=user, followup=fu)
    assert not may_add_followup(user, visit)
    after = (CoachingVisit.objects.count(), FollowUp.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert visit.follow_ups.filter(status="terbuka").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bukti.pdf", b"MZ\x90\x00 not a pdf", "Hanya berkas PDF"),
        ("bukti.exe", b"MZ\x90\x00", "Hanya berkas PDF"),
        ("bukti.png", PDF, "tidak cocok"),
        ("kosong.pdf", b"", "kosong"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        evidence_check(name=name, head=content[:16], size=len(content))


def test_evidence_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError, match="batasnya"):
        evidence_check(name="a.pdf", head=PDF, size=11 * 1024 * 1024)


def test_evidence_upload_stores_a_real_pdf_and_png_under_media_root(
    users, ref, settings, tmp_path, today
):
    settings.MEDIA_ROOT = tmp_path
    action = ActionDefinition.objects.filter(framework__kode="transformasi-2025").first()
    record = action_record_save(
        user=users["admin"],
        kabupaten=Wilayah.objects.get(kode="19.06"),
        tahun=today.year,
        action=action,
        values={"status": "berjalan"},
    )
    for name, data in (("notulen.pdf", PDF), ("foto.png", png_bytes())):
        evidence_add(
            user=users["admin"], record=record, judul=name, upload=SimpleUploadedFile(name, data)
        )
    stored = list(EvidenceFile.objects.order_by("id"))
    assert [e.content_type for e in stored] == ["application/pdf", "image/png"]
    assert all((tmp_path / e.berkas.name).exists() for e in stored)
    with pytest.raises(ValidationError):
        evidence_add(
            user=users["admin"],
            record=record,
            judul="x",
            upload=SimpleUploadedFile("x.pdf", PDF),
            max_bytes=10,
        )
    with pytest.raises(PermissionDenied):
        evidence_add(
            user=users["kecamatan"],
            record=record,
            judul="x",
            upload=SimpleUploadedFile("x.pdf", PDF),
        )
    assert EvidenceFile.objects.count() == 2


def _measure(child, day, stunted, flen=False):
    return factories.measurement_row(
        child,
        day,
        tinggi=80,
        zlen=-2.5 if stunted else 0.1,
        stunted=stunted,
        flen=flen,
    )


def _child(kode, n):
    return factories.child_row(
        kode, nama=f"Anak Sintetis {n}", tanggal_lahir=datetime.date(2023, 1, 1)
    )


def test_outcome_uses_the_latest_valid_measurement_per_child_in_the_year(kampungs):
    a, b, c = (_child(KURNIA_JAYA, i) for i in range(3))
    _measure(a, datetime.date(2025, 2, 1), True)
    _measure(a, datetime.date(2025, 8, 1), False)  # recovered: latest counts
    _measure(b, datetime.date(2025, 8, 1), True)
    # c's August length is implausible (flagged), so its February one is its latest valid.
    _measure(c, datetime.date(2025, 8, 1), True, flen=True)
    _measure(c, datetime.date(2025, 2, 1), False)
    summaries_rebuild()  # what the background refresh does after imports and edits
    got = stunting_by_desa(tahun=2025)[KURNIA_JAYA]
    assert (got["n"], got["n_stunted"]) == (3, 1)
    assert got["prevalence"] == pytest.approx(100 / 3)  # unrounded: pages round what they show


def test_evaluation_uses_the_rule_set_of_the_year_and_keeps_every_run(users, kampungs):
    kampung = kampungs["own"]
    values = {
        d.kode: 100.0 if d.satuan == "%" else 12.0
        for d in IndicatorDefinition.objects.filter(computed=False)
    }
    values["out_kb_aktif"] = 60.0
    for year in (2024, 2025):
        indicator_values_save(user=users["desa"], kampung=kampung, tahun=year, values=values)
    runs = [
        evaluation_run(user=users["admin"], tahun=y, kampungs=[kampung])[0] for y in (2024, 2025)
    ]
    assert [r.rule_set.kode for r in runs] == ["kkb-2022", "kkb-2025"]
    assert runs[0].skor_kontribusi != runs[1].skor_kontribusi
    evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])
    # The save evaluated it once (the level follows its inputs), then two runs: all kept.
    assert Evaluation.objects.filter(kampung=kampung, tahun=2025).count() == 3
    # Without measurements the prevalence is missing and is named among the missing indicators.
    assert "sys_prevalensi" in runs[1].detail["contribution"]["missing"]


def test_a_new_rule_set_changes_the_result_for_its_years_only(users, kampungs):
    kampung = kampungs["own"]
    base = RuleSet.objects.get(kode="kkb-2025").rules
    lenient = {
        **base,
        "management": {**base["management"], "threshold": 0},
        "contribution": {**base["contribution"], "threshold": 0},
        "min_coverage": 0,
    }
    RuleSet.objects.create(
        kode="uji-2026", nama="Uji", berlaku_dari=2026, rules=lenient, sumber="uji"
    )
    indicator_values_save(
        user=users["desa"], kampung=kampung, tahun=2025, values={"pr_kie": 1, "out_mkjp": 1}
    )
    indicator_values_save(
        user=users["desa"], kampung=kampung, tahun=2026, values={"pr_kie": 1, "out_mkjp": 1}
    )
    e25 = evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])[0]
    e26 = evaluation_run(user=users["admin"], tahun=2026, kampungs=[kampung])[0]
    # 2025: one indicator is too little to classify; the 2026 set asks for no coverage.
    assert (e25.tingkat, e26.tingkat) == ("", "berkelanjutan")
    assert e26.rule_set.kode == "uji-2026"


def test_indicator_values_out_of_range_are_refused_and_nothing_is_saved(users, kampungs):
    with pytest.raises(ValidationError, match="0 sampai 100"):
        indicator_values_save(
            user=users["desa"],
            kampung=kampungs["own"],
            tahun=2025,
            values={"pr_kie": 4, "in_sarana": 140},
        )
    assert not kampungs["own"].indicator_records.exists()
    with pytest.raises(PermissionDenied):
        indicator_values_save(
            user=users["desa"], kampung=kampungs["other"], tahun=2025, values={"pr_kie": 4}
        )


def test_support_list_names_lagging_indicators_and_the_opd_to_coach(users, kampungs):
    kampung = kampungs["own"]
    indicator_values_save(
        user=users["desa"],
        kampung=kampung,
        tahun=2025,
        values={"pr_kie": 1, "in_sarana": 10, "pr_seksi_aktif": 1},
    )
    evaluation_run(user=users["admin"], tahun=2025)
    lists = village_lists(user=users["admin"], tahun=2025)
    entry = next(s for s in lists["support"] if s["key"] == kampung.pk)
    names = [i["kode"] for i in entry["lagging_list"]]
    assert names[:1] == ["in_sarana"] or "in_sarana" in names
    assert "DPUPR" in [o.singkatan for o in entry["opds"]]  # sarana → area h → DPUPR
    assert lists["model"] == []
    # A desa operator's lists hold only its own Kampung KB.
    mine = village_lists(user=users["desa"], tahun=2025)
    assert {s["key"] for s in mine["support"]} == {kampung.pk}


def test_desa_gaps_show_missing_trained_kpm_and_incomplete_tpk(users, kampungs):
    desa = Wilayah.objects.get(kode=KURNIA_JAYA)
    kpm = cadre_save(user=users["desa"], desa=desa, nama="KPM Sintetis", peran="kpm")
    for role in ("tpk_bidan", "tpk_pkk"):
        cadre_save(user=users["desa"], desa=desa, nama=f"{role} sintetis", peran=role)
    row = next(d for d in desa_gaps(user=users["desa"]) if d.kode == KURNIA_JAYA)
    assert (row.trained_kpm, row.tpk_complete, row.has_gap) == (False, False, True)
    training_add(
        user=users["desa"],
        cadre=kpm,
        tanggal=datetime.date(2025, 3, 1),
        topik="Pelatihan KPM",
        penyelenggara="DPMD",
    )
    cadre_save(user=users["desa"], desa=desa, nama="Kader KB", peran="tpk_kb")
    row = next(d for d in desa_gaps(user=users["desa"]) if d.kode == KURNIA_JAYA)
    assert (row.trained_kpm, row.tpk_complete, row.has_gap) == (True, True, False)


def test_xlsx_report_has_the_review_rows(users, kampungs):
    from openpyxl import load_workbook

    from kampungkb.convergence.reports import review_xlsx_bytes

    evaluation_run(user=users["admin"], tahun=2025)
    wb = load_workbook(io.BytesIO(review_xlsx_bytes(user=users["kecamatan"], tahun=2025)))
    names = [row[0].value for row in wb.worksheets[0].iter_rows(min_row=2)]
    assert names == ["Kampung KB Kurnia Jaya"]
    assert len(wb.worksheets) == 3


def _every_write(users, ref, kampungs, today):
    """Each convergence service that writes, called with valid values of the Mitra's OPD and
    Kurnia Jaya (inside every read-only user's area)."""
    admin = users["admin"]
    desa = Wilayah.objects.get(kode=KURNIA_JAYA)
    kampung = kampungs["own"]
    plan = plan_create(user=admin, tahun=today.year, kampung=kampung)
    activity = _activity(admin, plan)
    cadre = cadre_save(user=admin, desa=desa, nama="Kader Sintetis", peran="kpm")
    visit = _visit(admin, ref["dpupr"], KURNIA_JAYA, due=today, owner_opd=ref["dpupr"])
    action = ActionDefinition.objects.filter(framework__kode="transformasi-2025").first()
    record = action_record_save(
        user=admin, kabupaten=desa.parent.parent, tahun=today.year, action=action, values={}
    )
    rule_set = RuleSet.objects.order_by("pk").first()
    return {
        "plan_create": lambda u: plan_create(user=u, tahun=today.year + 1, kampung=kampung),
        "plan_create (OPD)": lambda u: plan_create(user=u, tahun=today.year, opd=ref["dpupr"]),
        "activity_add": lambda u: _activity(u, plan),
        "realisation_add": lambda u: realisation_add(
            user=u,
            activity=activity,
            tanggal=today,
            progres=10,
            output_tercapai=1,
            anggaran_realisasi=100,
        ),
        "cadre_save": lambda u: cadre_save(user=u, desa=desa, nama="Kader Baru", peran="kpm"),
        "cadre_save (edit)": lambda u: cadre_save(
            user=u, cadre=cadre, desa=desa, nama="Kader Ganti", peran="kpm"
        ),
        "training_add": lambda u: training_add(
            user=u, cadre=cadre, tanggal=today, topik="Gizi", penyelenggara="DKPPKB"
        ),
        "assignment_add": lambda u: assignment_add(
            user=u, cadre=cadre, tugas="Pendampingan", mulai=today
        ),
        "visit_record": lambda u: _visit(u, ref["dpupr"], KURNIA_JAYA, due=today),
        "followup_add": lambda u: followup_add(
            user=u, visit=visit, tindakan="Lagi", penanggung_jawab="Siapa", batas_waktu=today
        ),
        "followup_complete": lambda u: followup_complete(
            user=u, followup=visit.follow_ups.order_by("id").first()
        ),
        "innovation_save": lambda u: innovation_save(
            user=u, desa=desa, nama="Inovasi", tahun=today.year, deskripsi="x", bukti="x"
        ),
        "indicator_values_save": lambda u: indicator_values_save(
            user=u, kampung=kampung, tahun=today.year, values={"out_kb_aktif": 50.0}
        ),
        "evaluation_run": lambda u: evaluation_run(user=u, tahun=today.year),
        "action_record_save": lambda u: action_record_save(
            user=u, kabupaten=record.kabupaten, tahun=today.year, action=action, values={}
        ),
        "evidence_add": lambda u: evidence_add(
            user=u, record=record, judul="Bukti", upload=SimpleUploadedFile("b.pdf", PDF)
        ),
        "rule_set_update": lambda u: rule_set_update(
            user=u, rule_set=rule_set, rules=rule_set.rules
        ),
    }


@pytest.mark.parametrize("who", ["mitra", "viewer"])
def test_every_convergence_write_refuses_the_read_only_roles(
    users, ref, kampungs, mitra_dpupr, today, settings, tmp_path, who
):
    settings.MEDIA_ROOT = tmp_path
    user = mitra_dpupr if who == "mitra" else users["viewer"]
    writes = _every_write(users, ref, kampungs, today)
    before = AuditEntry.objects.count()
    allowed = []
    for name, write in writes.items():
        try:
            write(user)
        except PermissionDenied:
            continue
        allowed.append(name)
    assert allowed == []
    assert AuditEntry.objects.count() == before
    # The same calls by the district admin pass: each refusal above is the role's.
    for name in ("visit_record", "followup_add", "followup_complete", "cadre_save"):
        writes[name](users["admin"])


def test_a_mitra_opd_chases_only_the_overdue_follow_ups_of_its_area(users, ref, mitra_dpupr):
    """A province installation: the same OPD visits desa of another kabupaten too; the
    Mitra OPD of Belitung Timur may not open those visits, nor see their follow-ups."""
    Wilayah.objects.create(kode="19.01", nama="Bangka", level="kabupaten", parent_id="19")
    Wilayah.objects.create(kode="19.01.01", nama="Sungailiat", level="kecamatan", parent_id="19.01")
    Wilayah.objects.create(
        kode="19.01.01.2001", nama="Desa Bangka Sintetis", level="desa_kelurahan",
        parent_id="19.01.01",
    )  # fmt: skip
    past = datetime.date.today() - datetime.timedelta(days=3)
    mine = _visit(users["admin"], ref["dpupr"], BATU_PENYU, due=past, owner_opd=ref["dpupr"])
    elsewhere = _visit(None, ref["dpupr"], "19.01.01.2001", due=past, owner_opd=ref["dpupr"])
    assert {fu.visit_id for fu in followups_overdue(user=mitra_dpupr)} == {mine.pk}
    assert elsewhere.pk not in {v.pk for v in visit_list(user=mitra_dpupr)}


def test_an_action_record_update_keeps_its_old_and_new_values_in_the_audit_trail(users, today):
    action = ActionDefinition.objects.filter(framework__kode="transformasi-2025").first()
    kabupaten = Wilayah.objects.get(kode="19.06")
    done = datetime.date(today.year, 1, 2)

    def save(**values):
        return action_record_save(
            user=users["admin"],
            kabupaten=kabupaten,
            tahun=today.year,
            action=action,
            values={"status": "selesai", "tanggal_selesai": done, **values},
            lokus_desa=[Wilayah.objects.get(kode=KURNIA_JAYA)],
            commitments=[{"penandatangan": "Bupati", "lembaga": "Pemkab", "komitmen": "Gizi"}],
        )

    record = save(perbup_nomor="12/2024")
    save(perbup_nomor="13/2024")
    entries = AuditEntry.objects.filter(
        object_type="convergence.actionrecord", object_id=str(record.pk)
    )
    assert entries.get(action="update").changes == {"perbup_nomor": ["12/2024", "13/2024"]}
    created = entries.get(action="create").changes
    assert created["status"] == [None, "selesai"]
    assert created["lokus"] == [None, [KURNIA_JAYA]]
    save(perbup_nomor="13/2024")  # nothing changed: nothing to record
    assert entries.count() == 2


def test_a_deleted_evidence_record_leaves_no_file_behind(
    client, users, ref, settings, tmp_path, today, django_capture_on_commit_callbacks
):
    """Deleted in Django admin, alone or with its action record, or given another file: the
    row went, the file stayed in media/ for good (and in every backup)."""
    settings.MEDIA_ROOT = tmp_path
    actions = ActionDefinition.objects.filter(framework__kode="transformasi-2025")[:2]
    records = [
        action_record_save(
            user=users["admin"],
            kabupaten=Wilayah.objects.get(kode="19.06"),
            tahun=today.year,
            action=action,
            values={"status": "berjalan"},
        )
        for action in actions
    ]

    def add(record, name):
        evidence = evidence_add(
            user=users["admin"], record=record, judul=name, upload=SimpleUploadedFile(name, PDF)
        )
        return evidence, tmp_path / evidence.berkas.name

    alone, alone_file = add(records[0], "notulen.pdf")
    kept, kept_file = add(records[0], "foto.pdf")
    with_record = [add(records[1], f"bukti{i}.pdf")[1] for i in (1, 2)]
    client.force_login(factories.superuser())
    url = f"/admin/convergence/evidencefile/{alone.pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert not alone_file.exists() and kept_file.exists()
    url = f"/admin/convergence/actionrecord/{records[1].pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert not any(path.exists() for path in with_record) and kept_file.exists()
    # A delete rolled back keeps its file.
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        EvidenceFile.objects.filter(pk=kept.pk).delete()
        raise RuntimeError
    assert kept_file.exists()
    # Given another file, the first one goes.
    kept.berkas.save("baru.pdf", SimpleUploadedFile("baru.pdf", PDF), save=False)
    with django_capture_on_commit_callbacks(execute=True):
        kept.save()
    assert not kept_file.exists() and (tmp_path / kept.berkas.name).exists()
    deleted = AuditEntry.objects.filter(action="delete", object_type="convergence.evidencefile")
    assert list(deleted.values_list("object_id", flat=True)) == [str(alone.pk)]
