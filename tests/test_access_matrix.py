"""Log in as each role and request every page with its own and another area's ids.

Expected: 200 where the role may see it, 403 where the role may never do it, 404 where the
object lies outside the user's area (so its existence is not revealed), 302 to log in when
anonymous.
"""

import datetime

import pytest
from django.urls import reverse

from kampungkb.convergence.models import RuleSet
from kampungkb.growth.models import Posyandu
from kampungkb.growth.services import child_register, measurement_record
from tests.conftest import BATU_PENYU, GANTUNG, KURNIA_JAYA, MANGGAR

ROLES = ["admin", "kecamatan", "desa", "mitra", "viewer"]
TODAY = datetime.date.today()


@pytest.fixture
def ids(make_kampung):
    own_pos = Posyandu.objects.create(nama="Posyandu Kurnia", desa_id=KURNIA_JAYA)
    other_pos = Posyandu.objects.create(nama="Posyandu Batu Penyu", desa_id=BATU_PENYU)

    def child(posyandu):
        return child_register(
            user=None,
            desa=posyandu.desa,
            posyandu=posyandu,
            nama="Anak",
            jenis_kelamin="P",
            tanggal_lahir=TODAY - datetime.timedelta(days=300),
            nama_ibu="Ibu",
        )

    own_child, other_child = child(own_pos), child(other_pos)
    m = measurement_record(user=None, child=own_child, tanggal=TODAY, berat=7)
    return {
        "own": make_kampung(KURNIA_JAYA).pk,
        "other": make_kampung(BATU_PENYU).pk,
        "own_pos": own_pos.pk,
        "other_pos": other_pos.pk,
        "own_child": own_child.pk,
        "other_child": other_child.pk,
        "own_measurement": m.pk,
        "rule_set": RuleSet.objects.order_by("pk").values_list("pk", flat=True).first(),
    }


def _pages(ids):
    return {
        "home": reverse("site:home"),
        "wilayah_list": reverse("wilayah:list"),
        "map": reverse("wilayah:map"),
        "map_spec": reverse("wilayah:map_spec"),
        "kampung_list": reverse("wilayah:kampungkb_list"),
        "kampung_create": reverse("wilayah:kampungkb_create"),
        "kecamatan_own": reverse("wilayah:detail", args=[MANGGAR]),
        "kecamatan_other": reverse("wilayah:detail", args=[GANTUNG]),
        "desa_own": reverse("wilayah:detail", args=[KURNIA_JAYA]),
        "desa_other": reverse("wilayah:detail", args=[BATU_PENYU]),
        "kampung_own": reverse("wilayah:kampungkb_detail", args=[ids["own"]]),
        "kampung_other": reverse("wilayah:kampungkb_detail", args=[ids["other"]]),
        "kampung_edit_own": reverse("wilayah:kampungkb_edit", args=[ids["own"]]),
        "kampung_edit_other": reverse("wilayah:kampungkb_edit", args=[ids["other"]]),
        "audit": reverse("core:audit"),
        "admin": "/admin/",
        "child_list": reverse("growth:child_list"),
        "child_own": reverse("growth:child_detail", args=[ids["own_child"]]),
        "child_other": reverse("growth:child_detail", args=[ids["other_child"]]),
        "child_edit_own": reverse("growth:child_edit", args=[ids["own_child"]]),
        "chart_own": reverse("growth:child_chart_spec", args=[ids["own_child"], "wfa"]),
        "chart_other": reverse("growth:child_chart_spec", args=[ids["other_child"], "wfa"]),
        "measurement_edit_own": reverse("growth:measurement_edit", args=[ids["own_measurement"]]),
        "session_start": reverse("growth:session_start"),
        "session_own": reverse("growth:session", args=[ids["own_pos"], TODAY.isoformat()]),
        "session_other": reverse("growth:session", args=[ids["other_pos"], TODAY.isoformat()]),
        "import": reverse("growth:import_upload"),
        "export": reverse("growth:export_xlsx"),
        "skdn": reverse("growth:skdn"),
        "kbm_tables": reverse("growth:kbm_tables"),
        "kbm_choose": reverse("growth:kbm_default_choose", args=[1]),
        "rule_sets": reverse("convergence:rule_set_list"),
        "rule_set": reverse("convergence:rule_set_detail", args=[ids["rule_set"]]),
    }


# page: (admin, kecamatan operator of Manggar, desa operator of Kurnia Jaya, mitra, viewer)
EXPECTED = {
    "home": (200, 200, 200, 200, 200),
    "wilayah_list": (200, 200, 200, 200, 200),
    "map": (200, 200, 200, 200, 200),
    "map_spec": (200, 200, 200, 200, 200),
    "kampung_list": (200, 200, 200, 200, 200),
    "kampung_create": (200, 200, 403, 403, 403),
    "kecamatan_own": (200, 200, 404, 200, 200),
    "kecamatan_other": (200, 404, 404, 200, 200),
    "desa_own": (200, 200, 200, 200, 200),
    "desa_other": (200, 404, 404, 200, 200),
    "kampung_own": (200, 200, 200, 200, 200),
    "kampung_other": (200, 404, 404, 200, 200),
    "kampung_edit_own": (200, 200, 200, 403, 403),
    "kampung_edit_other": (200, 404, 404, 403, 403),
    "audit": (200, 403, 403, 403, 403),
    "admin": (302, 302, 302, 302, 302),  # Django admin: superusers only
    # Personal records: Mitra OPD and Viewer never see a child (403 for lists, 404 for ids).
    "child_list": (200, 200, 200, 403, 403),
    "child_own": (200, 200, 200, 404, 404),
    "child_other": (200, 404, 404, 404, 404),
    "child_edit_own": (200, 200, 200, 404, 404),
    "chart_own": (200, 200, 200, 404, 404),
    "chart_other": (200, 404, 404, 404, 404),
    "measurement_edit_own": (200, 200, 200, 404, 404),
    "session_start": (200, 200, 200, 403, 403),
    "session_own": (200, 200, 200, 403, 403),
    "session_other": (200, 404, 404, 403, 403),
    "import": (200, 200, 200, 403, 403),
    "export": (200, 200, 200, 403, 403),
    "skdn": (200, 200, 200, 200, 200),  # aggregates
    "kbm_tables": (200, 200, 200, 200, 200),  # reference data
    "kbm_choose": (405, 405, 405, 405, 405),  # a POST only (tests/growth/test_kbm_tables.py)
    "rule_sets": (200, 200, 200, 200, 200),  # read by all; changed by the admin only
    "rule_set": (200, 200, 200, 200, 200),  # (tests/convergence/test_rule_sets.py)
}


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_page_answers_each_role_as_designed(client, users, ids, role_index):
    client.force_login(users[ROLES[role_index]])
    got = {name: client.get(url).status_code for name, url in _pages(ids).items()}
    want = {name: codes[role_index] for name, codes in EXPECTED.items()}
    assert got == want


def test_anonymous_visitors_are_sent_to_the_login_page(client, ids):
    for name, url in _pages(ids).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/masuk/" in response["Location"] or "/admin/login/" in response["Location"]


def test_posts_outside_the_area_are_refused_like_gets(client, users, ids):
    client.force_login(users["kecamatan"])
    url = reverse("wilayah:maturity_add", args=[ids["other"]])
    assert (
        client.post(url, {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "x"}).status_code
        == 404
    )
    client.force_login(users["mitra"])
    url = reverse("wilayah:maturity_add", args=[ids["own"]])
    assert (
        client.post(url, {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "x"}).status_code
        == 403
    )


def test_user_without_role_sees_nothing(client, django_user_model, ids):
    client.force_login(django_user_model.objects.create(username="tanpa-peran"))
    assert client.get(reverse("wilayah:detail", args=[KURNIA_JAYA])).status_code == 404
    assert client.get(reverse("wilayah:kampungkb_detail", args=[ids["own"]])).status_code == 404
    assert "belum memiliki wilayah tugas" in client.get("/").content.decode()


def test_superuser_may_use_django_admin(client, django_user_model, beltim):
    su = django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(su)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/wilayah/kampungkb/").status_code == 200
