"""Every route, as every role, against the product's two rules on personal records: each
answer that shows one (a page, an htmx part, a form refused and shown again, a download)
leaves an entry in the audit trail, and a whole NIK is shown only on a record's own page (and
in the files made to be re-imported) to the roles that may see it, never in the trail itself.

The routes and their objects are the access matrix's (``tests/test_access_matrix.py``): a new
route is checked here as soon as the matrix knows how to request it.
"""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kampungkb.convergence.models import ActionDefinition, Cadre
from kampungkb.core.models import AuditEntry
from kampungkb.core.permissions import can_view_full_nik
from kampungkb.families.models import FamilyMember, Keluarga
from kampungkb.families.tpk.models import Target
from kampungkb.growth.models import Child
from kampungkb.wilayah.models import PokjaMember
from tests.test_access_matrix import (  # noqa: F401 - world: the matrix's module fixture
    ASK,
    EXPECTED,
    READ_ONLY_ROLES,
    ROLES,
    _text,
    district,
    provinsi_expected,
    world,
)

# The family import's template shows example rows (which the world's family file copies).
# The trail names the people its entries are about: reading it (page or download) is recorded.
NOT_PERSONAL_RECORDS = {"families:import_template"}
# Routes where a whole NIK belongs, for the roles that may see one: a record's own page (a
# target's shown again with a form it refused too) and its edit form, and the files made to be
# corrected and imported again (the rejected rows of an upload, the e-PPGBM export).
WHOLE_NIK_ROUTES = {
    "growth:child_detail",
    "growth:child_edit",
    "families:detail",
    "families:tpk_target",
    "families:tpk_visit_create",
    "families:catin_screening_create",
    "growth:import_errors_xlsx",
    "families:import_errors_xlsx",
    "growth:export_xlsx",
    "growth:job_download",
}
# Sixteen digits standing alone: not a run of digits inside a file's sha256 (hex), which the
# trail keeps for each upload (one in forty digests holds such a run; today's file had one).
WHOLE_NIK = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
HTMX = {"HX-Request": "true"}
# A POST every form refuses: what is shown again is shown without anything being written.
REFUSED = {"refused": "1"}


def _with_niks(w) -> set[str]:
    """Give every personal record of the world ``w`` its NIKs; return them and the KK numbers."""
    for i, pk in enumerate(Child.objects.values_list("pk", flat=True)):
        Child.objects.filter(pk=pk).update(nik=f"1906019{i:09d}", nik_ibu=f"1906018{i:09d}")
    for i, pk in enumerate(Target.objects.values_list("pk", flat=True)):
        Target.objects.filter(pk=pk).update(nik=f"1906017{i:09d}", nik_pasangan=f"1906016{i:09d}")
    for i, pk in enumerate(FamilyMember.objects.values_list("pk", flat=True)):
        FamilyMember.objects.filter(pk=pk).update(nik=f"1906015{i:09d}")
    niks = set(Keluarga.objects.values_list("no_kk", flat=True))
    for model, fields in (
        (Child, ("nik", "nik_ibu")),
        (Target, ("nik", "nik_pasangan")),
        (FamilyMember, ("nik",)),
    ):
        for field in fields:
            niks |= set(model.objects.values_list(field, flat=True))
    return niks - {"", None}


def _people() -> set[str]:
    """The names and phone numbers of the persons whose records are personal: children and
    their mothers, family members, TPK targets and their partners, cadres, Pokja members."""
    found = set()
    for model, fields in (
        (Child, ("nama", "nama_ibu")),
        (FamilyMember, ("nama",)),
        (Target, ("nama", "nama_pasangan")),
        (Cadre, ("nama", "telepon")),
        (PokjaMember, ("nama", "telepon")),
    ):
        for field in fields:
            found |= set(model.objects.values_list(field, flat=True))
    return {p for p in found if p and len(p) > 6}


def _url(w, key: str) -> tuple[str, str]:
    name, method, *where = key.split()
    ask = ASK.get(name, district())
    o = w.objects[where[0] if where else "own"]
    return method, ask.url(name, o)


def _request(w, role: str, method: str, url: str, data=None, *, htmx=False):
    """``(status, text, filename, entries)``: the answer to the request and the audit entries
    it left, in a savepoint rolled back afterwards."""
    client = Client(headers=HTMX if htmx else {})
    client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    with transaction.atomic():
        last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        text = _text(response)
        entries = list(AuditEntry.objects.filter(pk__gt=last))
        transaction.set_rollback(True)
    filename = response.get("Content-Disposition", "")
    return response.status_code, text, filename, entries


def _aksi_5(w) -> str:
    framework = w.objects["own"].action.framework
    aksi = ActionDefinition.objects.get(framework=framework, nomor=5)
    return reverse("convergence:action_edit", args=[w.objects["own"].year, aksi.pk])


def _requests(w, role: str):
    """Every request ``role`` may make: each route it may read (GET), each route it may post
    to with data the form refuses; each plainly and as htmx."""
    index = ROLES.index(role) if role in ROLES else None
    for key, codes in EXPECTED.items():
        code = provinsi_expected(key) if index is None else codes[index]
        if key.split()[0] in NOT_PERSONAL_RECORDS or code not in (200, 302, 400):
            continue
        method, url = _url(w, key)
        for htmx in (False, True):
            yield key, method, url, htmx
    for htmx in (False, True):
        yield "convergence:action_edit GET aksi5", "GET", _aksi_5(w), htmx


def _nik_places(niks, text, filename, entries, *, whole_allowed: bool) -> dict[str, list]:
    """Where a whole NIK was found: in the answer (unless ``whole_allowed``), the name of its
    file, the audit entries it left."""
    trail = " ".join(f"{e.object_repr} {e.changes}" for e in entries)
    where = {
        "answer": set() if whole_allowed else {n for n in niks if n in text},
        "filename": set(WHOLE_NIK.findall(filename)),
        "trail": set(WHOLE_NIK.findall(trail)) | {n for n in niks if n in trail},
    }
    return {place: sorted(seen)[:2] for place, seen in where.items() if seen}


@pytest.mark.parametrize("role", ["admin", "desa"])
def test_each_answer_showing_a_personal_record_is_audited_and_masks_nik_but_where_needed(
    db,
    world,  # noqa: F811 - the matrix's fixture
    role,
):
    """As the Admin Kabupaten (every area) and the Operator Desa (the uploader of the world's
    files, the requester of its export): each GET, and each POST with data its form refuses,
    plainly and as htmx."""
    niks = _with_niks(world)
    people = _people()
    assert len(people) > 20 and len(niks) > 20
    assert can_view_full_nik(world.users[role])
    unaudited, niks_found = {}, {}
    for key, method, url, htmx in _requests(world, role):
        status, text, filename, entries = _request(
            world, role, method, url, REFUSED if method == "POST" else None, htmx=htmx
        )
        label = f"{key}{' htmx' if htmx else ''}"
        shown = sorted(p for p in people | niks if p in text)
        if shown and not entries:
            unaudited[label] = (status, shown[:3])
        whole_allowed = key.split()[0] in WHOLE_NIK_ROUTES
        if places := _nik_places(niks, text, filename, entries, whole_allowed=whole_allowed):
            niks_found[label] = places
    assert (unaudited, niks_found) == ({}, {})


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_are_never_shown_a_personal_record_nor_a_nik(db, world, role):  # noqa: F811
    niks = _with_niks(world)
    people = _people()
    shown = {}
    for key, method, url, htmx in _requests(world, role):
        if method != "GET" or htmx:
            continue
        _status, text, filename, _entries = _request(world, role, method, url)
        seen = sorted(p for p in people | niks if p in text or p in filename)
        if seen:
            shown[key] = seen[:3]
    assert shown == {}


def test_the_checks_above_find_the_names_and_whole_niks_where_they_are(db, world):  # noqa: F811
    # They would pass on pages that showed nobody: a target's own page shows her name and
    # whole NIK to her desa's operator, and records the read.
    niks = _with_niks(world)
    target = Target.objects.get(pk=world.objects["own"].tpk_target.pk)
    url = reverse("families:tpk_target", args=[target.pk])
    _status, text, _name, entries = _request(world, "desa", "GET", url)
    assert target.nama in _people() and target.nik in niks
    assert target.nama in text and target.nik in text
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("view", "families.target", str(target.pk))
    ]
