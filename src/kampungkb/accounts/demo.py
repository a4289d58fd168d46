"""One demo account per role, each with a random password shown once."""

from django.contrib.auth import get_user_model

from kampungkb.accounts.models import Role
from kampungkb.accounts.services import generate_password, user_create, user_password_set
from kampungkb.wilayah.models import Wilayah

DEMO_ACCOUNTS = [
    ("admin.babel", Role.ADMIN_PROVINSI, "19", "Admin Provinsi (demo)", "Perwakilan BKKBN"),
    ("admin.beltim", Role.ADMIN_KABUPATEN, "19.06", "Admin DKPPKB (demo)", "DKPPKB"),
    ("operator.manggar", Role.OPERATOR_KECAMATAN, "19.06.01", "PKB Manggar (demo)", ""),
    ("operator.kurniajaya", Role.OPERATOR_DESA, "19.06.01.2002", "Kader Kurnia Jaya (demo)", ""),
    ("mitra.opd", Role.MITRA_OPD, "19.06", "Mitra Bappelitbangda (demo)", "Bappelitbangda"),
    ("viewer.beltim", Role.VIEWER, "19.06", "Pemantau (demo)", ""),
]


def seed_accounts() -> list[tuple[str, str, str, str | None]]:
    """Create the missing demo accounts; return (username, role, wilayah, password or None).

    An existing account keeps its password, so running the demo twice changes nothing.
    """
    users = get_user_model().objects
    out = []
    for username, role, kode, name, org in DEMO_ACCOUNTS:
        wilayah = Wilayah.objects.get(kode=kode)
        if users.filter(username=username).exists():
            out.append((username, role, wilayah.nama, None))
            continue
        # The validators compare a password with the user's name: draw it for this account.
        password = generate_password(user=get_user_model()(username=username, first_name=name))
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            wilayah=wilayah,
            full_name=name,
            organisation=org,
        )
        out.append((username, role, wilayah.nama, password))
    return out


def reset_password(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    password = generate_password(user=user)
    user_password_set(actor=None, user=user, password=password)
    return password
