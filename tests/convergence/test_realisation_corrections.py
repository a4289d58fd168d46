"""A realisation recorded by mistake is corrected or removed, with a reason in the trail, and
the activity's progress (and every figure summed from it) follows, back down if need be."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampungkb.convergence.models import Plan, ProgrammeArea, Realisation
from kampungkb.convergence.plans.selectors import plan_list, plan_summary
from kampungkb.convergence.plans.services import (
    activity_add,
    plan_create,
    realisation_add,
    realisation_delete,
    realisation_update,
)
from kampungkb.convergence.review.selectors import review_rows
from kampungkb.core.models import AuditAction, AuditEntry


@pytest.fixture
def year(today):
    # Last year: every day of it is in the past, so any month may be recorded.
    return today.year - 1


def _activity(plan):
    return activity_add(
        user=None,
        plan=plan,
        kegiatan="Kelas BKB",
        programme_area=ProgrammeArea.objects.get(kode="d"),
        sasaran="Keluarga balita",
        jumlah_sasaran=20,
        anggaran=1_000_000,
        sumber_dana="dana_desa",
        bulan=[3, 4],
        penanggung_jawab="Ketua Pokja",
    )


@pytest.fixture
def activity(kampungs, year):
    return _activity(plan_create(user=None, tahun=year, kampung=kampungs["own"]))


@pytest.fixture
def other_activity(kampungs, year):
    return _activity(plan_create(user=None, tahun=year, kampung=kampungs["other"]))


def _record(user, activity, day, progres, spent=100_000, catatan=""):
    return realisation_add(
        user=user,
        activity=activity,
        tanggal=day,
        progres=progres,
        output_tercapai=progres // 10,
        anggaran_realisasi=spent,
        catatan=catatan,
    )


def _audit(real, action):
    return AuditEntry.objects.get(
        object_type="convergence.realisation", object_id=str(real.pk), action=action
    )


# --- services -----------------------------------------------------------------------------


def test_a_mistyped_100_percent_is_corrected_down_and_the_activity_follows(users, activity, year):
    desa = users["desa"]
    _record(desa, activity, datetime.date(year, 3, 1), 40)
    typo = _record(desa, activity, datetime.date(year, 4, 1), 100, spent=900_000)
    activity.refresh_from_db()
    assert activity.progres == 100

    realisation_update(
        user=desa,
        realisation=typo,
        alasan="Salah ketik: 100 untuk 60",
        progres=60,
        anggaran_realisasi=600_000,
        catatan="dikoreksi",
    )

    activity.refresh_from_db()
    assert (activity.progres, activity.anggaran_realisasi) == (60, Decimal(600_000))
    entry = _audit(typo, AuditAction.UPDATE)
    assert entry.actor == desa
    assert entry.wilayah_kode == activity.plan.desa_id
    assert entry.changes == {
        "progres": [100, 60],
        "anggaran_realisasi": ["900000", "600000"],
        "catatan": ["", "dikoreksi"],
        "activity": activity.pk,
        "alasan": "Salah ketik: 100 untuk 60",
    }
    # A plain new record may still not go back below the corrected 60%.
    with pytest.raises(ValidationError, match="mundur"):
        _record(desa, activity, datetime.date(year, 5, 1), 50)
    _record(desa, activity, datetime.date(year, 5, 1), 70)


def test_a_correction_may_move_the_date_and_must_still_fit_between_the_others(
    users, activity, year
):
    desa = users["desa"]
    _record(desa, activity, datetime.date(year, 2, 1), 20)
    middle = _record(desa, activity, datetime.date(year, 3, 1), 50)
    _record(desa, activity, datetime.date(year, 4, 1), 60)
    with pytest.raises(ValidationError, match="melebihi catatan yang lebih akhir"):
        realisation_update(user=desa, realisation=middle, alasan="x", progres=80)
    with pytest.raises(ValidationError, match="mundur"):
        realisation_update(user=desa, realisation=middle, alasan="x", progres=10)
    with pytest.raises(ValidationError):
        realisation_update(
            user=desa, realisation=middle, alasan="x", tanggal=datetime.date(year + 1, 1, 1)
        )
    # Moved after April's 60%, its 50% would make progress go back.
    with pytest.raises(ValidationError, match="mundur"):
        realisation_update(
            user=desa, realisation=middle, alasan="x", tanggal=datetime.date(year, 5, 1)
        )
    # Before February's 20%, it would be above a later record.
    with pytest.raises(ValidationError, match="melebihi catatan yang lebih akhir"):
        realisation_update(
            user=desa, realisation=middle, alasan="x", tanggal=datetime.date(year, 1, 15)
        )
    realisation_update(
        user=desa, realisation=middle, alasan="Tanggal salah", tanggal=datetime.date(year, 3, 20)
    )
    middle.refresh_from_db()
    assert middle.tanggal == datetime.date(year, 3, 20)
    assert _audit(middle, AuditAction.UPDATE).changes["tanggal"] == [
        f"{year}-03-01",
        f"{year}-03-20",
    ]
    # A refused correction changed nothing and left no trail.
    assert (
        AuditEntry.objects.filter(
            object_type="convergence.realisation", action=AuditAction.UPDATE
        ).count()
        == 1
    )


def test_a_correction_or_removal_without_a_reason_is_refused(users, activity, year):
    real = _record(users["desa"], activity, datetime.date(year, 3, 1), 40)
    with pytest.raises(ValidationError) as refused:
        realisation_update(user=users["desa"], realisation=real, alasan="  ", progres=30)
    assert "alasan" in refused.value.error_dict
    with pytest.raises(ValidationError):
        realisation_delete(user=users["desa"], realisation=real, alasan="")
    real.refresh_from_db()
    assert real.progres == 40


def test_removing_the_latest_record_takes_the_activity_back_to_the_one_before(
    users, activity, year
):
    desa = users["desa"]
    first = _record(desa, activity, datetime.date(year, 3, 1), 40, spent=300_000)
    typo = _record(desa, activity, datetime.date(year, 4, 1), 100, spent=900_000)

    realisation_delete(user=desa, realisation=typo, alasan="Dicatat dua kali")

    assert not Realisation.objects.filter(pk=typo.pk).exists()
    activity.refresh_from_db()
    assert (activity.progres, activity.output_tercapai, activity.anggaran_realisasi) == (
        40,
        4,
        Decimal(300_000),
    )
    entry = _audit(typo, AuditAction.DELETE)
    assert entry.actor == desa
    assert entry.changes == {
        "tanggal": f"{year}-04-01",
        "progres": 100,
        "output_tercapai": 10,
        "anggaran_realisasi": "900000",
        "catatan": "",
        "activity": activity.pk,
        "alasan": "Dicatat dua kali",
    }
    realisation_delete(user=desa, realisation=first, alasan="Salah kegiatan")
    activity.refresh_from_db()
    assert (activity.progres, activity.output_tercapai, activity.anggaran_realisasi) == (0, 0, 0)


def test_only_who_may_record_the_realisation_may_correct_or_remove_it(
    users, activity, other_activity, year
):
    own = _record(users["desa"], activity, datetime.date(year, 3, 1), 40)
    other = _record(None, other_activity, datetime.date(year, 3, 1), 40)
    refused = [
        (users["desa"], other),  # another desa's
        (users["kecamatan"], other),  # another kecamatan's
        (users["mitra"], own),
        (users["viewer"], own),
    ]
    for user, real in refused:
        with pytest.raises(PermissionDenied):
            realisation_update(user=user, realisation=real, alasan="x", progres=10)
        with pytest.raises(PermissionDenied):
            realisation_delete(user=user, realisation=real, alasan="x")
    assert sorted(Realisation.objects.values_list("progres", flat=True)) == [40, 40]
    assert not AuditEntry.objects.filter(
        object_type="convergence.realisation",
        action__in=[AuditAction.UPDATE, AuditAction.DELETE],
    ).exists()
    # The kecamatan operator and the admin may, as they may record one.
    realisation_update(user=users["kecamatan"], realisation=own, alasan="x", progres=30)
    realisation_update(user=users["admin"], realisation=other, alasan="x", progres=30)


def test_an_opd_plans_realisation_is_corrected_by_the_district_admin_only(users, ref, year):
    plan = plan_create(user=None, tahun=year, opd=ref["dpupr"])
    real = _record(None, _activity(plan), datetime.date(year, 3, 1), 40)
    with pytest.raises(PermissionDenied):
        realisation_update(user=users["desa"], realisation=real, alasan="x", progres=30)
    realisation_update(user=users["admin"], realisation=real, alasan="x", progres=30)


def test_the_plan_figures_and_the_annual_review_read_the_corrected_progress(
    users, activity, kampungs, year
):
    desa, admin = users["desa"], users["admin"]
    typo = _record(desa, activity, datetime.date(year, 4, 1), 100, spent=900_000)

    def figures():
        plan = plan_list(user=admin, tahun=year).get(pk=activity.plan_id)
        (row,) = plan_summary(user=admin, tahun=year, by="desa")
        review = next(
            r
            for r in review_rows(user=admin, tahun=year, launched_only=False)
            if r["kampung"] == kampungs["own"]
        )["plan"]
        return (plan.progres, plan.realisasi, row["progres"], row["realisasi"], review["done"])

    assert figures() == (100, 900_000, 100, 900_000, 1)
    realisation_update(
        user=desa, realisation=typo, alasan="x", progres=60, anggaran_realisasi=600_000
    )
    assert figures() == (60, 600_000, 60, 600_000, 0)
    realisation_delete(user=desa, realisation=typo, alasan="x")
    assert figures()[:2] == (0, 0)


# --- pages --------------------------------------------------------------------------------


def _form(real, **changes):
    return {
        "tanggal": real.tanggal.isoformat(),
        "progres": str(real.progres),
        "output_tercapai": str(real.output_tercapai),
        "anggaran_realisasi": str(real.anggaran_realisasi),
        "catatan": real.catatan,
        "alasan": "Salah ketik",
        **changes,
    }


def test_the_correction_page_shows_the_record_and_saves_the_correction(
    client, users, activity, year
):
    real = _record(users["desa"], activity, datetime.date(year, 4, 1), 100)
    client.force_login(users["desa"])
    url = reverse("convergence:realisation_edit", args=[real.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="100"' in page.content.decode()

    response = client.post(url, _form(real, progres="60"))

    assert response.status_code == 302
    assert response["Location"] == reverse("convergence:plan_detail", args=[activity.plan_id])
    activity.refresh_from_db()
    assert activity.progres == 60


def test_a_refused_correction_shows_its_errors_with_status_400(client, users, activity, year):
    _record(users["desa"], activity, datetime.date(year, 3, 1), 50)
    real = _record(users["desa"], activity, datetime.date(year, 4, 1), 100)
    client.force_login(users["desa"])
    url = reverse("convergence:realisation_edit", args=[real.pk])

    no_reason = client.post(url, _form(real, progres="60", alasan=""))
    goes_back = client.post(url, _form(real, progres="40"))

    assert (no_reason.status_code, goes_back.status_code) == (400, 400)
    assert no_reason.context["form"].errors.keys() == {"alasan"}
    assert "mundur" in goes_back.content.decode()
    real.refresh_from_db()
    assert real.progres == 100


def test_the_removal_page_asks_for_a_reason_and_removes(client, users, activity, year):
    real = _record(users["desa"], activity, datetime.date(year, 4, 1), 100)
    client.force_login(users["desa"])
    url = reverse("convergence:realisation_delete", args=[real.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"alasan": ""})
    assert refused.status_code == 400
    assert "alasan" in refused.context["form"].errors
    assert Realisation.objects.filter(pk=real.pk).exists()

    response = client.post(url, {"alasan": "Dicatat dua kali"})
    assert response.status_code == 302
    assert not Realisation.objects.filter(pk=real.pk).exists()


def test_the_plan_page_links_each_record_to_its_correction_and_removal(
    client, users, activity, year
):
    real = _record(users["desa"], activity, datetime.date(year, 4, 1), 100)
    plan_url = reverse("convergence:plan_detail", args=[activity.plan_id])
    client.force_login(users["desa"])
    html = client.get(plan_url).content.decode()
    assert reverse("convergence:realisation_edit", args=[real.pk]) in html
    assert reverse("convergence:realisation_delete", args=[real.pk]) in html
    client.force_login(users["viewer"])
    html = client.get(plan_url).content.decode()
    assert reverse("convergence:realisation_edit", args=[real.pk]) not in html


@pytest.mark.parametrize("name", ["realisation_edit", "realisation_delete"])
def test_another_desas_operator_and_read_only_roles_are_refused(
    client, users, activity, other_activity, year, name
):
    own = _record(None, activity, datetime.date(year, 4, 1), 100)
    other = _record(None, other_activity, datetime.date(year, 4, 1), 100)
    data = _form(own, progres="60")
    for user, real, status in [
        (users["desa"], other, 404),  # outside the desa: not revealed
        (users["mitra"], own, 403),
        (users["viewer"], own, 403),
    ]:
        client.force_login(user)
        url = reverse(f"convergence:{name}", args=[real.pk])
        assert client.get(url).status_code == status, user
        assert client.post(url, data).status_code == status, user
    assert sorted(Realisation.objects.values_list("progres", flat=True)) == [100, 100]
    assert Plan.objects.count() == 2
