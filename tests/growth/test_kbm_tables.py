"""The KBM tables page: variants side by side, choosing the default, the recompute it queues."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kampungkb.core.models import AuditEntry
from kampungkb.core.permissions import can_manage_installation
from kampungkb.growth.kbm.services import kbm_default_set
from kampungkb.growth.models import KBMTable, Measurement, RecomputeRun
from kampungkb.wilayah.models import Wilayah
from tests.growth.conftest import ayu_with_a_700_g_gain

URL = reverse("growth:kbm_tables")


@pytest.fixture
def ayu(beltim):
    return ayu_with_a_700_g_gain()


def _codes(child):
    return list(child.measurements.order_by("tanggal").values_list("growth_code", flat=True))


def test_every_role_sees_the_tables_side_by_side_with_the_ages_where_they_differ(client, users):
    client.force_login(users["viewer"])
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="kbm-table"') == 2
    assert "buku-kia-2023" in html and "lembar-posyandu-600" in html
    assert "table-warning" in html  # month 3: 800 g against 600 g
    assert "Jadikan bawaan" not in html  # a viewer may not choose


def test_the_admin_of_a_one_kabupaten_installation_makes_a_table_default_and_it_recomputes(
    client, users, ayu, django_capture_on_commit_callbacks
):
    assert _codes(ayu) == ["B", "T"]
    sheet = KBMTable.objects.get(kode="lembar-posyandu-600")
    client.force_login(users["admin"])
    assert "Jadikan bawaan" in client.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("growth:kbm_default_choose", args=[sheet.pk]))

    assert response.status_code == 302
    assert KBMTable.objects.get(is_default=True) == sheet
    assert _codes(ayu) == ["B", "N"]
    run = RecomputeRun.objects.get()
    assert (run.status, run.rows, run.written, run.kbm_table) == ("done", 2, 1, sheet)
    assert run.requested_by == users["admin"]
    entry = AuditEntry.objects.get(object_type="growth.kbmtable")
    assert entry.changes["default_kbm_table"] == ["buku-kia-2023", "lembar-posyandu-600"]
    page = client.get(URL).content.decode()
    assert "lembar-posyandu-600" in page and 'data-testid="recompute-run"' in page
    assert 'hx-trigger="every 3s"' not in page  # nothing left running to follow


def test_a_running_recompute_is_followed_on_the_page(client, users):
    RecomputeRun.objects.create(reason="test")
    client.force_login(users["admin"])
    page = client.get(URL).content.decode()
    assert 'hx-trigger="every 3s"' in page
    partial = client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="recompute-runs"') and "<html" not in partial


@pytest.mark.parametrize("role", ["kecamatan", "desa", "mitra", "viewer"])
def test_other_roles_may_not_choose_the_default(client, users, role):
    sheet = KBMTable.objects.get(kode="lembar-posyandu-600")
    client.force_login(users[role])
    response = client.post(reverse("growth:kbm_default_choose", args=[sheet.pk]))
    assert response.status_code == 403
    assert KBMTable.objects.get(is_default=True).kode == "buku-kia-2023"
    with pytest.raises(PermissionDenied):
        kbm_default_set(user=users[role], table=sheet)


def test_an_admin_kabupaten_may_not_choose_for_an_installation_serving_other_kabupaten(users):
    assert can_manage_installation(users["admin"])
    # A second kabupaten in the same installation: the table would apply to it as well.
    Wilayah.objects.create(kode="19.01", nama="Bangka", level="kabupaten", parent_id="19")
    assert not can_manage_installation(users["admin"])
    users["admin"].is_superuser = True
    assert can_manage_installation(users["admin"])


def test_choosing_the_table_that_is_already_default_is_refused(client, users):
    default = KBMTable.objects.get(is_default=True)
    with pytest.raises(ValidationError):
        kbm_default_set(user=users["admin"], table=default)
    client.force_login(users["admin"])
    response = client.post(reverse("growth:kbm_default_choose", args=[default.pk]), follow=True)
    assert "sudah menjadi tabel KBM bawaan" in response.content.decode()
    assert not RecomputeRun.objects.exists()


def test_the_command_records_its_run(ayu, capsys):
    call_command("recompute_measurements", "--force")
    run = RecomputeRun.objects.get()
    assert (run.status, run.rows, run.written, run.requested_by) == ("done", 2, 2, None)
    assert run.reason == "recompute_measurements --force"


def test_a_failed_recompute_is_recorded_with_its_error(ayu, monkeypatch):
    from kampungkb.growth.kbm import services as kbm_tables

    def broken(**options):
        raise RuntimeError("disk full")

    monkeypatch.setattr(kbm_tables, "measurements_recompute_all", broken)
    run = RecomputeRun.objects.create(reason="test")
    with pytest.raises(RuntimeError):
        kbm_tables.recompute_run_execute(run)
    run.refresh_from_db()
    assert run.status == "failed" and "disk full" in run.error
    assert Measurement.objects.count() == 2


def test_the_age_bands_are_labelled_by_their_first_and_last_month(client, users):
    client.force_login(users["viewer"])
    html = client.get(URL).content.decode()
    # Buku KIA 2023: 300 g from 7 to 10 months, then 11 on its own where the tables differ.
    assert '<th scope="row">7–10</th>' in html
    assert '<th scope="row">11</th>' in html


def test_no_second_table_is_chosen_while_a_recompute_runs_unless_it_was_lost(users):
    sheet = KBMTable.objects.get(kode="lembar-posyandu-600")
    running = RecomputeRun.objects.create(reason="running", started_at=timezone.now())
    with pytest.raises(ValidationError, match="masih berjalan"):
        kbm_default_set(user=users["admin"], table=sheet)
    # A worker that stopped leaves its run unfinished; after an hour it no longer blocks.
    RecomputeRun.objects.filter(pk=running.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert kbm_default_set(user=users["admin"], table=sheet).status == "queued"


def test_a_queued_recompute_is_claimed_once(ayu):
    from kampungkb.growth.kbm.tasks import measurements_recompute

    run = RecomputeRun.objects.create(reason="test")
    first = measurements_recompute.call(run_id=run.pk)
    second = measurements_recompute.call(run_id=run.pk)  # delivered twice
    assert first["rows"] == 2 and second == {"skipped": True}
    run.refresh_from_db()
    assert run.status == "done"


def test_a_worker_stopped_half_way_leaves_the_run_failed_not_running(ayu, monkeypatch):
    from kampungkb.growth.kbm import services as kbm_tables

    def stopped(**options):
        raise SystemExit(1)  # db_worker exits on a second SIGTERM

    monkeypatch.setattr(kbm_tables, "measurements_recompute_all", stopped)
    run = RecomputeRun.objects.create(reason="test")
    with pytest.raises(SystemExit):
        kbm_tables.recompute_run_execute(run)
    run.refresh_from_db()
    assert run.status == "failed" and "SystemExit" in run.error


def test_choosing_a_table_records_a_run_that_the_caller_queues(
    users, ayu, django_capture_on_commit_callbacks
):
    from kampungkb.growth.kbm.tasks import recompute_enqueue

    sheet = KBMTable.objects.get(kode="lembar-posyandu-600")
    with django_capture_on_commit_callbacks() as callbacks:
        run = kbm_default_set(user=users["admin"], table=sheet)
    assert callbacks == [] and run.status == "queued"  # the service never queues itself
    with django_capture_on_commit_callbacks(execute=True):
        recompute_enqueue(run)
    run.refresh_from_db()
    assert (run.status, run.rows) == ("done", 2)
    assert _codes(ayu) == ["B", "N"]


def test_the_default_table_is_read_with_its_entries_in_one_query(beltim):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kampungkb.growth.kbm.selectors import default_kbm, kbm_of

    default = KBMTable.objects.get(is_default=True)
    with CaptureQueriesContext(connection) as captured:
        table, rule = default_kbm()
    assert len(captured) == 1  # a kader's every save reads it
    assert table == default and rule == kbm_of(default)[1] and rule.entries
    # A default table without entries (one may be made so): its rule has none.
    default.entries.all().delete()
    table, rule = default_kbm()
    assert table == default and rule.entries == ()
    KBMTable.objects.update(is_default=False)
    assert default_kbm() == (None, None)


@pytest.mark.parametrize("started", [True, False])
def test_a_recompute_whose_worker_stopped_is_listed_failed_not_running_for_ever(
    client, users, started
):
    """A worker killed mid-recompute (or before it claimed the run) never records an end; once
    the page stops following it, it must not go on saying the run is under way."""
    run = RecomputeRun.objects.create(reason="test", started_at=timezone.now() if started else None)
    client.force_login(users["admin"])
    assert "berjalan" in client.get(URL).content.decode() or not started
    RecomputeRun.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=2)
    )
    html = client.get(URL).content.decode()
    assert 'hx-trigger="every' not in html
    row = html.split('data-testid="recompute-run"')[1].split("</tr>")[0]
    assert "gagal" in row and "berjalan" not in row and "antre" not in row
