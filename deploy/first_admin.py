"""Create the first Admin Kabupaten (deploy/README.md, "The first admin").

    sudo -u kampungkb --preserve-env ... kampungkb shell < deploy/first_admin.py

Reads KAMPUNGKB_ADMIN_USERNAME (default "admin"), KAMPUNGKB_ADMIN_WILAYAH (the kabupaten's
Kemendagri code; needed only when several kabupaten are loaded) and KAMPUNGKB_ADMIN_PASSWORD
(when unset, a random one is printed once). The password passes the same checks as everywhere
else; the creation is in the audit trail as done by "system".
"""

import os
import sys

from django.core.exceptions import ValidationError

from kampungkb.accounts.services import generate_password, user_create
from kampungkb.core.roles import Role
from kampungkb.wilayah.models import Level, Wilayah

username = os.environ.get("KAMPUNGKB_ADMIN_USERNAME", "admin").strip()
kode = os.environ.get("KAMPUNGKB_ADMIN_WILAYAH", "").strip()
kabupaten = Wilayah.objects.filter(level=Level.KABUPATEN)
if kode:
    kabupaten = kabupaten.filter(kode=kode)
if kabupaten.count() != 1:
    sys.exit(
        "Isi KAMPUNGKB_ADMIN_WILAYAH dengan kode satu kabupaten yang sudah dimuat "
        "(kampungkb load_wilayah) / set it to the code of one loaded kabupaten: "
        + ", ".join(kabupaten.values_list("kode", flat=True)[:20])
    )
password = os.environ.get("KAMPUNGKB_ADMIN_PASSWORD") or generate_password()
try:
    user = user_create(
        actor=None,
        username=username,
        password=password,
        role=Role.ADMIN_KABUPATEN,
        wilayah=kabupaten.get(),
        full_name="Admin Kabupaten",
    )
except ValidationError as exc:
    sys.exit(f"{username}: {'; '.join(exc.messages)}")
print(f"Admin Kabupaten {user.username} ({user.wilayah.nama}) dibuat / created.")
if "KAMPUNGKB_ADMIN_PASSWORD" not in os.environ:
    print(f"Kata sandi / password (sekali ini saja / shown once): {password}")
