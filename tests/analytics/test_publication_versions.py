"""Republishing a period: no hidden figure may follow from its versions taken together.

Issue 11, item 6: version 1 and version 3 of the same period, side by side, gave a hidden
desa's count exactly. Anything once served may have been saved, so every version of a period
counts as public for ever, even after it has left the site.
"""

import datetime

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from kampungkb.analytics import publication as pub
from kampungkb.analytics.models import PublishedFigure
from kampungkb.analytics.publication import MIN_CASES, complementary_cells, public_tables
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.analytics.test_publication import _determined
from tests.conftest import KURNIA_JAYA, LALANG_JAYA, PADANG

AUG = datetime.date(2025, 8, 1)
KELUBI = "19.06.01.2004"


def _publish(users, catatan=""):
    summaries_rebuild()
    return publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=AUG, catatan=catatan
    )


@pytest.fixture
def versions(data, users):
    """The issue's sequence. Manggar: Lalang Jaya 2 stunted of 20 (hidden), Kurnia Jaya 4,
    Padang 6, Kelubi 8 (of 20 each). Version 1 hides Kurnia Jaya, the smallest sibling, beside
    Lalang Jaya. A correction brings Kurnia Jaya to 9 of 25 (version 2), another adds a child
    to Kelubi (version 3): Padang is now the smallest sibling. Hiding Padang instead would
    show Kurnia Jaya, and Padang's 6 is in version 1: Manggar's 25 − 9 − 8 − 6 = 2."""
    data.many(LALANG_JAYA, "2025-08-10", n=20, cases=2)
    data.many(KURNIA_JAYA, "2025-08-10", n=20, cases=4)
    data.many(PADANG, "2025-08-10", n=20, cases=6)
    data.many(KELUBI, "2025-08-10", n=20, cases=8)
    v1 = _publish(users)
    data.many(KURNIA_JAYA, "2025-08-11", n=5, cases=5)
    v2 = _publish(users, "Koreksi Kurnia Jaya")
    data.many(KELUBI, "2025-08-12", n=1, cases=0)
    v3 = _publish(users, "Koreksi Kelubi")
    return v1, v2, v3


def _public_state(publication):
    """What the public saw of a version: for each indicator and quantity ("n", "cases"), the
    true values, the keys shown, and the sums they obey."""
    figures = list(PublishedFigure.objects.filter(publication=publication))
    rows = {}
    for f in figures:
        key = (f.level, f.group, f.wilayah_kode)
        rows.setdefault(
            key, pub.PublicRow(f.wilayah_kode, f.wilayah_nama, f.parent_kode, f.level, {})
        )
    tables = public_tables(publication)
    shown = {}
    for level_rows in tables.values():
        for r in level_rows:
            level = r.level
            group = getattr(r, "group", "all")
            for indicator, cell in r.cells.items():
                key = (level, group, r.kode)
                shown[(indicator, "n", key)] = cell.n is not None
                shown[(indicator, "cases", key)] = cell.cases is not None
    desa = [k[2] for k in rows if k[0] == "desa_kelurahan"]
    end = pub.period_end(publication.period_type, publication.period_start)
    sums = pub._sums(rows, pub.kampung_kb_desa(desa, end))
    state = {}
    for f in figures:
        if f.indicator not in pub.PUBLIC_INDICATORS:
            continue
        key = (f.level, f.group, f.wilayah_kode)
        if (f.indicator, "n", key) not in shown:  # kept, never shown (a kecamatan's split)
            continue
        for quantity, value in (("n", f.n), ("cases", f.cases)):
            values, visible, _sums = state.setdefault((f.indicator, quantity), ({}, set(), sums))
            values[key] = value
            if shown[(f.indicator, quantity, key)]:
                visible.add(key)
    return state


def _derivable_across(states):
    """The hidden cells, of any version, that the versions together pin down.

    A cell is one unknown over a run of consecutive versions in which its value stayed the
    same (a reader may assume that a correction left it alone, and would be right), known
    when a version of the run shows it or its value is 0. The equations of every version
    are put together and handed to the null-space check. Returns ``(cell, value)`` pairs."""
    known, unknown, equations, runs = set(), set(), [], {}
    for index, (values, visible, sums) in enumerate(states):
        unknown_of = {}
        for cell, value in values.items():
            run = runs.get(cell)
            unknown_of[cell] = run if run and run[1] == value else (cell, value, index)
        runs = unknown_of
        for cell, value in values.items():
            (known if cell in visible or value == 0 else unknown).add(unknown_of[cell])
        equations += [(unknown_of[total], [unknown_of[p] for p in parts]) for total, parts in sums]
    hidden = unknown - known
    return {u[:2] for u in _determined(hidden, {}, equations) & hidden}


def test_the_versions_of_a_period_together_give_no_hidden_figure_away(versions):
    states = [_public_state(p) for p in versions]
    for indicator in pub.PUBLIC_INDICATORS:
        for quantity in ("n", "cases"):
            together = [s[(indicator, quantity)] for s in states]
            assert not _derivable_across(together), (indicator, quantity)
            assert not _derivable_across([together[0], together[2]]), (indicator, quantity)


def test_what_a_version_hid_stays_hidden_in_the_later_ones(versions):
    v1, _v2, v3 = versions
    first = {r.kode: r.stunting for r in public_tables(v1)["desa"]}
    third = {r.kode: r.stunting for r in public_tables(v3)["desa"]}
    assert first[LALANG_JAYA].cases is None and first[KURNIA_JAYA].cases is None
    # Kurnia Jaya (9 of 25) is no small cell any more, but version 1 hid it.
    assert third[LALANG_JAYA].cases is None
    assert third[KURNIA_JAYA].cases is None and third[KURNIA_JAYA].secondary
    assert third[PADANG].cases == 6


def test_what_a_version_hides_is_stored_when_it_is_published(versions):
    for publication in versions:
        figures = PublishedFigure.objects.filter(publication=publication)
        assert not figures.filter(n_hidden=None).exists()
        assert not figures.filter(cases_hidden=None).exists()
    stored = PublishedFigure.objects.get(
        publication=versions[2], wilayah_kode=KURNIA_JAYA, indicator="stunting"
    )
    assert (stored.n_hidden, stored.cases_hidden) == (False, True)


def test_a_version_published_before_the_hidden_cells_were_stored_shows_what_it_showed(
    versions,
):
    v1 = versions[0]
    before = public_tables(v1)
    PublishedFigure.objects.filter(publication=v1).update(n_hidden=None, cases_hidden=None)
    assert public_tables(v1) == before


def _random_version(rng, structure, base=None):
    """Values on ``structure`` (kecamatan → desa): new ones, or ``base`` with a correction
    of one to three desa."""
    kecamatan, kampung_kb = structure
    desa = [d for ds in kecamatan.values() for d in ds]
    if base is None:
        values = {d: int(rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 40])) for d in desa}
    else:
        values = {d: base[d] for d in desa}
        for d in rng.choice(desa, size=min(len(desa), int(rng.integers(1, 4))), replace=False):
            values[d] = max(0, values[d] + int(rng.choice([-2, -1, 1, 2, 5])))
    for k, ds in kecamatan.items():
        values[k] = sum(values[d] for d in ds)
    values["kab"] = sum(values[k] for k in kecamatan)
    values["kampung_kb"] = sum(values[d] for d in kampung_kb)
    values["other"] = values["kab"] - values["kampung_kb"]
    return values


def _random_structure(rng):
    kecamatan = {
        f"k{k}": [f"d{k}.{d}" for d in range(rng.integers(1, 6))] for k in range(rng.integers(2, 5))
    }
    desa = [d for ds in kecamatan.values() for d in ds]
    kampung_kb = [d for d in desa if rng.random() < 0.3]
    sums = list(kecamatan.items())
    sums += [("kab", list(kecamatan)), ("kab", ["kampung_kb", "other"])]
    sums += [("kampung_kb", kampung_kb), ("other", [d for d in desa if d not in kampung_kb])]
    return (kecamatan, kampung_kb), sums


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_follows_from_three_random_versions_taken_together(seed):
    """Random districts published three times with corrections in between: each version is
    suppressed against the ones before it, and together they pin down no small cell, and no
    other hidden cell that the new version could have protected. (It cannot protect one
    that the earlier versions give away with values it keeps, say a total unchanged since
    version 1 over a hidden cell whose small sibling became 0: ``unavoidable``.)"""
    rng = np.random.default_rng(seed)
    structure, sums = _random_structure(rng)
    published = []
    values = None
    for _version in range(3):
        values = _random_version(rng, structure, values)
        small = {c for c, v in values.items() if 0 < v < MIN_CASES}
        before = [(v, {c for c in v if c not in shown}, sums) for v, shown, sums in published]
        inherited = set().union(*(hidden for _v, hidden, _s in before)) if before else set()
        hidden = small | inherited
        hidden |= complementary_cells(values, hidden, sums, published=before)
        unavoidable = _derivable_across([*published, (values, set(), sums)])
        published.append((values, {c for c in values if c not in hidden}, sums))
        assert small <= hidden
        assert inherited <= hidden
        derived = _derivable_across(published)
        assert derived <= unavoidable, seed
        assert not [value for _cell, value in derived if value < MIN_CASES], seed


PUBLIC_ROUTES = ("version", "map_spec", "pdf", "xlsx")


def test_only_the_newest_version_of_a_period_is_on_the_public_site(versions):
    v1, v2, v3 = versions
    client = Client()
    for old in (v1, v2):
        for route in PUBLIC_ROUTES:
            response = client.get(reverse(f"analytics_public:{route}", args=[old.pk]))
            assert response.status_code == 302, route
            assert response["Location"] == reverse(f"analytics_public:{route}", args=[v3.pk])
    moved = client.get(reverse("analytics_public:map_spec", args=[v1.pk]), {"tingkat": "kecamatan"})
    assert moved["Location"].endswith(f"/v/{v3.pk}/peta.json?tingkat=kecamatan")
    assert client.get(reverse("analytics_public:xlsx", args=[v3.pk])).status_code == 200

    html = client.get(reverse("analytics_public:index")).content.decode()
    assert "Versi 3, diterbitkan" in html
    assert "menggantikan versi sebelumnya" in html
    history = html.split('data-testid="public-history"')[1].split("</ul>")[0]
    assert history.count("<li>") == 1 and "versi 3" in history
    assert f"/v/{v1.pk}/" not in html and f"/v/{v2.pk}/" not in html


def test_the_officials_archive_keeps_every_version_with_a_note(versions, users):
    v1, _v2, v3 = versions
    archive = reverse("analytics:publication", args=[v1.pk])
    assert Client().get(archive).status_code == 302  # to the login page

    viewer = Client()
    viewer.force_login(users["viewer"])
    html = viewer.get(archive).content.decode()
    assert 'data-testid="superseded-note"' in html
    assert "Versi 1 telah diganti oleh versi 3" in html
    lalang = [r for r in html.split('data-testid="public-row"') if "Lalang Jaya" in r[:200]]
    assert lalang and "–" in lalang[0]
    current = viewer.get(reverse("analytics:publication", args=[v3.pk])).content.decode()
    assert 'data-testid="current-note"' in current

    listing = viewer.get(reverse("analytics:publications")).content.decode()
    rows = listing.split('data-testid="publication-row"')[1:]
    assert len(rows) == 3
    assert "publik</span>" in rows[0] and "diganti versi 3 (arsip)" in rows[1] + rows[2]
