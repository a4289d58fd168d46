import datetime
import io

import numpy as np
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kampungkb.analytics.models import Publication, PublishedFigure
from kampungkb.analytics.publication import (
    MIN_CASES,
    PublicCell,
    complementary_cells,
    is_suppressed,
    public_tables,
)
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, PADANG

AUG = datetime.date(2025, 8, 1)


@pytest.mark.parametrize(
    ("n", "cases", "suppressed"),
    [(9, 5, True), (20, 2, True), (10, 3, False), (9, 0, True), (50, 10, False)],
)
def test_small_cells_are_suppressed(n, cases, suppressed):
    assert is_suppressed(n, cases) is suppressed
    cell = PublicCell.of(
        PublishedFigure(n=n, cases=cases, prevalence=cases / n, ci_low=0.1, ci_high=0.5)
    )
    assert cell.suppressed is suppressed
    assert (cell.prevalence is None) is suppressed
    assert (cell.cases is None) is suppressed
    assert (cell.n is None) is (n < 10)


KELUBI = "19.06.01.2004"
GANTUNG_DESA = "19.06.02.2001"


@pytest.fixture
def published(data, users):
    """Manggar: Kurnia Jaya 10 measured, 3 stunted (shown); Lalang Jaya 9 measured (hidden);
    Padang 2 stunted (hidden); Kelubi 5 measured, none stunted (hidden). Gantung: Batu Penyu
    2 stunted (hidden), so Gantung desa's 5 are hidden too (else 7 - 5 = 2 gives them away)."""
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    data.many(LALANG_JAYA, "2025-08-10", n=9, cases=4)
    data.many(PADANG, "2025-08-10", n=12, cases=2)
    data.many(KELUBI, "2025-08-10", n=5, cases=0)
    data.many(BATU_PENYU, "2025-08-10", n=20, cases=2)
    data.many(GANTUNG_DESA, "2025-08-10", n=15, cases=5)
    summaries_rebuild()
    return publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)


def _rows(publication, level):
    return {r.kode: r.stunting for r in public_tables(publication)[level]}


def test_public_tables_show_10_and_3_and_hide_9_measured_and_2_cases(published):
    desa = _rows(published, "desa")
    assert (desa[KURNIA_JAYA].n, desa[KURNIA_JAYA].cases) == (10, 3)
    assert desa[KURNIA_JAYA].prevalence == pytest.approx(0.3)
    assert desa[LALANG_JAYA] == PublicCell(None, None, None, None, None, True)
    assert desa[BATU_PENYU].n == 20 and desa[BATU_PENYU].cases is None
    assert (desa[PADANG].n, desa[PADANG].cases, desa[PADANG].secondary) == (12, None, False)
    kecamatan = _rows(published, "kecamatan")
    assert (kecamatan["19.06.01"].n, kecamatan["19.06.01"].cases) == (36, 9)
    assert _rows(published, "kabupaten")["19.06"].cases == 16


def test_a_cell_that_would_give_a_hidden_one_away_by_subtraction_is_hidden_too(published):
    desa = _rows(published, "desa")
    # Gantung kecamatan shows 7 of 35: with Gantung desa's 5 shown, Batu Penyu's 2 would follow.
    assert _rows(published, "kecamatan")["19.06.02"].cases == 7
    gantung = desa[GANTUNG_DESA]
    assert (gantung.n, gantung.cases, gantung.suppressed, gantung.secondary) == (
        15,
        None,
        True,
        True,
    )
    # Lalang Jaya's 9 measured and Kelubi's 5 are both hidden: only their sum (14) follows.
    assert desa[LALANG_JAYA].n is None and desa[KELUBI].n is None


def _determined(hidden, values, sums):
    """Independent check: a hidden cell is determined when every change of the hidden cells
    that keeps all sums leaves it unchanged (the null space of the equations is 0 on it)."""
    order = sorted(hidden)
    rows = []
    for total, parts in sums:
        row = [0.0] * len(order)
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in order:
                row[order.index(cell)] += sign
        rows.append(row)
    if not order:
        return set()
    matrix = np.array(rows or [[0.0] * len(order)])
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    return {c for i, c in enumerate(order) if not null.size or np.allclose(null[:, i], 0)}


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_follows_from_the_shown_ones_in_random_districts(seed):
    """Random kabupaten of 2-5 kecamatan of 1-6 desa with a Kampung KB split: after the
    complementary cells are added, no hidden cell is pinned down by the sums."""
    rng = np.random.default_rng(seed)
    values, sums, kecamatan = {}, [], []
    for k in range(rng.integers(2, 6)):
        desa = [f"d{k}.{d}" for d in range(rng.integers(1, 7))]
        for d in desa:
            values[d] = int(rng.choice([0, 1, 2, 3, 5, 8, 13, 40]))
        values[f"k{k}"] = sum(values[d] for d in desa)
        sums.append((f"k{k}", desa))
        kecamatan.append(f"k{k}")
    values["kab"] = sum(values[k] for k in kecamatan)
    values["kampung_kb"] = int(rng.integers(0, values["kab"] + 1))
    values["other"] = values["kab"] - values["kampung_kb"]
    sums += [("kab", kecamatan), ("kab", ["kampung_kb", "other"])]
    small = {c for c, v in values.items() if 0 < v < MIN_CASES}

    hidden = small | complementary_cells(values, small, sums)

    known_zero = {c for c, v in values.items() if v == 0}
    shown_or_zero = {c for c in values if c not in hidden} | known_zero
    assert small <= hidden
    assert not (_determined(hidden - shown_or_zero, values, sums) & small)
    assert not _determined(hidden - shown_or_zero, values, sums)


def _pinned_to_zero(hidden, values, sums):
    """Hidden cells that a shown total pins to 0 (its hidden parts add up to 0, and no count
    is negative): what a reader infers beyond the linear algebra of ``_determined``."""
    out = set()
    for total, parts in sums:
        zeros = [p for p in parts if p in hidden]
        if total not in hidden and zeros and not any(values[p] for p in zeros):
            out |= set(zeros)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_a_hidden_zero_is_protected_like_any_small_count_in_random_districts(seed):
    """As above, with every count under 3 hidden, 0 included, and only the desa where nobody
    was measured counted as known: no hidden cell follows from the sums, nor is pinned to 0
    by a shown total."""
    rng = np.random.default_rng(seed)
    values, sums, kecamatan, nobody = {}, [], [], set()
    for k in range(rng.integers(2, 6)):
        desa = [f"d{k}.{d}" for d in range(rng.integers(1, 7))]
        for d in desa:
            values[d] = int(rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 40]))
            if values[d] == 0 and rng.random() < 0.3:
                nobody.add(d)  # an empty desa: its 0 is known
        values[f"k{k}"] = sum(values[d] for d in desa)
        sums.append((f"k{k}", desa))
        kecamatan.append(f"k{k}")
        if set(desa) <= nobody:
            nobody.add(f"k{k}")  # nobody measured in any of its desa
    values["kab"] = sum(values[k] for k in kecamatan)
    sums.append(("kab", kecamatan))
    small = {c for c, v in values.items() if v < MIN_CASES}

    hidden = small | complementary_cells(values, small, sums, known_zeros=nobody)

    protected = hidden - nobody
    assert not _determined(protected, values, sums)
    assert not (_pinned_to_zero(protected, values, sums) & small)


def test_a_zero_is_not_given_away_by_its_kecamatan_total():
    """Batu Penyu 0 stunted (hidden), Gantung desa 5: showing the kecamatan's 5 and Gantung's
    5 would give Batu Penyu's 0 away; so would two hidden zeros under a shown total."""
    sums = [("kec", ["batu", "gantung"])]
    values = {"kec": 5, "batu": 0, "gantung": 5}
    assert complementary_cells(values, {"batu"}, sums) == set()  # a 0 taken as known
    assert complementary_cells(values, {"batu"}, sums, known_zeros=set()) == {"gantung"}
    sums = [("kec", ["a", "b", "c"])]
    values = {"kec": 7, "a": 0, "b": 0, "c": 7}
    assert complementary_cells(values, {"a", "b"}, sums, known_zeros=set()) == {"c"}
    # A desa where nobody was measured gives nobody away: nothing more to hide for it.
    assert complementary_cells(values, {"a", "b"}, sums, known_zeros={"a", "b"}) == set()


def test_complementary_cells_follow_a_chain_up_the_tree():
    # One small desa in a kecamatan of one desa: the kecamatan is as small; at the kabupaten
    # it could be found as total minus the other kecamatan, so one of those goes too.
    values = {"kab": 30, "k1": 2, "k2": 12, "k3": 16, "d1": 2, "d2": 12, "d3": 16}
    sums = [("kab", ["k1", "k2", "k3"]), ("k1", ["d1"]), ("k2", ["d2"]), ("k3", ["d3"])]

    extra = complementary_cells(values, {"d1", "k1"}, sums)

    # k2 hides k1 at the kabupaten; d2 must go with k2, or k2 = d2 would show it again.
    assert extra == {"k2", "d2"}
    assert not _determined({"d1", "k1"} | extra, values, sums)


def test_public_page_pdf_and_xlsx_show_dashes_for_small_cells_without_login(client, published):
    page = client.get(reverse("analytics_public:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Publikasi Data Stunting" in html
    assert "Anak Sintetis" not in html  # no personal data
    rows = [
        r for r in html.split('data-testid="public-row"') if "Lalang Jaya" in r.split("</tr>")[0]
    ]
    assert rows and "44,4" not in rows[0] and "–" in rows[0]

    xlsx = client.get(reverse("analytics_public:xlsx", args=[published.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[2]
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Lalang Jaya"][2:7] == ("–",) * 5
    assert values["Kurnia Jaya"][2:5] == (10, 3, 30.0)
    assert values["Batu Penyu"][2:4] == (20, "–")
    assert values["Gantung"][2:4] == (15, "–")

    spec = client.get(reverse("analytics_public:map_spec", args=[published.pk])).json()
    props = [f["properties"] for f in spec["datasets"]["shapes"]]
    lalang = next(p for p in props if p["kode"] == LALANG_JAYA)
    assert lalang["nilai"] is None and lalang["teks"] == "–" and lalang["n"] == "–"


def test_public_pdf_renders_with_its_map_image(client, published):
    response = client.get(reverse("analytics_public:pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert b"/Image" in response.content
    assert len(response.content) < 1_500_000


def test_published_figures_stay_frozen_and_republishing_makes_version_2(data, published, users):
    # An import after publishing: the live summaries change, the publication does not.
    data.many(KURNIA_JAYA, "2025-08-20", n=5, cases=5)
    summaries_rebuild()
    assert _rows(published, "desa")[KURNIA_JAYA].n == 10
    second = publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)
    assert (published.version, second.version) == (1, 2)
    assert _rows(second, "desa")[KURNIA_JAYA].n == 15
    assert Publication.objects.count() == 2
    assert _rows(Publication.objects.get(version=1), "desa")[KURNIA_JAYA].n == 10
    # Version 1 has left the public site: its address leads to version 2.
    page = Client().get(reverse("analytics_public:version", args=[published.pk]))
    assert page.status_code == 302
    assert page["Location"] == reverse("analytics_public:version", args=[second.pk])


def test_only_the_admin_kabupaten_may_publish(data, users):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    summaries_rebuild()
    for role in ("kecamatan", "desa", "mitra", "viewer"):
        with pytest.raises(PermissionDenied):
            publication_publish(user=users[role], period_type="penimbangan", period_start=AUG)
    with pytest.raises(ValidationError):
        publication_publish(
            user=users["admin"], period_type="month", period_start=datetime.date(2020, 1, 1)
        )


def _published(users):
    summaries_rebuild()
    return publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)


def test_no_stunted_child_in_a_desa_cannot_be_worked_out_on_the_public_page(data, users):
    """Batu Penyu: 20 measured, none stunted (shown "–"); Gantung desa 20 measured, 5 stunted.
    The kecamatan's cases and Gantung's cannot both be shown: their difference is Batu
    Penyu's 0. Padang, where nobody was measured, needs no such protection."""
    data.many(BATU_PENYU, "2025-08-10", n=20, cases=0)
    data.many(GANTUNG_DESA, "2025-08-10", n=20, cases=5)
    tables = public_tables(_published(users))
    desa = {r.kode: r.stunting for r in tables["desa"]}
    gantung_kec = {r.kode: r.stunting for r in tables["kecamatan"]}["19.06.02"]
    assert desa[BATU_PENYU].cases is None and desa[BATU_PENYU].n == 20
    assert gantung_kec.cases is None or desa[GANTUNG_DESA].cases is None


def test_a_hidden_number_measured_hides_the_cases_and_prevalence_beside_it(data, users):
    """Kurnia Jaya's n is hidden to protect Lalang Jaya's 8 (Manggar 118 − 50 − 60); showing
    its 20 stunted at 40.0% would give the 50 back (20 / 0.4)."""
    data.many(LALANG_JAYA, "2025-08-10", n=8, cases=2)
    data.many(KURNIA_JAYA, "2025-08-10", n=50, cases=20)
    data.many(PADANG, "2025-08-10", n=60, cases=5)
    desa = _rows(_published(users), "desa")
    assert desa[LALANG_JAYA].n is None
    hidden_n = [kode for kode in (KURNIA_JAYA, PADANG) if desa[kode].n is None]
    assert hidden_n
    for kode in hidden_n:
        cell = desa[kode]
        assert (cell.cases, cell.prevalence, cell.ci_low, cell.ci_high) == (None,) * 4


def test_the_public_kampung_kb_registry_is_counted_as_a_sum_too(data, users, make_kampung):
    """Lalang Jaya and Gantung desa are Kampung KB: the split row is their sum, so with
    Gantung desa's 10 shown, the Kampung KB row's 12 would give Lalang Jaya's hidden 2."""
    for kode in (LALANG_JAYA, GANTUNG_DESA):
        make_kampung(kode, tanggal_pencanangan=datetime.date(2020, 1, 1))
    data.many(LALANG_JAYA, "2025-08-10", n=20, cases=2)
    data.many(KURNIA_JAYA, "2025-08-10", n=40, cases=20)
    data.many(GANTUNG_DESA, "2025-08-10", n=30, cases=10)
    data.many(BATU_PENYU, "2025-08-10", n=60, cases=28)
    tables = public_tables(_published(users))
    desa = {r.kode: r.stunting for r in tables["desa"]}
    split = {r.group: r.stunting for r in tables["kampung_kb"]}
    assert desa[LALANG_JAYA].cases is None
    assert split["kampung_kb"].cases is None or desa[GANTUNG_DESA].cases is None
