"""Django admin's user pages (superusers only) keep the rules the services keep."""

import pytest

from kampungkb.accounts.models import Role, User

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
