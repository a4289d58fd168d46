"""The district admin reads, on the demo data, which Kampung KB succeed and which need help:
the scorecard (sortable, usable on a phone), the management-against-stunting chart and a
Kampung KB's rapor with its one-page PDF.

Set KAMPUNGKB_SCREENSHOTS to a folder to keep the screenshots (docs/screens/ holds them).
"""

import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.demo import seed_demo_convergence
from kampungkb.convergence.reference import reference_load
from kampungkb.growth.demo import seed_growth
from kampungkb.wilayah.demo import seed_kampung_kb
from tests.e2e.test_foundation import _login


@pytest.fixture
def demo(transactional_db, make_user):
    reference_load()  # migrations' reference rows are flushed between transactional tests
    seed_kampung_kb()
    seed_growth(n_children=600)
    summaries_rebuild()
    seed_demo_convergence()
    make_user(Role.ADMIN_KABUPATEN, "19.06", username="admin.dkppkb")


def _screenshot(page, name, **options):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), **options)


@pytest.mark.parametrize("device", ["page", "phone"])
def test_admin_sees_which_kampung_kb_succeed_and_why(request, live_server, demo, device, today):
    year = today.year
    page = request.getfixturevalue(device)
    suffix = "phone" if device == "phone" else "desktop"
    _login(page, live_server, "admin.dkppkb")
    page.goto(f"{live_server.url}/konvergensi/reviu/kartu/")
    expect(page.get_by_role("heading", name=f"Kartu skor Kampung KB {year}")).to_be_visible()
    rows = page.get_by_test_id("scorecard-row")
    expect(rows).to_have_count(15)
    assert page.locator('[data-testid="scorecard-row"][data-verdict="model"]').count() >= 2
    assert page.locator('[data-testid="scorecard-row"][data-verdict="support"]').count() >= 4
    expect(page.get_by_test_id("scorecard-legend")).to_contain_text("kuat")
    expect(page.get_by_test_id("scorecard-legend")).to_contain_text("lemah")

    # The chart draws one symbol per Kampung KB with a score and a prevalence.
    chart = page.get_by_test_id("management-chart")
    expect(chart).to_have_attribute("data-rendered", "1")
    assert chart.locator("path[role='graphics-symbol']").count() >= 10
    expect(chart).to_contain_text("Zona percontohan")
    if device == "page":
        _screenshot(page, "kampung-kb-chart-desktop.png", clip=_box(chart))

    # Sorting by the management score puts the rows in order (empty scores last).
    page.get_by_role("button", name="Manaj.").click()
    scores = [
        float(v)
        for v in page.locator('[data-testid="scorecard-row"] td:nth-child(4)').evaluate_all(
            "cells => cells.map(c => c.dataset.sort).filter(v => v !== '')"
        )
    ]
    assert scores == sorted(scores) and len(scores) >= 10

    table = page.get_by_test_id("scorecard")
    table.scroll_into_view_if_needed()
    if device == "phone":
        # The table scrolls sideways inside its box; the name column stays in view.
        box = table.locator("xpath=..")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
        first = rows.first.locator("th")
        before = first.bounding_box()["x"]
        box.evaluate("el => { el.scrollLeft = 600; }")
        page.wait_for_timeout(100)
        assert abs(first.bounding_box()["x"] - before) < 2
        assert box.evaluate("el => el.scrollLeft") > 0
        box.evaluate("el => { el.scrollLeft = 0; }")
    _screenshot(page, f"kampung-kb-scorecard-{suffix}.png")

    # A model village's rapor: why it succeeds, its trends, and the one-page PDF.
    model_row = page.locator('[data-testid="scorecard-row"][data-verdict="model"]').first
    name = model_row.locator("th a").inner_text()
    model_row.locator("th a").click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_test_id("rapor-verdict")).to_contain_text("Desa percontohan")
    expect(page.get_by_test_id("rapor-strong").locator("li").first).not_to_have_text("–")
    expect(page.get_by_test_id("trend-stunting")).to_contain_text("n=")
    expect(page.get_by_test_id("trend-level")).to_contain_text("Berkelanjutan")
    _screenshot(page, f"kampung-kb-rapor-{suffix}.png")
    href = page.get_by_test_id("rapor-pdf").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def _box(locator):
    b = locator.bounding_box()
    return {"x": b["x"], "y": b["y"], "width": b["width"], "height": b["height"]}
