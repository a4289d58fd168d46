"""The pages that record a delivery (the pregnant woman becomes a pasca persalinan target,
her baby linked to its growth record) and a catin couple's marriage: phone forms whose refused
values answer 400 with the message beside the field (htmx swaps the form in place)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.families.tpk.models import Target, TargetKind
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
FUTURE = "Tanggal tidak boleh di masa depan."


@pytest.fixture
def world(users, today):
    tpk.team()
    return {
        "users": users,
        "ibu": tpk.pregnant(nama="Ibu Melahirkan Sintetis", weeks=39),
        "catin": tpk.catin(nama="Catin Menikah Sintetis", days_to_marriage=30),
        "other": tpk.pregnant(factories.BATU_PENYU, nama="Ibu Gantung Sintetis"),
        "baby": factories.child_row(
            nama="Bayi Baru Sintetis",
            tanggal_lahir=today - DAY,
            berat_lahir=Decimal("2.35"),
            panjang_lahir=Decimal("46.5"),
        ),
        "old_child": factories.child_row(nama="Anak Lama Sintetis"),
        "elsewhere": factories.child_row(
            factories.BATU_PENYU, nama="Bayi Gantung Sintetis", tanggal_lahir=today - DAY
        ),
    }


def _as(client, user):
    client.force_login(user)
    return client


def test_the_delivery_form_offers_the_desas_babies_born_around_the_due_date(world, client):
    c = _as(client, world["users"]["desa"])
    page = c.get(reverse("families:tpk_delivery_create", args=[world["ibu"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bayi Baru Sintetis" in html
    assert "Anak Lama Sintetis" not in html  # born in 2024
    assert "Bayi Gantung Sintetis" not in html  # another desa


def test_a_delivery_makes_her_a_pasca_persalinan_target_with_the_babys_birth_data(
    world, client, today
):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[world["ibu"].pk])
    data = {
        "tanggal_persalinan": (today - DAY).isoformat(),
        "hasil_persalinan": "lahir_hidup",
        "child": world["baby"].pk,
    }
    response = c.post(url, data, **HTMX)
    nxt = Target.objects.get(previous=world["ibu"])
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("families:tpk_target", args=[nxt.pk])
    assert nxt.kind == TargetKind.PASCA_PERSALINAN and nxt.aktif
    # Taken from the growth record when not typed: 2.35 kg, 46.5 cm (BBLR).
    assert (nxt.berat_lahir, nxt.panjang_lahir, nxt.is_bblr) == (2350, Decimal("46.5"), True)
    world["ibu"].refresh_from_db()
    assert (world["ibu"].aktif, world["ibu"].tanggal_persalinan) == (False, today - DAY)
    assert AuditEntry.objects.filter(object_type="families.target", object_id=str(nxt.pk)).exists()
    page = c.get(reverse("families:tpk_target", args=[nxt.pk]))
    assert "Catat persalinan" not in page.content.decode()


def test_a_delivery_in_the_future_answers_400_with_the_error_beside_the_date(world, client, today):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[world["ibu"].pk])
    data = {
        "tanggal_persalinan": (today + DAY).isoformat(),
        "hasil_persalinan": "lahir_hidup",
        "berat_lahir": "3100",
    }
    bad = c.post(url, data, **HTMX)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert FUTURE in html and 'id="id_tanggal_persalinan"' in html and "is-invalid" in html
    assert "<html" not in html  # the form only, swapped in place
    assert 'value="3100"' in html  # what was typed stays
    world["ibu"].refresh_from_db()
    assert world["ibu"].aktif and not Target.objects.filter(previous=world["ibu"]).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "before_hpht"])
def test_a_delivery_before_the_pregnancy_began_is_refused_beside_the_date(world, client, day):
    """A mistyped year made her a mother since year 1 (and the TPK summaries ran from it)."""
    ibu = world["ibu"]  # 39 weeks pregnant
    if day == "before_hpht":
        day = (ibu.hpht - DAY).isoformat()
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[ibu.pk])
    bad = c.post(url, {"tanggal_persalinan": day, "hasil_persalinan": "lahir_hidup"}, **HTMX)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "sebelum kehamilan dimulai" in html and "is-invalid" in html
    ibu.refresh_from_db()
    assert ibu.aktif and ibu.tanggal_persalinan is None
    assert not Target.objects.filter(previous=ibu).exists()


def test_a_delivery_before_a_recorded_anc_contact_is_refused(world, client, today):
    """Her later contacts would silently drop out of her K4 and the scorecard."""
    ibu = world["ibu"]
    tpk.anc_contact(ibu, tanggal=today - DAY)
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[ibu.pk])
    day = (today - 3 * DAY).isoformat()
    bad = c.post(url, {"tanggal_persalinan": day, "hasil_persalinan": "lahir_hidup"}, **HTMX)
    assert bad.status_code == 400 and "Kontak ANC kehamilan ini tercatat" in bad.content.decode()
    assert Target.objects.get(pk=ibu.pk).aktif
    ok = c.post(url, {"tanggal_persalinan": (today - DAY).isoformat(),
                      "hasil_persalinan": "lahir_hidup"})  # fmt: skip
    assert ok.status_code == 302 and not Target.objects.get(pk=ibu.pk).aktif


def test_a_baby_born_on_another_day_is_refused_beside_the_choice(world, client, today):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[world["ibu"].pk])
    data = {
        "tanggal_persalinan": (today - 20 * DAY).isoformat(),
        "hasil_persalinan": "lahir_hidup",
        "child": world["baby"].pk,
    }
    bad = c.post(url, data)
    assert bad.status_code == 400
    assert "Anak ini tidak lahir pada tanggal persalinan" in bad.content.decode()
    # A child of another desa is not even a choice.
    bad = c.post(url, data | {"child": world["elsewhere"].pk})
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    assert world["ibu"].__class__.objects.get(pk=world["ibu"].pk).aktif


def test_the_delivery_of_another_area_is_not_found_and_read_only_roles_are_refused(
    world, client, today
):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_delivery_create", args=[world["other"].pk])
    assert c.get(url).status_code == 404
    assert c.post(url, {"tanggal_persalinan": today.isoformat()}).status_code == 404
    mine = reverse("families:tpk_delivery_create", args=[world["ibu"].pk])
    for role in ("mitra", "viewer"):
        c = _as(client, world["users"][role])
        assert c.get(mine).status_code == 403
        data = {"tanggal_persalinan": today.isoformat(), "hasil_persalinan": "lahir_hidup"}
        assert c.post(mine, data).status_code == 403
    assert Target.objects.get(pk=world["ibu"].pk).aktif


def test_a_catin_marriage_ends_the_catin_stage(world, client, today):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_marriage_create", args=[world["catin"].pk])
    assert c.get(url).status_code == 200
    bad = c.post(url, {"tanggal_nikah": (today + DAY).isoformat()}, **HTMX)
    assert bad.status_code == 400 and FUTURE in bad.content.decode()
    good = c.post(url, {"tanggal_nikah": today.isoformat()})
    assert good.status_code == 302
    world["catin"].refresh_from_db()
    assert (world["catin"].tanggal_nikah, world["catin"].aktif) == (today, False)


def test_a_marriage_of_a_pregnant_woman_is_refused_and_read_only_roles_get_403(
    world, client, today
):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_marriage_create", args=[world["ibu"].pk])
    bad = c.post(url, {"tanggal_nikah": today.isoformat()})
    assert bad.status_code == 400
    assert "hanya dapat dicatat untuk sasaran catin yang aktif" in bad.content.decode()
    other = reverse("families:tpk_marriage_create", args=[world["other"].pk])
    assert c.get(other).status_code == 404
    c = _as(client, world["users"]["viewer"])
    url = reverse("families:tpk_marriage_create", args=[world["catin"].pk])
    assert c.post(url, {"tanggal_nikah": today.isoformat()}).status_code == 403


@pytest.mark.parametrize(
    ("route", "target"),
    [("families:tpk_delivery_create", "ibu"), ("families:tpk_marriage_create", "catin")],
)
def test_a_record_form_naming_the_target_is_a_read_of_her_record(world, client, route, target):
    c = _as(client, world["users"]["desa"])
    views = AuditEntry.objects.filter(action="view", object_type="families.target")
    assert c.get(reverse(route, args=[world[target].pk])).status_code == 200
    seen = views.get()
    assert (seen.actor, seen.object_id) == (world["users"]["desa"], str(world[target].pk))
