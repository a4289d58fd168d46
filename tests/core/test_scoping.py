import pytest
from django.contrib.auth.models import AnonymousUser

from kampungkb.accounts.models import Role, User
from kampungkb.core.scoping import covered_kode, kode_within, user_covers
from kampungkb.wilayah.models import Wilayah
from tests.conftest import GANTUNG, KURNIA_JAYA, MANGGAR


def test_kode_within_follows_the_code_hierarchy():
    assert kode_within("19.06.01.2002", "19.06.01")
    assert kode_within("19.06.01", "19.06.01")
    assert not kode_within("19.06.01.2002", "19.06.02")
    # A prefix of digits is not containment: 19.06.1x would not be inside 19.06.1.
    assert not kode_within("19.06.10", "19.06.1")
    assert kode_within("72.01", "")


def test_anonymous_and_roleless_users_cover_nothing(db):
    assert covered_kode(AnonymousUser()) is None
    assert covered_kode(User.objects.create(username="nobody")) is None


def test_superuser_covers_everything(db):
    su = User.objects.create(username="root", is_superuser=True)
    assert covered_kode(su) == ""


@pytest.mark.parametrize(
    ("role", "kode", "visible", "hidden"),
    [
        (Role.OPERATOR_KECAMATAN, MANGGAR, KURNIA_JAYA, GANTUNG),
        (Role.OPERATOR_DESA, KURNIA_JAYA, KURNIA_JAYA, MANGGAR),
        (Role.ADMIN_KABUPATEN, "19.06", GANTUNG, "19"),
    ],
)
def test_scoped_queryset_keeps_only_the_users_area(make_user, role, kode, visible, hidden):
    user = make_user(role, kode)
    scoped = set(Wilayah.objects.for_user(user).values_list("kode", flat=True))
    assert visible in scoped
    assert hidden not in scoped
    assert all(k == kode or k.startswith(kode + ".") for k in scoped)
    assert user_covers(user, visible) and not user_covers(user, hidden)


def test_manggar_operator_sees_exactly_its_nine_desa(make_user):
    user = make_user(Role.OPERATOR_KECAMATAN, MANGGAR)
    assert Wilayah.objects.for_user(user).desa().count() == 9


def test_inactive_user_sees_nothing(make_user):
    user = make_user(Role.ADMIN_KABUPATEN, "19.06", is_active=False)
    assert not Wilayah.objects.for_user(user).exists()
