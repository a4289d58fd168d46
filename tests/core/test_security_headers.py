"""Content-Security-Policy on every page, no caching of anything personal, and oversized
request bodies refused before they are read."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import kampungkb
from tests.conftest import KURNIA_JAYA

SRC = Path(kampungkb.__file__).resolve().parent
MB = 1024 * 1024


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


# --- Content-Security-Policy ------------------------------------------------------------


@pytest.fixture
def child(users):
    from tests.growth.conftest import weighed_child

    return weighed_child(
        "Sari", datetime.date(2024, 1, 5), [(datetime.date(2025, 2, 10), "9.10")], KURNIA_JAYA
    )


def test_every_page_carries_a_strict_content_security_policy(client, users, child):
    pages = [
        client.get("/akun/masuk/"),
        client.get("/publik/"),
    ]
    client.force_login(users["kecamatan"])
    pages += [
        client.get("/"),
        client.get(reverse("growth:child_detail", args=[child.pk])),
        client.get(reverse("wilayah:map")),
        client.get("/tidak-ada/"),
    ]
    for response in pages:
        csp = _directives(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"], "no inline script, no eval"
        assert csp["style-src"] == ["'self'"], "no inline <style>"
        assert csp.get("style-src-elem", ["'self'"]) == ["'self'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"], "no style attributes"
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]


def _templates():
    return sorted(SRC.glob("*/templates/**/*.html"))


# Rendered to PDF by WeasyPrint only, never sent to a browser: their <style> is fine.
PRINT_ONLY = {
    "analytics/templates/analytics/_print_base.html",
    "convergence/templates/convergence/review_report.html",
    "convergence/templates/convergence/rapor_report.html",
    "families/templates/families/krs_pdf.html",
    "families/templates/families/tpk/scorecard/pdf.html",
}


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(SRC)))
def test_templates_hold_no_inline_script_handler_or_stylesheet(path):
    text = path.read_text(encoding="utf-8")
    name = str(path.relative_to(SRC))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "hx-on" not in text
    assert "javascript:" not in text
    if name not in PRINT_ONLY:
        assert "<style" not in text, "inline <style>"
    if name not in PRINT_ONLY:
        assert not re.search(r"\sstyle\s*=", text), "style attribute"


# --- caching ---------------------------------------------------------------------------


def _never_cached(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_response_to_a_logged_in_user_is_never_cached(client, users, child):
    client.force_login(users["kecamatan"])
    for url in [
        "/",
        reverse("growth:child_list"),
        reverse("growth:child_detail", args=[child.pk]),
        reverse("growth:child_chart_spec", args=[child.pk, "bbu"]),
        reverse("growth:export_xlsx"),
        reverse("wilayah:map_spec"),
        "/publik/",
        "/tidak-ada/",
    ]:
        response = client.get(url)
        assert _never_cached(response), (url, response.get("Cache-Control"))


def test_an_e_ppgbm_export_with_full_niks_is_never_cached(client, users, child, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["kecamatan"])
    response = client.post(reverse("growth:export_xlsx"), {"desa": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _never_cached(response)


def test_the_login_page_and_redirects_to_it_are_never_cached(client, db):
    assert _never_cached(client.get("/akun/masuk/"))
    assert _never_cached(client.get(reverse("growth:child_list")))


def test_public_pages_and_static_files_stay_cacheable(client, users, child):
    from kampungkb.analytics.services import publication_publish, summaries_rebuild

    summaries_rebuild()
    publication = publication_publish(
        user=users["admin"], period_type="month", period_start=datetime.date(2025, 2, 1)
    )
    for url in [
        "/publik/",
        reverse("analytics_public:version", args=[publication.pk]),
        reverse("analytics_public:xlsx", args=[publication.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
    static = client.get("/static/core/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# --- request bodies ---------------------------------------------------------------------


class _Body:
    """A multipart body of ``size`` bytes, made up as it is read (no 60 MB in memory), that
    counts how much of it the server read."""

    BOUNDARY = "batas-uji"

    def __init__(self, size: int, filename: str = "besar.xlsx"):
        self.head = (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = size
        self.read_bytes = 0

    def _byte_at(self, i: int) -> bytes:
        if i < len(self.head):
            return self.head[i : i + 1]
        tail_start = self.size - len(self.tail)
        if i >= tail_start:
            return self.tail[i - tail_start : i - tail_start + 1]
        return b"0"

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        start = self.read_bytes
        self.read_bytes += n
        head_end, tail_start = len(self.head), self.size - len(self.tail)
        if start >= head_end and start + n <= tail_start:
            return b"0" * n
        return b"".join(self._byte_at(i) for i in range(start, start + n))

    def readline(self, limit: int = -1) -> bytes:
        return self.read(limit if limit and limit > 0 else 64 * 1024)


def _post_body(client, url, body):
    return client.generic(
        "POST",
        url,
        CONTENT_TYPE=f"multipart/form-data; boundary={_Body.BOUNDARY}",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )


def test_a_60_mb_import_is_refused_before_it_is_read(client, users):
    client.force_login(users["kecamatan"])
    body = _Body(60 * MB)
    response = _post_body(client, reverse("growth:import_upload"), body)
    assert response.status_code == 413
    assert body.read_bytes == 0
    text = response.content.decode()
    assert "Terlalu besar" in text
    assert "paling banyak 50 MB" in text


def test_an_import_under_its_limit_reaches_the_form(client, users):
    client.force_login(users["kecamatan"])
    body = _Body(11 * MB, filename="besar.txt")
    response = _post_body(client, reverse("growth:import_upload"), body)
    # Read, then refused by the form for its type: the middleware let it through.
    assert response.status_code == 400
    assert body.read_bytes == body.size


@pytest.mark.parametrize("size_mb", [60, 12])
def test_an_oversized_evidence_file_is_refused_before_it_is_read(client, users, size_mb):
    client.force_login(users["admin"])
    body = _Body(size_mb * MB, filename="bukti.pdf")
    # Any record id: the size is checked before the view looks anything up.
    response = _post_body(client, reverse("convergence:evidence_upload", args=[1]), body)
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "paling banyak 10 MB" in response.content.decode()


def test_a_large_body_is_refused_before_the_csrf_check_reads_it(db):
    # As a browser would post: the CSRF check is on (it reads the form to find the token).
    strict = Client(enforce_csrf_checks=True)
    body = _Body(60 * MB)
    response = _post_body(strict, "/akun/masuk/", body)
    assert response.status_code == 413
    assert body.read_bytes == 0
