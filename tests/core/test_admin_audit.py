"""Django admin's writes (superusers only) go to the audit trail like a service's."""

import pytest
from django.forms import MultiWidget

from kampungkb.convergence.models import Cadre
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import PokjaMember
from tests import factories


@pytest.fixture
def root(client, beltim):
    user = factories.superuser()
    client.force_login(user)
    return user


def _form_data(form, data: dict) -> None:
    for bf in form:
        value = bf.value()
        if isinstance(bf.field.widget, MultiWidget):
            parts = bf.field.widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{bf.html_name}_{i}"] = "" if part is None else str(part)
        elif value is True:
            data[bf.html_name] = "on"
        elif value is None or value is False:
            continue
        else:
            data[bf.html_name] = value


def _page_as_posted(client, url: str) -> dict:
    """What the admin's change page posts back when nothing on it is changed."""
    context = client.get(url).context
    data = {}
    _form_data(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    return data


def test_an_inline_change_in_the_admin_keeps_its_old_and_new_values(client, root):
    kampung = factories.kampung_kb()
    chair = PokjaMember.objects.get(kampung=kampung)
    url = f"/admin/wilayah/kampungkb/{kampung.pk}/change/"
    data = _page_as_posted(client, url)
    phone_key = next(k for k, v in data.items() if k.endswith("-telepon") and v == chair.telepon)
    data[phone_key] = "0812 9999 000"
    before = AuditEntry.objects.count()
    assert client.post(url, data).status_code == 302
    chair.refresh_from_db()
    assert chair.telepon == "0812 9999 000"
    (entry,) = AuditEntry.objects.order_by("id")[before:]
    assert (entry.action, entry.object_type, entry.object_id) == (
        "update",
        "wilayah.pokjamember",
        str(chair.pk),
    )
    assert entry.changes == {"telepon": ["081234567", "0812 9999 000"]}
    assert entry.wilayah_kode == kampung.desa_id


def test_a_cadre_added_changed_and_deleted_in_the_admin_is_in_the_trail(client, root):
    add = {"desa": factories.KURNIA_JAYA, "nama": "Siti", "peran": "kpm", "aktif": "on"}
    assert client.post("/admin/convergence/cadre/add/", add).status_code == 302
    cadre = Cadre.objects.get(nama="Siti")
    url = f"/admin/convergence/cadre/{cadre.pk}/change/"
    assert client.post(url, {**add, "telepon": "08123456789"}).status_code == 302
    pk = cadre.pk
    assert client.post(f"/admin/convergence/cadre/{pk}/delete/", {"post": "yes"}).status_code == 302
    entries = AuditEntry.objects.filter(object_type="convergence.cadre", object_id=str(pk))
    assert [(e.action, e.changes, e.wilayah_kode) for e in entries.order_by("id")] == [
        (
            "create",
            {
                "aktif": [None, True],
                "desa": [None, factories.KURNIA_JAYA],
                "is_demo": [None, False],
                "nama": [None, "Siti"],
                "peran": [None, "kpm"],
                "telepon": [None, ""],
            },
            factories.KURNIA_JAYA,
        ),
        ("update", {"telepon": ["", "08123456789"]}, factories.KURNIA_JAYA),
        ("delete", {}, factories.KURNIA_JAYA),
    ]
