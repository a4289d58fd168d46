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
