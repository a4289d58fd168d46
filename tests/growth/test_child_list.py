"""The child list: pages, filters, sorting, bad filter values, and what it shows."""

import datetime
import re

import pytest

from kampungkb.growth.selectors import ChildFilters, child_list, child_list_page
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, MANGGAR

TODAY = datetime.date(2026, 11, 20)
URL = "/pertumbuhan/"


def _names(qs_or_page):
    return [c.nama for c in qs_or_page]


def _list(user, **filters):
    return _names(child_list(user=user, filters=ChildFilters(**filters), today=TODAY))


@pytest.fixture
def admin(beltim):
    return factories.admin_kabupaten()


def _measured(child, day, **flags):
    return factories.measurement_row(child, day, **flags)


# --- pages ----------------------------------------------------------------------------------


def test_the_list_has_pages_of_50_that_together_hold_every_child_once(admin):
    # Same name and birthday for all: only the tie-break on the id keeps pages apart.
    ids = {
        factories.child_row(KURNIA_JAYA, nama="Sama", tanggal_lahir=TODAY).pk for _ in range(120)
    }
    pages = [child_list_page(user=admin, page=n, today=TODAY) for n in (1, 2, 3)]
    assert [len(p.object_list) for p in pages] == [50, 50, 20]
    seen = [c.pk for p in pages for c in p.object_list]
    assert len(seen) == len(set(seen)) == 120 and set(seen) == ids
    assert pages[0].paginator.count == 120


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "9999", "1e9", "", "2.5"])
def test_any_page_value_gives_a_page(admin, bad):
    for _ in range(3):
        factories.child_row(KURNIA_JAYA)
    page = child_list_page(user=admin, page=bad, today=TODAY)
    assert len(page.object_list) == 3


def test_a_page_reads_each_childs_latest_measurement_in_a_fixed_number_of_queries(
    admin, django_assert_max_num_queries
):
    for i in range(60):
        child = factories.child_row(KURNIA_JAYA, nama=f"Anak {i:02d}")
        _measured(child, "2026-09-10", stunted=True)
        _measured(child, "2026-10-10", stunted=False)
    with django_assert_max_num_queries(3):  # the sorted ids, the rows shown, their latest
        page = child_list_page(user=admin, today=TODAY)
        latest = [c.latest for c in page.object_list]
    assert len(latest) == 50
    assert {m.tanggal for m in latest} == {datetime.date(2026, 10, 10)}
    assert {c.last_measured for c in page.object_list} == {datetime.date(2026, 10, 10)}


# --- filters --------------------------------------------------------------------------------


def test_the_status_filters_read_only_the_latest_measurement(admin):
    recovered = factories.child_row(nama="Pulih")
    _measured(recovered, "2026-05-10", stunted=True, wasted=True, underweight=True)
    _measured(recovered, "2026-10-10", stunted=False, wasted=False, underweight=False)
    fell = factories.child_row(nama="Turun")
    _measured(fell, "2026-10-12", stunted=True, wasted=False, underweight=None)
    _measured(fell, "2026-04-12", stunted=False, wasted=False, underweight=False)  # older
    thin = factories.child_row(nama="Kurus")
    _measured(thin, "2026-10-01", stunted=False, wasted=True, underweight=True)
    weight_only = factories.child_row(nama="Hanya Berat")
    _measured(weight_only, "2026-10-01", stunted=None, wasted=None, underweight=False)
    factories.child_row(nama="Belum Diukur")

    assert _list(admin, status="stunting") == ["Turun"]
    assert _list(admin, status="wasting") == ["Kurus"]
    assert _list(admin, status="underweight") == ["Kurus"]
    assert _list(admin, status="normal") == ["Hanya Berat", "Pulih"]


def test_the_needs_checking_filter_lists_children_whose_latest_value_waits_for_a_check(admin):
    doubtful = factories.child_row(nama="Ragu")
    _measured(doubtful, "2026-10-10", needs_check=True, check_reasons="who_flag")
    checked = factories.child_row(nama="Sudah Dicek")
    _measured(checked, "2026-09-10", needs_check=True, check_reasons="who_flag")
    _measured(checked, "2026-10-10", stunted=False, wasted=False, underweight=False)
    assert _list(admin, status="perlu_dicek") == ["Ragu"]


def test_not_measured_this_month_keeps_the_never_and_the_earlier_measured(admin):
    _measured(factories.child_row(nama="Bulan Ini"), "2026-11-01")
    _measured(factories.child_row(nama="Bulan Lalu"), "2026-10-31")
    factories.child_row(nama="Belum Pernah")
    assert _list(admin, not_measured_this_month=True) == ["Belum Pernah", "Bulan Lalu"]


@pytest.mark.parametrize(
    ("age_days", "band"),
    [
        (0, "0-5"),
        (182, "0-5"),  # 5.98 months
        (183, "6-11"),  # 6.01 months (30.4375 days a month, as the KIA book's age)
        (365, "6-11"),  # 11.99 months
        (366, "12-23"),
        (730, "12-23"),
        (731, "24-59"),
        (1826, "24-59"),  # 59.99 months: still under five
        (1827, "60+"),
    ],
)
def test_an_age_band_holds_the_children_of_those_completed_months(admin, age_days, band):
    factories.child_row(nama="Anak", tanggal_lahir=TODAY - datetime.timedelta(days=age_days))
    for key in ("0-5", "6-11", "12-23", "24-59", "60+"):
        assert _list(admin, age_band=key) == (["Anak"] if key == band else [])


def test_desa_kecamatan_and_posyandu_filters(admin):
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    mawar = factories.posyandu(KURNIA_JAYA, "Mawar")
    factories.child(posyandu=melati, nama="Di Melati")
    factories.child(posyandu=mawar, nama="Di Mawar")
    factories.child(LALANG_JAYA, nama="Di Lalang Jaya")
    factories.child(BATU_PENYU, nama="Di Gantung")
    assert _list(admin, desa=KURNIA_JAYA) == ["Di Mawar", "Di Melati"]
    assert _list(admin, desa=MANGGAR) == ["Di Lalang Jaya", "Di Mawar", "Di Melati"]
    assert _list(admin, posyandu=melati.pk) == ["Di Melati"]
    assert _list(admin, search="mawar") == ["Di Mawar"]


def test_sorting_by_age_last_measurement_and_status(admin):
    young = factories.child_row(nama="Bungsu", tanggal_lahir=datetime.date(2026, 6, 1))
    old = factories.child_row(nama="Sulung", tanggal_lahir=datetime.date(2022, 6, 1))
    middle = factories.child_row(nama="Tengah", tanggal_lahir=datetime.date(2024, 6, 1))
    _measured(young, "2026-11-02", stunted=False, wasted=False, underweight=False)
    _measured(old, "2026-08-02", stunted=True, wasted=False, underweight=True)
    _measured(old, "2026-06-02", stunted=False, wasted=False, underweight=False)
    _measured(middle, "2026-10-02", stunted=True, wasted=False, underweight=False)
    factories.child_row(nama="Adik", tanggal_lahir=datetime.date(2026, 9, 1))  # never measured

    assert _list(admin, sort="umur") == ["Adik", "Bungsu", "Tengah", "Sulung"]
    assert _list(admin, sort="-umur") == ["Sulung", "Tengah", "Bungsu", "Adik"]
    assert _list(admin, sort="-nama") == ["Tengah", "Sulung", "Bungsu", "Adik"]
    assert _list(admin, sort="diukur") == ["Adik", "Sulung", "Tengah", "Bungsu"]
    assert _list(admin, sort="-diukur") == ["Bungsu", "Tengah", "Sulung", "Adik"]
    assert _list(admin, sort="status") == ["Sulung", "Tengah", "Bungsu", "Adik"]
    assert _list(admin, sort="no-such-sort") == ["Adik", "Bungsu", "Sulung", "Tengah"]


# --- the page -------------------------------------------------------------------------------


def _rows(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'data-testid="child-row">\s*<td><a href="[^"]+">([^<]+)</a>', body)


def _ignored(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'data-testid="filter-ignored">([^<]+)<', body)


def test_the_page_filters_sorts_and_keeps_the_filters_in_its_page_links(client, users):
    for i in range(55):
        child = factories.child_row(KURNIA_JAYA, nama=f"Anak {i:02d}")
        _measured(child, datetime.date.today(), stunted=i % 2 == 0)
    factories.child_row(LALANG_JAYA, nama="Anak Lalang")
    client.force_login(users["kecamatan"])
    query = {"desa": KURNIA_JAYA, "status": "stunting", "urut": "-nama"}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert _rows(response)[:2] == ["Anak 54", "Anak 52"]
    assert len(_rows(response)) == 28 and _ignored(response) == []
    # All 55 of Kurnia Jaya: two pages, the link to the second keeps the filters.
    response = client.get(URL, {"desa": KURNIA_JAYA})
    body = response.content.decode()
    assert len(_rows(response)) == 50 and "Anak Lalang" not in body
    assert f'href="?desa={KURNIA_JAYA}&amp;page=2"' in body
    assert _rows(client.get(URL, {"desa": KURNIA_JAYA, "page": 2})) == [
        f"Anak {i}" for i in range(50, 55)
    ]


def test_bad_filter_values_are_ignored_with_a_message_and_the_rest_apply(client, users):
    factories.child(KURNIA_JAYA, nama="Budi")
    factories.child(LALANG_JAYA, nama="Bunga")
    client.force_login(users["kecamatan"])
    hostile = {
        "desa": "19.06.02.2010",  # Batu Penyu: outside Manggar
        "posyandu": "1; DROP TABLE growth_child",
        "umur": "<script>",
        "status": "mati",
        "urut": "nama; --",
        "page": "-5",
        "belum_diukur": "on",
        "q": "bu",
    }
    response = client.get(URL, hostile)
    assert response.status_code == 200
    assert _rows(response) == ["Budi", "Bunga"]  # the search and "not measured" still apply
    ignored = _ignored(response)
    assert len(ignored) == 5
    assert all("diabaikan" in text for text in ignored)
    assert "<script>" not in response.content.decode()
    response = client.get(URL, {"q": "x" * 101})
    assert response.status_code == 200 and _rows(response) == ["Budi", "Bunga"]
    assert len(_ignored(response)) == 1
    # A NUL character is refused before any page (core.middleware.NulCharacterMiddleware).
    response = client.get(URL, {"q": "bu\x00di", "page": "\x00", "desa": "\x00"})
    assert response.status_code == 400 and "Budi" not in response.content.decode()


def test_a_posyandu_outside_the_chosen_desa_is_ignored(client, users):
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    factories.child_row(KURNIA_JAYA, nama="Di Melati", posyandu=melati)
    factories.child_row(LALANG_JAYA, nama="Di Lalang")
    client.force_login(users["kecamatan"])
    response = client.get(URL, {"desa": LALANG_JAYA, "posyandu": melati.pk})
    assert _rows(response) == ["Di Lalang"] and len(_ignored(response)) == 1
    assert _rows(client.get(URL, {"desa": KURNIA_JAYA, "posyandu": melati.pk})) == ["Di Melati"]


def test_the_desa_choices_are_the_users_area_only(client, users):
    client.force_login(users["kecamatan"])
    body = client.get(URL).content.decode()
    assert f'value="{KURNIA_JAYA}"' in body and f'value="{BATU_PENYU}"' not in body
    client.force_login(users["desa"])
    body = client.get(URL).content.decode()
    assert 'name="desa"' not in body  # one desa: nothing to choose


def test_search_by_name_or_nik_and_the_nik_shown_masked(client, users):
    factories.child(KURNIA_JAYA, nama="Budi Santoso", nik="1906010101230007")
    factories.child(KURNIA_JAYA, nama="Siti Aminah")
    client.force_login(users["admin"])
    by_nik = client.get(URL, {"q": "190601010123"})
    assert _rows(by_nik) == ["Budi Santoso"]
    body = by_nik.content.decode()
    assert "1906********0007" in body and "1906010101230007" not in body
    assert _rows(client.get(URL, {"q": "siti"})) == ["Siti Aminah"]


def test_the_latest_status_is_shown_beside_each_child(client, users):
    stunted = factories.child_row(KURNIA_JAYA, nama="Kerdil")
    _measured(stunted, "2026-10-01", stunted=True, wasted=False, underweight=False)
    fine = factories.child_row(KURNIA_JAYA, nama="Sehat")
    _measured(fine, "2026-10-01", stunted=False, wasted=False, underweight=False)
    client.force_login(users["desa"])
    body = client.get(URL, {"urut": "status"}).content.decode()
    kerdil, sehat = body.index("Kerdil"), body.index("Sehat")
    assert kerdil < body.index('text-bg-danger">Stunting') < sehat
    assert sehat < body.index('text-bg-success">Normal')
