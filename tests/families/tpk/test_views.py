"""The TPK pages: workload, the week's list, overdue lists, a target's page and its visit form
(htmx: a refused value answers 400 with the error beside its field), registration; what the
read-only roles see; the audit of personal reads."""

import datetime

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import selectors, services_visits
from kampungkb.families.tpk.models import Target, Visit
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(users, today):
    team = tpk.team()
    incomplete = tpk.team(factories.BATU_PENYU, roles=("tpk_bidan",))
    late = tpk.pregnant(nama="Ibu Terlambat Sintetis", tanggal_daftar=today - 40 * DAY)
    fresh = tpk.pregnant(nama="Ibu Baru Sintetis", nik="1906014101950002")
    far = tpk.catin(nama="Catin Jauh Sintetis", days_to_marriage=200)
    other = tpk.pregnant(factories.BATU_PENYU, nama="Ibu Gantung Sintetis")
    services_visits.visit_record(user=None, target=fresh, tanggal=today - 3 * DAY, jenis="kie")
    return {
        "team": team,
        "incomplete": incomplete,
        "late": late,
        "fresh": fresh,
        "far": far,
        "other": other,
        "users": users,
    }


def _client(client, user):
    client.force_login(user)
    return client


def test_the_workload_counts_active_targets_visits_and_overdue_per_team(world, today):
    loads = {w.team.nama: w for w in selectors.workload(user=world["users"]["admin"], on=today)}
    mine = loads[world["team"].nama]
    assert (mine.active, mine.visits_this_month >= 0, mine.overdue) == (3, True, 1)
    assert mine.active_by_kind == {"ibu_hamil": 2, "catin": 1}
    assert loads[world["incomplete"].nama].missing_roles == ["tpk_pkk", "tpk_kb"]


def test_the_week_list_puts_the_overdue_first_and_leaves_out_what_is_not_due(world, client):
    c = _client(client, world["users"]["desa"])
    page = c.get(reverse("families:tpk_team", args=[world["team"].pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ibu Terlambat Sintetis" in text and "terlambat sejak" in text
    assert "Catin Jauh Sintetis" not in text  # due in 110 days
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_type="families.tpkteam", actor=world["users"]["desa"]
        ).count()
        == 1
    )


def test_overdue_lists_per_desa_and_kecamatan_stay_in_the_users_area(world, client, today):
    c = _client(client, world["users"]["kecamatan"])
    page = c.get(reverse("families:tpk_overdue") + f"?wilayah={factories.MANGGAR}")
    assert "Ibu Terlambat Sintetis" in page.content.decode()
    # The whole area's list (no wilayah asked) is a read of names too: audited.
    assert c.get(reverse("families:tpk_overdue")).status_code == 200
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_type="wilayah.wilayah", wilayah_kode=factories.MANGGAR
        ).count()
        == 2
    )
    assert (
        c.get(reverse("families:tpk_overdue") + f"?wilayah={factories.GANTUNG}").status_code == 404
    )
    rows = selectors.overdue(user=world["users"]["admin"], on=today, area=factories.GANTUNG)
    assert [r.target.nama for r in rows] == []  # registered today: due in 14 days
    rows = selectors.overdue(user=world["users"]["admin"], on=today + 15 * DAY)
    assert {r.target.nama for r in rows} >= {"Ibu Gantung Sintetis", "Ibu Terlambat Sintetis"}


def test_a_visit_in_the_future_answers_400_with_the_error_beside_the_date(world, client, today):
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_visit_create", args=[world["late"].pk])
    data = {"tanggal": (today + DAY).isoformat(), "jenis": "kie", "temuan": "Sehat"}
    bad = c.post(url, data, **HTMX)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Tanggal tidak boleh di masa depan." in html and "is-invalid" in html
    assert not Visit.objects.filter(target=world["late"]).exists()
    good = c.post(url, data | {"tanggal": today.isoformat()}, **HTMX)
    assert good.status_code == 200
    assert 'data-testid="visit-saved"' in good.content.decode()
    assert Visit.objects.get(target=world["late"]).recorded_by == world["users"]["desa"]


def test_a_targets_page_is_audited_and_another_areas_is_not_found(world, client):
    c = _client(client, world["users"]["desa"])
    page = c.get(reverse("families:tpk_target", args=[world["fresh"].pk]))
    assert page.status_code == 200
    assert "Trimester" in page.content.decode()
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_type="families.target", object_id=str(world["fresh"].pk)
        ).count()
        == 1
    )
    assert c.get(reverse("families:tpk_target", args=[world["other"].pk])).status_code == 404


def test_mitra_and_viewer_see_counts_per_desa_without_names(world, client):
    for role in ("mitra", "viewer"):
        c = _client(client, world["users"][role])
        page = c.get(reverse("families:tpk_home"))
        text = page.content.decode()
        assert page.status_code == 200 and 'data-testid="desa-count-row"' in text
        assert "Sintetis" not in text
        assert c.get(reverse("families:tpk_team", args=[world["team"].pk])).status_code == 403
        assert c.get(reverse("families:tpk_target", args=[world["fresh"].pk])).status_code == 403


def test_registering_a_catin_directly(world, client, today):
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_target_create")
    data = {
        "kind": "catin",
        "desa": factories.KURNIA_JAYA,
        "nama": "Catin Form Sintetis",
        "nama_pasangan": "",
        "tanggal_rencana_nikah": "",
    }
    bad = c.post(url, data)
    assert bad.status_code == 400
    assert "Isi tanggal rencana menikah." in bad.content.decode()
    ok = c.post(
        url,
        data
        | {
            "nama_pasangan": "Suami Sintetis",
            "tanggal_rencana_nikah": (today + 100 * DAY).isoformat(),
        },
    )
    assert ok.status_code == 302
    target = Target.objects.get(nama="Catin Form Sintetis")
    assert (target.team, target.nama_pasangan) == (world["team"], "Suami Sintetis")


@pytest.mark.parametrize("route", ["families:tpk_overdue", "families:tpk_pregnant_list"])
def test_the_lists_by_name_of_the_whole_country_are_audited_too(world, client, route):
    """The system administrator has no area: the list named every target unaudited."""
    c = _client(client, factories.superuser())
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    page = c.get(reverse(route))
    assert page.status_code == 200 and "Ibu Terlambat Sintetis" in page.content.decode()
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("-pk").first()
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before + 1
    assert entry.object_type == "families.target" and entry.changes["tpk_targets"] >= 1
