import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from kampungkb.core.audit import audit_record, audited_save, diff, mask_search
from kampungkb.core.models import AuditEntry


def test_diff_lists_only_changed_fields_as_json_values():
    before = {"nama": "A", "tanggal": datetime.date(2020, 1, 2), "sk": ""}
    after = {"nama": "B", "tanggal": datetime.date(2020, 1, 2), "sk": ""}
    assert diff(before, after) == {"nama": ["A", "B"]}
    assert diff({}, {"x": datetime.date(2021, 5, 6)}) == {"x": [None, "2021-05-06"]}


def test_audit_record_keeps_the_username_when_the_user_is_deleted(users, beltim):
    admin = users["admin"]
    entry = audit_record(
        actor=admin, action="update", obj=beltim, wilayah_kode="19.06", changes={"nama": ["a", "b"]}
    )
    admin.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_username == admin.username
    assert entry.object_type == "wilayah.wilayah" and entry.object_id == "19.06"


def test_system_actor_is_recorded_as_system(beltim):
    entry = audit_record(actor=None, action="load", obj=beltim)
    assert entry.actor_username == "system"
    assert AuditEntry.objects.filter(action="load").exists()


def test_the_audit_pages_keep_the_action_filter_in_their_links(client, users, beltim):
    from django.urls import reverse

    from kampungkb.wilayah.models import Wilayah

    desa = Wilayah.objects.get(kode="19.06.01.2002")
    for _ in range(60):
        audit_record(actor=users["admin"], action="view", obj=desa, wilayah_kode=desa.kode)
    client.force_login(users["admin"])
    body = client.get(reverse("core:audit"), {"action": "view"}).content.decode()
    assert 'href="?action=view&amp;page=2"' in body
    page_2 = client.get(reverse("core:audit"), {"action": "view", "page": 2})
    assert 'href="?action=view&amp;page=1"' in page_2.content.decode()


# --- NIKs are never kept whole -------------------------------------------------------------

WHOLE = "1906010101230007"
MASKED = "1906********0007"


def test_any_nik_in_an_entrys_changes_is_masked(beltim):
    entry = audit_record(
        actor=None,
        action="update",
        obj=beltim,
        changes={"nik": [None, WHOLE], "nik_ibu": WHOLE, "nested": {"nik": WHOLE}},
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "nik": [None, MASKED],
        "nik_ibu": MASKED,
        "nested": {"nik": MASKED},
    }


def test_bulk_entries_keep_the_changes_exactly_as_a_single_entry_does(beltim):
    import decimal

    from kampungkb.core.audit import audit_records_bulk

    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    shapes = [
        {"berat": [decimal.Decimal("10.20"), decimal.Decimal("10.3")], "import_batch": [None, 7]},
        {"tanggal": [datetime.date(2026, 1, 2), moment], "ok": [True, False], "z": [0.5, None]},
        {"nik": [None, WHOLE], "nik_ibu": WHOLE, "nested": {"nik": WHOLE, "n": "a\x00b"}},
        {"nik": [decimal.Decimal("1906010101230007"), [WHOLE, 3]], "t": ("x", 1)},
        {"posyandu": [1, beltim], "nik": beltim, "nama": ["Siti\x00", "Siti"]},
        {"nik": {"inner": WHOLE}, "list": [{"nik": WHOLE}, {"nik_ibu": [WHOLE]}]},
        {},
    ]
    singles = [
        audit_record(actor=None, action="update", obj=beltim, changes=c).changes for c in shapes
    ]
    last = AuditEntry.objects.latest("pk").pk
    audit_records_bulk(actor=None, action="update", items=[(beltim, "", c) for c in shapes])
    bulk = AuditEntry.objects.filter(pk__gt=last).order_by("pk")
    assert [e.changes for e in bulk] == singles
    assert singles[2] == {
        "nik": [None, MASKED],
        "nik_ibu": MASKED,
        "nested": {"nik": MASKED, "n": "ab"},
    }


def test_audited_save_of_a_nik_change_keeps_it_masked(users):
    from tests import factories

    child = factories.child(nik=WHOLE)
    audited_save(child, actor=users["admin"], fields=["nik"], values={"nik": "1906010101230008"})
    entry = AuditEntry.objects.get(action="update", object_id=str(child.pk))
    assert entry.changes == {"nik": [MASKED, "1906********0008"]}
    assert WHOLE not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_a_search_is_kept_with_its_nik_masked():
    assert mask_search(WHOLE) == MASKED
    assert mask_search("budi 19060101") == "budi 19060101"  # a short start stays as typed


# --- the audit page: filters, pages, export, scope -------------------------------------------


def _entry(actor, *, action="update", kode="19.06.01.2002", at=None, obj=None):
    entry = audit_record(
        actor=actor, action=action, obj=obj or actor, wilayah_kode=kode, changes={"x": [1, 2]}
    )
    if at is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


@pytest.fixture
def trail(users):
    AuditEntry.objects.all().delete()
    old = timezone.make_aware(datetime.datetime(2026, 1, 15, 10))
    return {
        "desa_update": _entry(users["desa"]),
        "desa_view": _entry(users["desa"], action="view"),
        "kec_old": _entry(users["kecamatan"], kode="19.06.01", at=old),
        "elsewhere": _entry(users["kecamatan"], kode="19.05.01"),
        "nowhere": _entry(None, kode="", obj=users["admin"]),
    }


def _shown(client, **query):
    """The entries a page of the trail shows, but the records of the trail's own earlier
    pages (each read of it is recorded: tested below)."""
    response = client.get(reverse("core:audit"), query)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"] if e.object_type != "core.auditentry"}


def test_an_admin_kabupaten_filters_the_trail_of_their_area(client, users, trail):
    client.force_login(users["admin"])
    login = AuditEntry.objects.get(action="login", actor=users["admin"])
    mine = {trail[k].pk for k in ("desa_update", "desa_view", "kec_old")}
    # Not the entries of another kabupaten, nor those of no area (superusers only).
    assert _shown(client) == mine | {login.pk}
    assert _shown(client, username=users["desa"].username) == {
        trail["desa_update"].pk,
        trail["desa_view"].pk,
    }
    assert _shown(client, action="view") == {trail["desa_view"].pk}
    assert _shown(client, object_type="accounts.user", object_id=str(users["kecamatan"].pk)) == {
        trail["kec_old"].pk
    }
    assert _shown(client, date_from="2026-01-15", date_to="2026-01-15") == {trail["kec_old"].pk}
    assert trail["kec_old"].pk not in _shown(client, date_from="2026-01-16")


def test_the_filter_form_uses_date_pickers_and_refuses_a_reversed_range(client, users, trail):
    client.force_login(users["admin"])
    page = client.get(reverse("core:audit")).content.decode()
    assert 'type="date" name="date_from"' in page and 'type="date" name="date_to"' in page
    response = client.get(
        reverse("core:audit"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "Tanggal awal sesudah tanggal akhir." in response.content.decode()
    bad = client.get(reverse("core:audit"), {"date_from": "kemarin"})
    assert bad.status_code == 400


def test_the_calendars_first_and_last_days_filter_nothing_out(client, users, trail):
    # Their midnight (the first in UTC, the day after the last) is beyond Python's dates: the
    # page and the download answered 500.
    client.force_login(users["admin"])
    everything = _shown(client)
    assert _shown(client, date_from="0001-01-01", date_to="9999-12-31") == everything
    assert _shown(client, date_to="9999-12-31") == everything
    response = client.get(reverse("core:audit_export"), {"date_from": "0001-01-01"})
    assert response.status_code == 200


def test_the_pages_keep_the_filters(client, users, trail):
    for _ in range(60):
        _entry(users["desa"], action="view")
    client.force_login(users["admin"])
    response = client.get(reverse("core:audit"), {"action": "view"})
    assert response.context["page"].paginator.count == 61
    assert "?action=view&amp;page=2" in response.content.decode()
    second = client.get(reverse("core:audit"), {"action": "view", "page": 2})
    # The 61 and the record of the first page's read, the latest: 12 past the first 50.
    assert len(second.context["page"]) == 12


def test_the_filtered_trail_downloads_as_xlsx_and_the_download_is_recorded(client, users, trail):
    client.force_login(users["admin"])
    response = client.get(reverse("core:audit_export"), {"username": users["desa"].username})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Waktu", "Pengguna", "Tindakan")
    assert sorted(r[2] for r in rows[1:]) == ["Diubah", "Melihat data pribadi"]
    assert all(r[1] == users["desa"].username for r in rows[1:])
    assert rows[1][7] == '{"x": [1, 2]}'
    export = AuditEntry.objects.get(actor=users["admin"], object_type="core.auditentry")
    assert export.action == "view" and export.wilayah_kode == "19.06"
    assert export.changes == {"page": "audit_export", "username": users["desa"].username, "rows": 2}


def test_each_page_of_the_trail_read_is_recorded_with_its_filters(client, users, trail):
    # The trail names the people its entries are about (a child's name, masked NIKs): who
    # read which page of it is recorded, as its download is.
    client.force_login(users["admin"])
    client.get(reverse("core:audit"), {"username": users["desa"].username, "page": 1})
    read = AuditEntry.objects.get(actor=users["admin"], object_type="core.auditentry")
    assert read.action == "view" and read.wilayah_kode == "19.06"
    assert read.object_repr == "audit trail"
    assert read.changes == {
        "page": "audit_list", "username": users["desa"].username, "page_number": 1, "rows": 2,
    }  # fmt: skip
    # A page showing no entry shows nobody: nothing recorded.
    client.get(reverse("core:audit"), {"username": "nobody-at-all"})
    assert AuditEntry.objects.filter(object_type="core.auditentry").count() == 1


@pytest.mark.parametrize("role", ["kecamatan", "desa", "mitra", "viewer"])
def test_only_the_admin_kabupaten_reads_or_downloads_the_trail(client, users, trail, role):
    client.force_login(users[role])
    assert client.get(reverse("core:audit")).status_code == 403
    assert client.get(reverse("core:audit_export")).status_code == 403
