"""Django admin's user pages (superusers only) keep the rules the services keep."""

import pytest
from django.urls import reverse

from kampungkb.accounts.models import Role, User
from kampungkb.core.models import AuditEntry

ROOT_PASSWORD = "kebun-lada-di-gantung-7"


@pytest.fixture
def root(client, beltim):
    user = User.objects.create_superuser("root", "root@example.org", ROOT_PASSWORD)
    client.force_login(user)
    return user


def _change_form(user, **over) -> dict:
    """What the user's change page posts back, unchanged unless ``over`` says otherwise."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "wilayah": user.wilayah_id or "",
        "organisation": user.organisation,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    ("role", "kode"),
    [
        (Role.OPERATOR_DESA, "19.06"),  # a kader given the whole kabupaten
        (Role.OPERATOR_KECAMATAN, "19.06.01.2002"),
        (Role.ADMIN_KABUPATEN, "19"),  # a district admin given the province
    ],
)
def test_the_admin_refuses_a_role_an_area_of_another_level(client, root, make_user, role, kode):
    kader = make_user(Role.OPERATOR_DESA, "19.06.01.2002")
    response = client.post(
        f"/admin/accounts/user/{kader.pk}/change/", _change_form(kader, role=role, wilayah=kode)
    )
    assert response.status_code == 200
    assert (
        "Peran ini harus mencakup wilayah dengan tingkat yang sesuai." in response.content.decode()
    )
    kader.refresh_from_db()
    assert (kader.role, kader.wilayah_id) == (Role.OPERATOR_DESA, "19.06.01.2002")


def test_the_admin_moves_a_user_to_an_area_of_their_roles_level(client, root, make_user):
    kader = make_user(Role.OPERATOR_DESA, "19.06.01.2002")
    response = client.post(
        f"/admin/accounts/user/{kader.pk}/change/", _change_form(kader, wilayah="19.06.01.2001")
    )
    assert response.status_code == 302
    kader.refresh_from_db()
    assert kader.wilayah_id == "19.06.01.2001"


# --- every write made in Django admin goes to the audit trail ------------------------------


def _entries(obj, action=None):
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(entries.filter(action=action) if action else entries)


def test_making_a_kader_superuser_in_the_admin_is_in_the_district_admins_trail(client, root, users):
    kader = users["desa"]
    response = client.post(
        f"/admin/accounts/user/{kader.pk}/change/",
        _change_form(kader, is_superuser="on", is_staff="on", wilayah="19.06.01.2001"),
    )
    assert response.status_code == 302
    (entry,) = _entries(kader, "update")
    assert entry.actor_username == "root"
    assert entry.changes == {
        "is_staff": [False, True],
        "is_superuser": [False, True],
        "wilayah": ["19.06.01.2002", "19.06.01.2001"],
    }
    assert entry.wilayah_kode == "19.06.01.2001"
    # The district's admin reads it on the audit page.
    client.force_login(users["admin"])
    page = client.get(reverse("core:audit"), {"object_type": "accounts.user"})
    assert entry in page.context["page"].object_list


def test_a_password_set_in_the_admin_is_in_the_trail_without_the_password(client, root, users):
    kader = users["desa"]
    new = "kebun-lada-di-manggar-8"
    response = client.post(
        f"/admin/accounts/user/{kader.pk}/password/",
        {"password1": new, "password2": new, "set-password": "1"},
    )
    assert response.status_code == 302
    kader.refresh_from_db()
    assert kader.check_password(new)
    (entry,) = _entries(kader, "update")
    assert entry.changes == {"password": ["********", "********"]}
    assert new not in str(entry.changes) and kader.password not in str(entry.changes)


def test_users_deleted_in_the_admin_are_in_the_trail(client, root, users):
    kader, viewer = users["desa"], users["viewer"]
    ids = {kader: kader.pk, viewer: viewer.pk}
    response = client.post(f"/admin/accounts/user/{kader.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [viewer.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=ids.values()).exists()
    for user, pk in ids.items():
        entry = AuditEntry.objects.get(action="delete", object_type="accounts.user", object_id=pk)
        assert entry.object_repr == user.username
        assert entry.wilayah_kode == user.wilayah_id


def test_a_user_added_in_the_admin_is_in_the_trail_without_the_password(client, root):
    password = "kebun-lada-di-manggar-8"
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "baru",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="baru")
    (entry,) = _entries(user, "create")
    assert entry.changes == {"username": [None, "baru"]}
    assert password not in str(entry.changes) and user.password not in str(entry.changes)
