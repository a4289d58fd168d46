"""Check a running installation through gunicorn, as nginx would reach it (deploy/smoke_test.sh).

    python deploy/smoke.py http://127.0.0.1:PORT USERNAME   (password in SMOKE_PASSWORD)

Requests carry nginx's headers (X-Forwarded-Proto: https, X-Forwarded-For), so the production
settings (HTTPS redirect, secure cookies, CSRF origin check) are exercised as they are behind the
proxy. The Django settings of the environment are loaded too, to queue work for the worker and
read what it did. Prints one line per check; exits 1 at the first failure.
"""

import http.client
import os
import re
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

WORKER_SECONDS = 60


class Failed(Exception):
    pass


class Client:
    """HTTP through the proxy's eyes: cookies kept by hand (they are Secure, and the jar of
    urllib would not send them over plain http to gunicorn)."""

    def __init__(self, base: str):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        origin = f"https://{self.host}:{self.port}"
        sent = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = origin
            sent["Referer"] = origin + path
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        conn.close()
        return response, content.decode("utf-8", "replace")


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise Failed(f"{what}{': ' + detail if detail else ''}")
    print(f"  ok  {what}")


def pages(client: Client, username: str, password: str) -> None:
    response, html = client.request("GET", "/akun/masuk/")
    check(response.status == 200, "login page answers 200", str(response.status))
    csp = response.headers.get("Content-Security-Policy", "")
    check("script-src 'self'" in csp, "login page carries the Content-Security-Policy", csp)
    cache = response.headers.get("Cache-Control", "")
    check("no-store" in cache, "login page is not cached (no-store)", cache)
    check("Strict-Transport-Security" in response.headers, "HSTS is sent behind the HTTPS proxy")

    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', html)
    check(css is not None, "login page links a hashed (collected) stylesheet")
    response, _ = client.request("GET", css.group(1), headers={"Accept-Encoding": "gzip"})
    cache = response.headers.get("Cache-Control", "")
    check(response.status == 200, "whitenoise serves the stylesheet", str(response.status))
    check("immutable" in cache and "max-age=315360000" in cache, "with long caching", cache)

    response, _ = client.request("GET", "/akun/masuk/", headers={"X-Forwarded-Proto": "http"})
    check(response.status == 301, "plain HTTP is redirected to HTTPS", str(response.status))

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    check(token is not None, "login form has its CSRF token")
    response, _ = client.request(
        "POST",
        "/akun/masuk/",
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
    )
    check(response.status == 302, "login as the Admin Kabupaten", str(response.status))
    check("sessionid" in client.cookies, "the session cookie is set")

    for path, what in (("/", "home page"), ("/analisis/", "analysis dashboard")):
        response, _ = client.request("GET", path)
        if response.status == 302:  # the dashboard opens on the user's area
            path = urllib.parse.urlsplit(response.headers["Location"]).path
            response, _ = client.request("GET", path)
        check(response.status == 200, f"{what} answers 200 after login", str(response.status))

    response, html = client.request("GET", "/tidak-ada-halaman-ini/")
    check(response.status == 404, "an unknown page answers 404", str(response.status))
    check("Kembali ke beranda" in html or "Back to the home page" in html, "the product's 404")


def worker() -> None:
    """A child registered the way a page does queues the summaries' refresh; the worker (its
    own process) must run it."""
    import datetime

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    django.setup()
    from django_tasks_db.models import DBTaskResult

    from kampungkb.growth.services import child_register
    from kampungkb.wilayah.models import Level, Wilayah

    before = set(DBTaskResult.objects.values_list("id", flat=True))
    child_register(
        user=None,
        desa=Wilayah.objects.filter(level=Level.DESA).order_by("kode").first(),
        is_synthetic=True,
        nama="Anak Uji Asap",
        jenis_kelamin="P",
        tanggal_lahir=datetime.date.today() - datetime.timedelta(days=200),
        nama_ibu="Ibu Uji Asap",
    )
    queued = DBTaskResult.objects.exclude(id__in=before).filter(task_path__contains="analytics")
    check(queued.exists(), "recording a child queues the analytics refresh")
    # The refresh waits KAMPUNGKB_SUMMARY_REFRESH_DELAY seconds so that a posyandu day's changes
    # share one rebuild (smoke_test.sh sets a few seconds, a server's default is 120).
    from django.conf import settings
    from django.utils import timezone

    delay = settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY
    if delay > 0:
        deferred = queued.filter(run_after__gt=timezone.now()).exists()
        check(deferred, f"the refresh is deferred by {delay} s, not run at once")
    deadline = time.monotonic() + WORKER_SECONDS
    while time.monotonic() < deadline:
        statuses = set(queued.values_list("status", flat=True))
        if statuses == {"SUCCESSFUL"}:
            break
        if "FAILED" in statuses:
            raise Failed("the worker ran the refresh and it failed")
        time.sleep(0.5)
    check(statuses == {"SUCCESSFUL"}, "the worker ran it", ", ".join(sorted(statuses)))


def main(argv: list[str]) -> int:
    base, username = argv[1], argv[2]
    try:
        pages(Client(base), username, os.environ["SMOKE_PASSWORD"])
        worker()
    except Failed as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
