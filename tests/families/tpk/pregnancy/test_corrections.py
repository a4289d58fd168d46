"""Correcting and deleting a pregnancy-monitoring record entered wrongly (an ANC contact, the KB
decision after delivery, a nifas visit): the same users as may record it, the same checks, what
the records imply computed again for the whole pregnancy, the trail of old and new values, the
TPK summaries refreshed once committed; and the correction pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from kampungkb.analytics.models import TpkSummary
from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import services as tpk_services
from kampungkb.families.tpk.pregnancy import selectors, services
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan, NifasVisit
from tests import factories
from tests.families.tpk import factories as tpk
from tests.families.tpk.factories import anc_contact as _anc
from tests.families.tpk.factories import error_messages as _messages

DAY = datetime.timedelta(days=1)


def _nifas(target, user=None, *, today, **kw):
    values = {"tanggal": today, "tempat": "Rumah", "pemeriksa": "bidan"} | kw
    return services.nifas_visit_record(user=user, target=target, **values)


def _entries(model: str, action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=model, action=action).order_by("pk"))


# --- services -------------------------------------------------------------------------------


def test_a_corrected_hb_clears_the_anaemia_flag_and_the_trail_keeps_old_and_new(users, today):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, users["desa"], hb=Decimal("9.5"))
    before = selectors.pregnancy_summary(target=hamil, on=today)
    assert before.anaemia and "anemia" in {f.code for f in before.flags}

    services.anc_contact_update(user=users["desa"], contact=contact, hb=Decimal("11.5"))

    after = selectors.pregnancy_summary(target=hamil, on=today)
    assert not after.anaemia and "anemia" not in {f.code for f in after.flags}
    assert AncContact.objects.get().hb == Decimal("11.5")
    (entry,) = _entries("families.anccontact", AuditAction.UPDATE)
    assert (entry.actor, entry.wilayah_kode, entry.object_id) == (
        users["desa"],
        factories.KURNIA_JAYA,
        str(contact.pk),
    )
    assert entry.changes == {"hb": ["9.5", "11.5"]}


def test_a_correction_that_changes_nothing_leaves_no_trail_entry(beltim):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, hb=Decimal("11"), berat=Decimal("55"))
    # The form gives 11 for what the column keeps as 11.0: not a change.
    services.anc_contact_update(user=None, contact=contact, hb=Decimal("11"), berat=55)
    assert not _entries("families.anccontact", AuditAction.UPDATE)


def test_deleting_k1_numbers_the_later_contacts_again_and_the_trail_keeps_what_it_held(
    users, today
):
    hamil = tpk.pregnant(weeks=30)
    k1 = _anc(hamil, users["desa"], tanggal=today - 18 * 7 * DAY, hb=Decimal("10.0"))
    k2 = _anc(hamil, users["desa"], tanggal=today - 10 * 7 * DAY)
    k3 = _anc(hamil, users["desa"], tanggal=today)
    summary = selectors.pregnancy_summary(target=hamil, on=today)
    assert [(r.contact.pk, r.number.k) for r in summary.rows] == [
        (k1.pk, 1),
        (k2.pk, 2),
        (k3.pk, 3),
    ]
    assert summary.anc.by_trimester[1] == 1

    k1_pk = k1.pk
    services.anc_contact_delete(user=users["desa"], contact=k1)

    summary = selectors.pregnancy_summary(target=hamil, on=today)
    assert [(r.contact.pk, r.number.k) for r in summary.rows] == [(k2.pk, 1), (k3.pk, 2)]
    assert summary.anc.by_trimester[1] == 0
    assert "tanpa_k1" in {f.code for f in summary.flags}
    assert summary.measures.hb is None  # the only Hb went with K1
    (entry,) = _entries("families.anccontact", AuditAction.DELETE)
    assert entry.object_id == str(k1_pk)
    assert entry.changes["hb"] == "10.0"
    assert entry.changes["tanggal"] == (today - 18 * 7 * DAY).isoformat()
    assert entry.changes["target"] == hamil.pk


def test_a_corrected_date_moves_the_contact_to_its_trimester(beltim, today):
    hamil = tpk.pregnant(weeks=30)
    contact = _anc(hamil, tanggal=today - 5 * 7 * DAY)  # week 25: trimester 2
    services.anc_contact_update(user=None, contact=contact, tanggal=today - 20 * 7 * DAY)
    (row,) = selectors.pregnancy_summary(target=hamil, on=today).rows
    assert (row.number.k, row.number.trimester) == (1, 1)


# A "tanggal" is given in days from today, the day the test runs on.
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"hb": Decimal("20.1")}, "hb", "Isi nilai antara 3 dan 20 g/dL."),
        ({"lila": Decimal("9.9")}, "lila", "Isi nilai antara 10 dan 50 cm."),
        ({"sistolik": 80, "diastolik": 90}, "diastolik", None),
        ({"sistolik": 120, "diastolik": None}, "diastolik", None),
        ({"tempat": " "}, "tempat", "Isi tempat atau pemberi layanan pemeriksaan."),
        ({"tanggal": 1}, "tanggal", "Tanggal tidak boleh di masa depan."),
        ({"tanggal": -25 * 7}, "tanggal", None),  # before the HPHT
    ],
)
def test_a_correction_is_checked_as_a_new_contact_is(beltim, values, field, message, today):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, hb=Decimal("11.0"), lila=Decimal("25.0"), sistolik=110, diastolik=70)
    if "tanggal" in values:
        values = values | {"tanggal": today + values["tanggal"] * DAY}
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.anc_contact_update(user=None, contact=contact, **values)
    assert field in _messages(exc.value)
    if message:
        assert _messages(exc.value)[field] == [message]
    stored = AncContact.objects.get()
    assert (stored.tanggal, stored.hb, stored.lila, stored.sistolik, stored.diastolik) == (
        today,
        Decimal("11.0"),
        Decimal("25.0"),
        110,
        70,
    )


def test_a_contact_keeps_its_own_day_but_may_not_take_another_contact_s(beltim, today):
    hamil = tpk.pregnant(weeks=20)
    earlier = _anc(hamil, tanggal=today - 7 * DAY)
    contact = _anc(hamil)
    services.anc_contact_update(user=None, contact=contact, tempat="Pustu")  # same day: fine
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.anc_contact_update(user=None, contact=contact, tanggal=earlier.tanggal)
    assert _messages(exc.value)["tanggal"] == ["Kontak ANC pada hari ini sudah tercatat."]


def test_only_who_may_record_may_correct_or_delete(users, today):
    hamil = tpk.pregnant(factories.BATU_PENYU, weeks=20)
    contact = _anc(hamil, hb=Decimal("9.0"))
    ibu = tpk.mother(factories.BATU_PENYU, days_since=10)
    kb = services.kb_pasca_record(user=None, target=ibu, keputusan="pil", tanggal=today)
    visit = _nifas(ibu, today=today)
    for user in (users["desa"], users["kecamatan"], users["viewer"], users["mitra"]):
        with pytest.raises(PermissionDenied):
            services.anc_contact_update(user=user, contact=contact, hb=Decimal("12.0"))
        with pytest.raises(PermissionDenied):
            services.anc_contact_delete(user=user, contact=contact)
        with pytest.raises(PermissionDenied):
            services.kb_pasca_update(user=user, record=kb, keputusan="iud", tanggal=today)
        with pytest.raises(PermissionDenied):
            services.kb_pasca_delete(user=user, record=kb)
        with pytest.raises(PermissionDenied):
            services.nifas_visit_update(user=user, visit=visit, tempat="Pustu")
        with pytest.raises(PermissionDenied):
            services.nifas_visit_delete(user=user, visit=visit)
    assert AncContact.objects.get().hb == Decimal("9.0")
    assert KbPascaPersalinan.objects.get().keputusan == "pil"
    assert NifasVisit.objects.get().tempat == "Rumah"
    services.anc_contact_update(user=users["admin"], contact=contact, hb=Decimal("12.0"))
    assert AncContact.objects.get().hb == Decimal("12.0")


def test_a_kb_decision_corrected_past_42_days_no_longer_counts_and_deleted_is_not_recorded(
    users, today
):
    ibu = tpk.mother(days_since=50)
    kb = services.kb_pasca_record(
        user=users["desa"], target=ibu, keputusan="implan", tanggal=today - 45 * DAY
    )
    assert selectors.postpartum_summary(target=ibu, on=today).kb_within_42_days
    services.kb_pasca_update(user=users["desa"], record=kb, keputusan="implan", tanggal=today)
    assert not selectors.postpartum_summary(target=ibu, on=today).kb_within_42_days
    (entry,) = _entries("families.kbpascapersalinan", AuditAction.UPDATE)
    assert entry.changes == {"tanggal": [(today - 45 * DAY).isoformat(), today.isoformat()]}
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.kb_pasca_update(
            user=users["desa"], record=kb, keputusan="jamu", tanggal=today - 51 * DAY
        )
    assert set(_messages(exc.value)) == {"keputusan", "tanggal"}

    services.kb_pasca_delete(user=users["desa"], record=kb)

    ibu.refresh_from_db()
    summary = selectors.postpartum_summary(target=ibu, on=today)
    assert (summary.kb, summary.kb_within_42_days) == (None, False)
    assert selectors.target_indicators(target=ibu, on=today).kb_decision == ""
    (entry,) = _entries("families.kbpascapersalinan", AuditAction.DELETE)
    assert entry.changes["keputusan"] == "implan"


def test_a_nifas_visit_corrected_takes_its_new_kf_and_is_checked_as_a_new_one(users, today):
    ibu = tpk.mother(days_since=30)
    other = _nifas(ibu, tanggal=today - 25 * DAY, today=today)  # day 5: KF2
    visit = _nifas(ibu, tanggal=today - 29 * DAY, today=today)  # day 1: KF1
    assert [r.kf for r in selectors.postpartum_summary(target=ibu, on=today).nifas] == [1, 2]
    services.nifas_visit_update(user=users["desa"], visit=visit, tanggal=today - 20 * DAY)
    rows = selectors.postpartum_summary(target=ibu, on=today).nifas
    assert [(r.visit.pk, r.kf) for r in rows] == [(other.pk, 2), (visit.pk, 3)]
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.nifas_visit_update(user=users["desa"], visit=visit, tanggal=other.tanggal)
    assert _messages(exc.value)["tanggal"] == ["Kunjungan nifas pada hari ini sudah tercatat."]
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.nifas_visit_update(user=users["desa"], visit=visit, tanggal=today - 31 * DAY)
    assert "tanggal" in _messages(exc.value)

    services.nifas_visit_delete(user=users["desa"], visit=visit)

    assert list(NifasVisit.objects.values_list("pk", flat=True)) == [other.pk]
    (entry,) = _entries("families.nifasvisit", AuditAction.DELETE)
    assert entry.changes["tanggal"] == (today - 20 * DAY).isoformat()


def test_a_correction_and_a_deletion_refresh_the_tpk_summaries_once_committed(
    beltim, django_capture_on_commit_callbacks, today
):
    def anaemic() -> int:
        return TpkSummary.objects.get(
            wilayah_kode=factories.KURNIA_JAYA,
            group="all",
            period_type="quarter",
            period_start=datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1),
        ).pregnant_anaemia

    with django_capture_on_commit_callbacks(execute=True):
        hamil = tpk.pregnant(weeks=20)
        contact = _anc(hamil, hb=Decimal("9.0"))
    assert anaemic() == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.anc_contact_update(user=None, contact=contact, hb=Decimal("12.0"))
    assert (len(callbacks), anaemic()) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.anc_contact_update(user=None, contact=contact, hb=Decimal("9.0"))
    assert anaemic() == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.anc_contact_delete(user=None, contact=contact)
    assert (len(callbacks), anaemic()) == (1, 0)


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def desa_client(client, users):
    client.force_login(users["desa"])
    return client


def _anc_data(contact, **kw):
    data = {
        "tanggal": contact.tanggal.isoformat(),
        "tempat": contact.tempat,
        "pemeriksa": contact.pemeriksa,
        "hb": str(contact.hb or ""),
        "ttd_diminum": str(contact.ttd_diminum),
    } | kw
    return {f"anc-{k}": v for k, v in data.items()}


def test_the_panel_links_each_record_to_its_correction_page(desa_client, today):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil)
    page = desa_client.get(reverse("families:tpk_target", args=[hamil.pk])).content.decode()
    assert reverse("families:tpk_anc_edit", args=[contact.pk]) in page
    ibu = tpk.mother(days_since=10)
    kb = services.kb_pasca_record(user=None, target=ibu, keputusan="pil", tanggal=today)
    visit = _nifas(ibu, today=today)
    page = desa_client.get(reverse("families:tpk_target", args=[ibu.pk])).content.decode()
    assert reverse("families:tpk_kb_edit", args=[kb.pk]) in page
    assert reverse("families:tpk_nifas_edit", args=[visit.pk]) in page


def test_the_correction_page_shows_the_values_and_saves_a_correction(desa_client, users):
    hamil = tpk.pregnant(weeks=20, nama="Ibu Koreksi Sintetis")
    contact = _anc(hamil, hb=Decimal("9.5"), ttd_diminum=20)
    target_page = reverse("families:tpk_target", args=[hamil.pk])
    assert "Anemia: Hb 9,5 g/dL" in desa_client.get(target_page).content.decode()
    url = reverse("families:tpk_anc_edit", args=[contact.pk])
    page = desa_client.get(url).content.decode()
    assert "Ibu Koreksi Sintetis" in page
    assert 'name="anc-hb" value="9.5"' in page
    assert reverse("families:tpk_anc_delete", args=[contact.pk]) in page
    assert 'data-confirm="Hapus kontak ANC' in page
    response = desa_client.post(url, _anc_data(contact, hb="11.5"))
    assert response.status_code == 302
    assert response["Location"] == (reverse("families:tpk_target", args=[hamil.pk]) + "#pregnancy")
    page = desa_client.get(response["Location"]).content.decode()
    assert "Anemia:" not in page
    assert "tersimpan." in page  # the message
    assert AncContact.objects.get().hb == Decimal("11.5")


def test_a_refused_correction_answers_400_beside_its_field_and_changes_nothing(desa_client):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, hb=Decimal("9.5"))
    url = reverse("families:tpk_anc_edit", args=[contact.pk])
    response = desa_client.post(url, _anc_data(contact, hb="95"))
    assert response.status_code == 400
    assert "Isi nilai antara 3 dan 20 g/dL." in response.content.decode()
    response = desa_client.post(url, _anc_data(contact, hb="abc"))
    assert response.status_code == 400
    assert AncContact.objects.get().hb == Decimal("9.5")


def test_a_record_is_deleted_by_post_only(desa_client):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil)
    url = reverse("families:tpk_anc_delete", args=[contact.pk])
    assert desa_client.get(url).status_code == 405
    assert AncContact.objects.exists()
    response = desa_client.post(url)
    assert response.status_code == 302
    assert not AncContact.objects.exists()


def test_the_kb_and_nifas_pages_correct_and_delete(desa_client, today):
    ibu = tpk.mother(days_since=10)
    kb = services.kb_pasca_record(user=None, target=ibu, keputusan="pil", tanggal=today)
    visit = _nifas(ibu, today=today)
    url = reverse("families:tpk_kb_edit", args=[kb.pk])
    assert desa_client.get(url).status_code == 200
    response = desa_client.post(url, {"kb-keputusan": "iud", "kb-tanggal": today.isoformat()})
    assert response.status_code == 302
    assert KbPascaPersalinan.objects.get().keputusan == "iud"
    url = reverse("families:tpk_nifas_edit", args=[visit.pk])
    data = {"nifas-tanggal": today.isoformat(), "nifas-pemeriksa": "dokter"}
    assert desa_client.post(url, data | {"nifas-tempat": ""}).status_code == 400
    assert desa_client.post(url, data | {"nifas-tempat": "Pustu"}).status_code == 302
    assert NifasVisit.objects.get().pemeriksa == "dokter"
    assert (
        desa_client.post(reverse("families:tpk_nifas_delete", args=[visit.pk])).status_code == 302
    )
    assert desa_client.post(reverse("families:tpk_kb_delete", args=[kb.pk])).status_code == 302
    assert not NifasVisit.objects.exists() and not KbPascaPersalinan.objects.exists()


@pytest.mark.parametrize("route", ["anc_edit", "anc_delete", "nifas_edit", "nifas_delete"])
def test_another_desa_s_record_is_not_found_and_a_reader_is_refused(client, users, route, today):
    hamil = tpk.pregnant(factories.BATU_PENYU, weeks=20)
    ibu = tpk.mother(factories.BATU_PENYU, days_since=10)
    record = _anc(hamil) if route.startswith("anc") else _nifas(ibu, today=today)
    url = reverse(f"families:tpk_{route}", args=[record.pk])
    for role, status in (("desa", 404), ("kecamatan", 404), ("viewer", 403), ("mitra", 403)):
        client.force_login(users[role])
        assert client.post(url, {}).status_code == status, role
    missing = reverse(f"families:tpk_{route}", args=[record.pk + 1000])
    client.force_login(users["admin"])
    assert client.post(missing, {}).status_code == 404
    assert AncContact.objects.count() + NifasVisit.objects.count() == 1


def test_a_record_deleted_meanwhile_is_deleted_once_and_not_found_to_correct(users):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil)
    stale = AncContact.objects.get(pk=contact.pk)
    services.anc_contact_delete(user=users["desa"], contact=contact)
    services.anc_contact_delete(user=users["desa"], contact=stale)  # a second tap: no error
    assert len(_entries("families.anccontact", AuditAction.DELETE)) == 1
    with pytest.raises(AncContact.DoesNotExist):
        services.anc_contact_update(user=users["desa"], contact=stale, tempat="Pustu")


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_from_the_panel_the_correction_takes_the_place_of_the_forms_and_answers_the_panel(
    desa_client,
):
    hamil = tpk.pregnant(weeks=20)
    contact = _anc(hamil, hb=Decimal("9.5"))
    url = reverse("families:tpk_anc_edit", args=[contact.pk])
    panel = desa_client.get(url, **HTMX).content.decode()
    assert panel.lstrip().startswith('<div id="pregnancy"')
    assert 'data-testid="anc-edit-form"' in panel and 'data-testid="anc-form"' not in panel
    assert 'hx-confirm="Hapus kontak ANC' in panel
    refused = desa_client.post(url, _anc_data(contact, hb="95"), **HTMX)
    assert refused.status_code == 400
    assert "Isi nilai antara 3 dan 20 g/dL." in refused.content.decode()
    saved = desa_client.post(url, _anc_data(contact, hb="11.5"), **HTMX)
    assert saved.status_code == 200
    panel = saved.content.decode()
    assert 'data-testid="anc-saved"' in panel and 'data-testid="anc-form"' in panel
    assert "Anemia:" not in panel
    deleted = desa_client.post(reverse("families:tpk_anc_delete", args=[contact.pk]), **HTMX)
    assert deleted.status_code == 200
    assert 'data-testid="record-deleted"' in deleted.content.decode()
    assert "Belum ada kontak ANC tercatat." in deleted.content.decode()
    assert not AncContact.objects.exists()


def test_a_mother_s_page_links_her_pregnancy_s_contacts_to_their_own_page(desa_client, today):
    hamil = tpk.pregnant(weeks=38)
    contact = _anc(hamil, tanggal=today - 7 * DAY)
    ibu = tpk_services.delivery_record(user=None, target=hamil, tanggal_persalinan=today - DAY)
    page = desa_client.get(reverse("families:tpk_target", args=[ibu.pk])).content.decode()
    url = reverse("families:tpk_anc_edit", args=[contact.pk])
    # Not swapped into the mother's panel (it is her pregnancy's record): a page of its own.
    assert f'href="{url}" data-testid="anc-edit"' in page
    assert f'hx-get="{url}"' not in page
