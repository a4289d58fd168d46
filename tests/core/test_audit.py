import datetime

from kampungkb.core.audit import audit_record, diff
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
