"""The family list and the family page: scoped, filtered, with reasons in Indonesian, each
child's growth status, and personal data only for the roles that need it."""

import datetime

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import Relation
from tests import factories
from tests.factories import BATU_PENYU, KURNIA_JAYA, PADANG

pytestmark = pytest.mark.django_db

LIST = reverse("families:list")
HUSBAND = {"hubungan": Relation.HEAD, "jenis_kelamin": "L", "status_kawin": 2,
           "tanggal_lahir": "1990-02-01", "nama": "Budi Kepala Sintetis"}  # fmt: skip


def _wife(born="1995-01-01", **extra):
    return {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": born,
            "nama": "Siti Istri Sintetis", "nik": "1906014101950001", **extra}  # fmt: skip


def _kid(child=None, born="2024-09-01"):
    return {"hubungan": Relation.CHILD, "jenis_kelamin": "L", "tanggal_lahir": born,
            "nama": "Anak Keluarga Sintetis", "child": child}  # fmt: skip


@pytest.fixture
def world(users):
    """Kurnia Jaya: a KRS family (water) whose child is stunted, a safe family; Padang (same
    kecamatan): a young wife's family; Batu Penyu (another kecamatan): a KRS family."""
    child = factories.child_row(KURNIA_JAYA, nama="Anak Keluarga Sintetis",
                                tanggal_lahir=datetime.date(2024, 9, 1))  # fmt: skip
    factories.measurement_row(child, "2025-03-01", tinggi="65.0", stunted=False, flen=False)
    factories.measurement_row(child, "2025-05-01", tinggi="66.0", stunted=True, flen=False)
    factories.measurement_row(child, "2025-06-01", stunted=None)  # weighed only
    krs = factories.family_row(
        KURNIA_JAYA, sumber_air=8, rt="003", rw="001", tanggal="2024-07-01",
        members=[HUSBAND, _wife(), _kid(child, born="2023-12-01")], no_kk="1906010000000101",
    )  # fmt: skip
    krs_2025 = factories.family_row(
        KURNIA_JAYA, sumber_air=8, tanggal="2025-07-01", no_kk="1906010000000101",
        members=[HUSBAND, _wife(), _kid(child)],
    )  # fmt: skip
    safe = factories.family_row(KURNIA_JAYA, rt="004", members=[HUSBAND, _wife()])
    young = factories.family_row(PADANG, members=[HUSBAND, _wife("2006-03-01")])
    other = factories.family_row(BATU_PENYU, jamban=4, members=[HUSBAND, _wife()])
    labels_compute()
    return {"child": child, "krs": krs_2025, "krs_2024": krs, "safe": safe, "young": young,
            "other": other}  # fmt: skip


def _rows(client, query=""):
    page = client.get(LIST + query)
    assert page.status_code == 200
    return {s.pk for s in page.context["page"].object_list}, page


def test_each_operator_lists_the_latest_round_of_the_families_of_their_area(client, users, world):
    client.force_login(users["desa"])
    rows, page = _rows(client)
    assert rows == {world["krs"].pk, world["safe"].pk}  # the 2025 round, not 2024's
    assert page.context["counts"] == {"families": 2, "sasaran": 2, "krs": 1, "priority": 1}
    html = page.content.decode()
    assert "1906********0101" in html and "1906010000000101" not in html
    client.force_login(users["kecamatan"])
    assert _rows(client)[0] == {world["krs"].pk, world["safe"].pk, world["young"].pk}
    client.force_login(users["admin"])
    assert world["other"].pk in _rows(client)[0]


def test_a_target_family_is_labelled_sasaran_in_indonesian_as_its_opposite_is(client, users, world):
    """The badge shared its msgid with a prevalence "target" (Indonesian: "target"), so the list
    read "target" beside "bukan sasaran"."""
    client.force_login(users["desa"])
    html = _rows(client, "?krs=tidak")[1].content.decode()
    assert '<span class="badge text-bg-info">sasaran</span>' in html
    assert ">target</span>" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?krs=ya", {"krs", "young"}),
        ("?krs=tidak", {"safe"}),
        ("?faktor=air", {"krs"}),
        ("?faktor=muda", {"young"}),
        ("?sasaran=sasaran_baduta", {"krs"}),
        ("?sasaran=sasaran_balita", set()),
        ("?stunting=1", {"krs"}),
        ("?rt=004", {"safe"}),
        ("?rw=001", {"krs"}),
        (f"?desa={PADANG}", {"young"}),
        (f"?desa={BATU_PENYU}", set()),  # outside the area: nothing, never an error
        ("?tahun=2024", {"krs_2024"}),
        ("?tahun=abc&krs=<script>&faktor=x&urut=zz&halaman=999", {"krs", "safe", "young"}),
    ],
)
def test_the_list_filters(client, users, world, query, expected):
    client.force_login(users["kecamatan"])
    assert _rows(client, query)[0] == {world[k].pk for k in expected}


def test_the_list_pages_by_fifty(client, users):
    for _ in range(51):
        factories.family_row(KURNIA_JAYA, members=[])
    client.force_login(users["desa"])
    page = client.get(LIST).context["page"]
    assert len(page.object_list) == 50 and page.paginator.num_pages == 2
    assert len(client.get(LIST + "?halaman=2").context["page"].object_list) == 1


def test_the_list_is_audited_with_its_filters_and_count(client, users, world):
    client.force_login(users["desa"])
    _rows(client, "?krs=ya")
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="families.keluarga")
    seen = entry.get()
    assert seen.actor == users["desa"] and seen.wilayah_kode == KURNIA_JAYA
    assert seen.changes == {"page": "family_list", "krs": "ya", "sort": "desa", "count": 1}


@pytest.mark.parametrize("role", ["mitra", "viewer"])
def test_roles_without_personal_data_get_no_family(client, users, world, role):
    client.force_login(users[role])
    assert client.get(LIST).status_code == 403
    detail = reverse("families:detail", args=[world["krs"].keluarga_id])
    assert client.get(detail).status_code == 404


def test_the_family_page_gives_reasons_history_and_the_child_growth_status(client, users, world):
    client.force_login(users["desa"])
    url = reverse("families:detail", args=[world["krs"].keluarga_id])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Air minum tidak layak" in html
    assert html.count('data-testid="family-round"') == 2  # 2025 and 2024
    assert 'data-testid="family-priority"' in html  # the child is stunted
    assert reverse("growth:child_detail", args=[world["child"].pk]) in html
    assert "Pendek (stunting)" in html or "stunting" in html.lower()
    assert "1906014101950001" in html  # the whole NIK on the family's own page
    entries = AuditEntry.objects.filter(object_type="families.keluarga", action=AuditAction.VIEW)
    assert entries.count() == 1 and entries.get().actor == users["desa"]


def test_a_member_linked_to_a_child_of_another_area_shows_nothing_of_its_growth(
    client, users, world
):
    """A Kurnia Jaya family's child linked (by NIK, by a wider area's import) to a growth
    record of Batu Penyu: its Operator Desa, who cannot open that record, sees neither its
    growth status nor its last measurement, nor a link to it."""
    elsewhere = factories.child_row(BATU_PENYU, nama="Anak Batu Penyu Sintetis",
                                    tanggal_lahir=datetime.date(2025, 1, 10))  # fmt: skip
    factories.measurement_row(elsewhere, "2025-05-20", tinggi="55.0", stunted=True, wasted=True)
    family = factories.family_row(
        KURNIA_JAYA, tanggal="2025-07-01", no_kk="1906010000000102",
        members=[HUSBAND, _wife(nik="1906014101950002"), _kid(elsewhere, born="2025-01-10")],
    )  # fmt: skip
    url = reverse("families:detail", args=[family.keluarga_id])
    client.force_login(users["desa"])
    assert client.get(reverse("growth:child_detail", args=[elsewhere.pk])).status_code == 404
    html = client.get(url).content.decode()
    assert "2025-05-20" not in html and 'data-testid="family-priority"' not in html
    assert reverse("growth:child_detail", args=[elsewhere.pk]) not in html
    # The Admin Kabupaten covers both: the child's status and link are there.
    client.force_login(users["admin"])
    html = client.get(url).content.decode()
    assert "2025-05-20" in html and 'data-testid="family-priority"' in html
    assert reverse("growth:child_detail", args=[elsewhere.pk]) in html


def test_the_list_says_nothing_of_a_linked_child_of_another_area(client, users, world):
    """As on the family page: the stunting of a child whose growth record lies outside the
    operator's area is neither a PRIORITY badge, nor counted, nor found by the filter."""
    elsewhere = factories.child_row(BATU_PENYU, nama="Anak Batu Penyu Sintetis",
                                    tanggal_lahir=datetime.date(2025, 1, 10))  # fmt: skip
    factories.measurement_row(elsewhere, "2025-05-20", tinggi="55.0", stunted=True, flen=False)
    family = factories.family_row(
        KURNIA_JAYA, tanggal="2025-07-01", no_kk="1906010000000103", rt="009",
        members=[HUSBAND, _wife(nik="1906014101950003"), _kid(elsewhere, born="2025-01-10")],
    )  # fmt: skip
    client.force_login(users["desa"])
    rows, page = _rows(client, "?rt=009")
    assert rows == {family.pk}
    assert page.context["counts"]["priority"] == 0
    assert not page.context["page"].object_list[0].has_stunted
    assert _rows(client, "?stunting=1")[0] == {world["krs"].pk}
    # The Admin Kabupaten covers the child's desa: the family is a priority one.
    client.force_login(users["admin"])
    rows, page = _rows(client, "?rt=009")
    assert page.context["counts"]["priority"] == 1


def test_a_family_outside_the_area_is_not_found(client, users, world):
    client.force_login(users["desa"])
    url = reverse("families:detail", args=[world["other"].keluarga_id])
    assert client.get(url).status_code == 404


def test_a_young_wife_is_named_as_the_reason(client, users, world):
    client.force_login(users["kecamatan"])
    html = client.get(reverse("families:detail", args=[world["young"].keluarga_id])).content
    assert "Istri terlalu muda (&lt;20 th)" in html.decode()
    assert 'data-testid="family-priority"' not in html.decode()


def test_the_child_page_shows_the_family_risk_factors(client, users, world):
    client.force_login(users["desa"])
    html = client.get(reverse("growth:child_detail", args=[world["child"].pk])).content.decode()
    assert 'data-testid="child-family"' in html and "Air minum tidak layak" in html
    assert reverse("families:detail", args=[world["krs"].keluarga_id]) in html


def test_the_child_page_names_no_family_of_another_area(client, users, world):
    """A Kurnia Jaya child linked (by a wider area's import) to a member of a Batu Penyu
    family: the Operator Desa of Kurnia Jaya, who cannot open that family, is not told its
    label, its reasons or its page."""
    factories.family_row(
        BATU_PENYU, jamban=4, tanggal="2025-07-01", no_kk="1906010000000104",
        members=[HUSBAND, _wife(nik="1906014101950004"), _kid(world["child"])],
    )  # fmt: skip
    labels_compute()
    elsewhere = world["child"].family_members.get(survey__keluarga__desa_id=BATU_PENYU)
    family_url = reverse("families:detail", args=[elsewhere.survey.keluarga_id])
    child_url = reverse("growth:child_detail", args=[world["child"].pk])
    client.force_login(users["desa"])
    assert client.get(family_url).status_code == 404
    html = client.get(child_url).content.decode()
    assert family_url not in html and "Jamban tidak layak" not in html
    assert reverse("families:detail", args=[world["krs"].keluarga_id]) in html
    # The Admin Kabupaten covers both families.
    client.force_login(users["admin"])
    html = client.get(child_url).content.decode()
    assert family_url in html and "Jamban tidak layak" in html


def test_the_menu_shows_families_to_the_roles_that_may_see_them(client, users):
    client.force_login(users["desa"])
    assert LIST in client.get(reverse("growth:child_list")).content.decode()
    client.force_login(users["mitra"])
    assert f'href="{LIST}"' not in client.get(reverse("growth:kbm_tables")).content.decode()
