"""A posyandu day against a running kampungkb, for locust (started by ``bench/loadtest.py``).

Not run by hand: the runner writes a plan (accounts with their passwords, the session date,
the import file) to the JSON file named in ``KAMPUNGKB_LOADTEST_PLAN`` and reads back what this
file writes: one line per write the server acknowledged (``ack_file``) and the response times
of every request by page kind (``stats_file``).

Users, as the browser sends their requests (cookies, the CSRF token of each form, htmx's
headers, and the headers nginx adds in front of gunicorn: ``X-Forwarded-Proto: https`` and
``X-Forwarded-For``):

- ``KaderUser``: an Operator Desa at a posyandu session. Opens the session, lists the
  posyandu's children not yet measured that day (the search box's first load), opens one
  child's form and saves a weighing; the save's answer carries the refreshed list (as htmx
  swaps it in), so the next child is picked from it without another request. Now and then
  registers a new child and measures it. Values the plausibility rules question are
  confirmed as a kader does ("I have checked, save").
- ``OfficialUser``: a district or sub-district official opening the dashboards (area pages,
  trend and map specs, priority ranking) and the exports (area and priority xlsx, the
  measurements export of one desa).
- ``ImporterUser``: one e-PPGBM file uploaded, previewed and saved, once per run.
- ``ReferenceUser``: the same-run reference, a static file and the login page through the same
  gunicorn, at a slow pace.

Request names start with their kind (``entry:``, ``dashboard:``, ``export:``, ``import:``,
``login:``, ``reference:``); the runner reports percentiles per kind.
"""

from __future__ import annotations

import datetime
import html
import itertools
import json
import os
import random
import re
import time
from decimal import Decimal
from urllib.parse import urlsplit

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["KAMPUNGKB_LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SESSION_DATE = datetime.date.fromisoformat(PLAN["session_date"])
_kaders = itertools.cycle(PLAN["kaders"])
_officials = itertools.cycle(PLAN["officials"])
_addresses = itertools.count(1)
#: Children already taken by a kader of this run (one session date): two kaders never weigh one
#: child on the same day (the second weighing would be a correction, not a new write).
_claimed: set[int] = set()
_registered = itertools.count(1)
_ack_file = open(PLAN["ack_file"], "a", encoding="utf-8")  # noqa: SIM115  (open for the run)

# --- what the runner reads back ----------------------------------------------------------------

_times: dict[str, list[float]] = {}
# When each request of ``_times`` started (seconds since the epoch), in the same order: the
# report judges the steady state, once every user has started (logged in), apart.
_starts: dict[str, list[float]] = {}
_failures: dict[str, int] = {}
_errors: list[str] = []
_window: dict[str, float] = {}


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception=None, **kw):
    kind = name.split(":", 1)[0]
    _times.setdefault(kind, []).append(response_time)
    _starts.setdefault(kind, []).append(time.time() - response_time / 1000)
    if exception is not None:
        _failures[kind] = _failures.get(kind, 0) + 1
        if len(_errors) < 50:
            _errors.append(f"{request_type} {name}: {exception}"[:500])


@events.test_start.add_listener
def _on_start(**kw):
    _window["start"] = time.time()


@events.spawning_complete.add_listener
def _on_spawned(**kw):
    # Every user has started: logged in (a password hash each, ~0.3 s of a core: 60 users
    # started in 15 s keep the server busy with nothing else) and opened its first page.
    _window.setdefault("spawned", time.time())


@events.test_stop.add_listener
def _on_stop(**kw):
    _window["stop"] = time.time()


@events.quitting.add_listener
def _on_quit(**kw):
    _ack_file.close()
    stats = {
        "window": _window,
        "times": _times,
        "starts": _starts,
        "failures": _failures,
        "errors": _errors,
    }
    with open(PLAN["stats_file"], "w", encoding="utf-8") as fh:
        json.dump(stats, fh)


def acknowledge(**write) -> None:
    """Record a write the server confirmed (and when); flushed at once, so a crash loses
    none."""
    _ack_file.write(json.dumps(write | {"at": time.time()}) + "\n")
    _ack_file.flush()


# --- a browser's view of a page ------------------------------------------------------------


# The tags a form's fields are made of, and their attributes (the server's own HTML: quoted
# attribute values, no markup inside a tag). A scan with two regular expressions costs the
# load generator a fraction of what html.parser's tokenizer does on the same page, and the
# load generator shares the machine's cores with the server it measures.
_TAG = re.compile(r"<(/?)(form|input|select|option|textarea)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\'>]+)))?')


def _attrs(text: str) -> dict[str, str | None]:
    out = {}
    for found in _ATTR.finditer(text):
        name, double, single, bare = found.groups()
        value = next((v for v in (double, single, bare) if v is not None), None)
        # An attribute without a value (``checked``) is present with None, as html.parser has it.
        out[name.lower()] = None if value is None else html.unescape(value)
    return out


class _Form:
    """The fields of the first form on a page, as a browser would submit it unchanged."""

    def __init__(self, page: str):
        self.fields: dict[str, str] = {}
        self.action: str | None = None
        select = first_option = textarea = None
        textarea_start = 0
        in_form = False
        for found in _TAG.finditer(page):
            closing, tag, rest = found.group(1), found.group(2).lower(), found.group(3)
            if closing:
                if tag == "select" and select:
                    self.fields.setdefault(select, first_option or "")
                    select = None
                elif tag == "textarea" and textarea:
                    # The text between the tags (the server escapes it).
                    self.fields[textarea] = html.unescape(page[textarea_start : found.start()])
                    textarea = None
                elif tag == "form" and in_form:
                    return
                continue
            a = _attrs(rest)
            if tag == "form":
                in_form, self.action = True, a.get("action")
            if not in_form:
                continue
            name = a.get("name")
            if tag == "input" and name:
                kind = (a.get("type") or "text").lower()
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self.fields[name] = a.get("value") or "on"
                elif kind not in ("submit", "button", "file"):
                    self.fields[name] = a.get("value") or ""
            elif tag == "select" and name:
                select, first_option = name, None
            elif tag == "option" and select:
                value = a.get("value") or ""
                if first_option is None:
                    first_option = value
                if "selected" in a:
                    self.fields[select] = value
            elif tag == "textarea" and name:
                textarea, textarea_start = name, found.end()
                self.fields[name] = ""


def form_of(page: str) -> _Form:
    return _Form(page)


class BrowserUser(FastHttpUser):
    """Requests as a browser behind nginx sends them (geventhttpclient, not requests: the load
    generator runs on the cores it measures and should take as little of them as it can)."""

    abstract = True

    def __init__(self, environment):
        n = next(_addresses)
        # Sent with every request (the client's default headers are fixed when it is made).
        self.default_headers = {
            "X-Forwarded-Proto": "https",
            # One address per user, as phones on different networks.
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            "Accept-Language": "id",
        }
        super().__init__(environment)

    def on_start(self):
        origin = urlsplit(self.host)
        self.origin = f"https://{origin.netloc}"

    def _keep_cookies(self):
        # The cookies are Secure (the server believes it is behind HTTPS); nginx would carry
        # them, the client would not send them over the loopback's plain HTTP.
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def get(self, path, name, *, htmx=None, page=None, **kw):
        headers = kw.pop("headers", {})
        if htmx:
            headers |= {
                "HX-Request": "true",
                "HX-Current-URL": self.origin + (page or path),
                "HX-Target": htmx,
            }
        response = self.client.get(path, name=name, headers=headers, **kw)
        self._keep_cookies()
        return response

    def post(self, path, name, data, *, htmx=None, page=None, **kw):
        headers = kw.pop("headers", {}) | {
            "Origin": self.origin,
            "Referer": self.origin + (page or path),
        }
        if htmx:
            headers |= {
                "HX-Request": "true",
                "HX-Current-URL": self.origin + (page or path),
                "HX-Target": htmx,
            }
        response = self.client.post(path, name=name, data=data, headers=headers, **kw)
        self._keep_cookies()
        return response

    def login(self, username: str, password: str) -> bool:
        page = self.get("/akun/masuk/", "login: page")
        fields = form_of(page.text).fields
        fields |= {"username": username, "password": password}
        with self.client.request(
            "POST",
            "/akun/masuk/",
            name="login: submit",
            data=fields,
            headers={"Origin": self.origin, "Referer": self.origin + "/akun/masuk/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {username}: {response.status_code}")
                return False
        self._keep_cookies()
        return True


# --- the kader at a posyandu session -------------------------------------------------------

_MEASURE = re.compile(r'hx-get="(/pertumbuhan/sesi/(\d+)/[\d-]+/ukur/(\d+)/)"')


def _months(born: datetime.date, day: datetime.date) -> float:
    return (day - born).days / 30.4375


def measurement_values(hint, day: datetime.date, rng: random.Random) -> dict[str, str]:
    """What the scale and the length board show: a little more than last time (``hint``:
    birth date, sex, last weight, last length as lying length), or a typical child of the age
    when the child has no weighing yet."""
    born = datetime.date.fromisoformat(hint[0])
    months = _months(born, day)
    weight, lying = hint[2], hint[3]
    if weight is None:
        weight = 3.3 + 0.55 * min(months, 12) + 0.2 * max(months - 12, 0)
    else:
        weight += rng.uniform(0.0, 0.3)
    if lying is None:
        lying = 50 + 2.0 * min(months, 12) + 0.85 * max(months - 12, 0)
    else:
        lying += rng.uniform(0.0, 0.8)
    standing = (day - born).days >= 731
    height = lying - 0.7 if standing else lying
    return {
        "berat": f"{Decimal(weight).quantize(Decimal('0.01'))}".replace(".", ","),
        "tinggi": f"{Decimal(height).quantize(Decimal('0.1'))}".replace(".", ","),
        "cara_ukur": "TB" if standing else "PB",
    }


class KaderUser(BrowserUser):
    weight = PLAN["weights"]["kader"]  # the runner's share of kaders among the users
    # Seconds between two steps of a kader (the runner's --kader-wait): the next child steps
    # on the scale while the page answers.
    wait_time = between(*PLAN["kader_wait"])

    def on_start(self):
        super().on_start()
        self.account = next(_kaders)
        self.rng = random.Random()
        self.day = SESSION_DATE.isoformat()
        self.posyandu = list(self.account["posyandu"])
        self.rng.shuffle(self.posyandu)
        self.listed = None
        self.ready = self.login(self.account["username"], self.account["password"])
        if self.ready:
            self.open_session()

    def open_session(self):
        self.session_url = f"/pertumbuhan/sesi/{self.posyandu[0]}/{self.day}/"
        #: The children still to weigh, as the last save's answer listed them (None: ask).
        self.listed = None
        self.get(
            f"/pertumbuhan/sesi/?posyandu={self.posyandu[0]}&tanggal={self.day}",
            "entry: session start",
        )

    def _next_child(self):
        listed, self.listed = self.listed, None
        if listed is None:
            search = self.session_url + "cari/?q="
            listed = self.get(
                search, "entry: children list", htmx="search-results", page=self.session_url
            ).text
        # After a save the answer carried the list (as the browser shows it): no request.
        for path, _pos, child in _MEASURE.findall(listed):
            if int(child) not in _claimed:
                _claimed.add(int(child))
                return path, int(child)
        return None, None

    @task(10)
    def weigh_a_child(self):
        if not self.ready:
            return
        path, child = self._next_child()
        if path is None:  # every child of this posyandu was weighed today: the next one
            self.posyandu = self.posyandu[1:] + self.posyandu[:1]
            self.open_session()
            return
        hint = PLAN["hints"].get(str(child))
        if hint is None:
            return
        self.measure(path, child, measurement_values(hint, SESSION_DATE, self.rng))

    @task(1)
    def register_a_child(self):
        if not self.ready:
            return
        url = self.session_url + "anak-baru/"
        page = self.get(url, "entry: register form", htmx="entry", page=self.session_url)
        fields = form_of(page.text).fields
        n = next(_registered)
        born = SESSION_DATE - datetime.timedelta(days=self.rng.randint(30, 1700))
        name = f"Anak Beban {PLAN['run']} {n}"
        fields |= {
            "nama": name,
            "jenis_kelamin": self.rng.choice("LP"),
            "tanggal_lahir": born.isoformat(),
            "nama_ibu": f"Ibu Beban {PLAN['run']} {n}",
        }
        with self.client.post(
            url,
            name="entry: register submit",
            data=fields,
            headers={
                "Origin": self.origin,
                "Referer": self.origin + self.session_url,
                "HX-Request": "true",
                "HX-Current-URL": self.origin + self.session_url,
                "HX-Target": "entry",
            },
            catch_response=True,
        ) as response:
            self._keep_cookies()
            action = re.search(
                r'hx-post="(/pertumbuhan/sesi/\d+/[\d-]+/ukur/(\d+)/)"', response.text
            )
            if response.status_code != 200 or action is None:
                response.failure(f"register: {response.status_code}")
                return
        child = int(action.group(2))
        _claimed.add(child)
        acknowledge(kind="child", nama=name, id=child)
        hint = [born.isoformat(), fields["jenis_kelamin"], None, None]
        self.measure(
            action.group(1),
            child,
            measurement_values(hint, SESSION_DATE, self.rng),
            page=response.text,
        )

    def measure(self, path, child, values, page=None):
        if page is None:
            page = self.get(path, "entry: measure form", htmx="entry", page=self.session_url).text
        fields = form_of(page).fields | values
        for attempt in ("entry: measure submit", "entry: measure confirm"):
            with self.post(
                path, attempt, fields, htmx="entry", page=self.session_url, catch_response=True
            ) as response:
                if response.status_code == 200 and 'data-testid="result"' in response.text:
                    # The answer lists the children still to weigh (htmx swaps it in).
                    self.listed = response.text if 'id="search-results"' in response.text else None
                    acknowledge(
                        kind="measurement",
                        child=child,
                        tanggal=SESSION_DATE.isoformat(),
                        berat=values["berat"].replace(",", "."),
                        confirmed=attempt.endswith("confirm"),
                    )
                    return
                if response.status_code == 400 and 'data-testid="confirm-check"' in response.text:
                    response.success()  # the rules asked the kader to check: they confirm
                    fields = form_of(response.text).fields | values | {"confirm": "1"}
                    continue
                response.failure(f"measure child {child}: {response.status_code}")
                return


# --- officials ------------------------------------------------------------------------------


class OfficialUser(BrowserUser):
    weight = PLAN["weights"]["official"]
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.account = next(_officials)
        self.ready = self.login(self.account["username"], self.account["password"])

    def _area(self):
        return random.choice(self.account["areas"])

    @task(4)
    def dashboard(self):
        if not self.ready:
            return
        self.get("/analisis/", "dashboard: analysis home")
        kode = self._area()
        self.get(f"/analisis/w/{kode}/", "dashboard: area page")
        self.get(f"/analisis/w/{kode}/tren.json", "dashboard: trend spec")
        self.get(f"/analisis/w/{kode}/peta.json", "dashboard: map spec")

    @task(2)
    def priority(self):
        if not self.ready:
            return
        kode = self.account["ranking"]
        self.get(f"/analisis/prioritas/{kode}/", "dashboard: priority page")
        self.get(f"/analisis/prioritas/{kode}/skor.json", "dashboard: priority spec")

    @task(1)
    def area_export(self):
        if not self.ready:
            return
        self.get(f"/analisis/w/{self._area()}/unduh.xlsx", "export: area xlsx")

    @task(1)
    def priority_export(self):
        if not self.ready:
            return
        self.get(
            f"/analisis/prioritas/{self.account['ranking']}/aksi1.xlsx", "export: priority xlsx"
        )

    @task(1)
    def measurements_export(self):
        if not self.ready or not self.account.get("export_desa"):
            return
        url = "/pertumbuhan/impor/ekspor/"
        fields = form_of(self.get(url, "export: measurements form").text).fields
        fields |= {
            "desa": random.choice(self.account["export_desa"]),
            "date_from": (SESSION_DATE - datetime.timedelta(days=92)).isoformat(),
            "date_to": SESSION_DATE.isoformat(),
        }
        # A small export is handed out at once; a big one is a background job (a redirect).
        self.post(url, "export: measurements xlsx", fields)


# --- one import -----------------------------------------------------------------------------


class ImporterUser(BrowserUser):
    fixed_count = 1
    wait_time = between(1, 2)

    def on_start(self):
        super().on_start()
        self.account = PLAN.get("importer")
        self.done = self.account is None
        if not self.done:
            self.done = not self.login(self.account["username"], self.account["password"])

    @task
    def import_file(self):
        # During the day, among the kader's work: not while the users are still starting
        # (the report's steady state begins once they all have).
        if self.done or "spawned" not in _window:
            return
        self.done = True
        url = "/pertumbuhan/impor/"
        fields = form_of(self.get(url, "import: upload form").text).fields
        path = self.account["file"]
        with open(path, "rb") as fh:
            content = fh.read()
        with self.client.post(
            url,
            name="import: upload",
            data=fields,
            files={"file": (os.path.basename(path), content, "text/csv")},
            headers={"Origin": self.origin, "Referer": self.origin + url},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies()
            if response.status_code != 302:
                response.failure(f"upload: {response.status_code}")
                return
            preview = response.headers["Location"]
        page = self.get(preview, "import: preview")
        form = re.search(r'<form[^>]+action="([^"]+/simpan/)"', page.text)
        if form is None:
            events.request.fire(
                request_type="GET",
                name="import: preview",
                response_time=0,
                response_length=0,
                exception=Exception("the preview offers no save (rows refused?)"),
            )
            return
        token = form_of(page.text[form.start() :]).fields
        commit = html.unescape(form.group(1))
        with self.client.post(
            commit,
            name="import: commit",
            data=token,
            headers={"Origin": self.origin, "Referer": self.origin + preview},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies()
            location = urlsplit(response.headers.get("Location", "")).path
            result = re.search(r"/impor/hasil/(\d+)/$", location)
            if response.status_code != 302 or result is None:
                response.failure(f"commit: {response.status_code}")
                return
        acknowledge(kind="import", batch=int(result.group(1)), file=path)
        self.get(location, "import: result")


# --- the same-run reference -----------------------------------------------------------------


class ReferenceUser(BrowserUser):
    fixed_count = 1
    wait_time = between(0.5, 1.0)

    def on_start(self):
        super().on_start()
        page = self.client.get("/akun/masuk/", name="reference: login page")
        found = re.search(r'href="(/static/[^"]+\.css)"', page.text)
        self.static = found.group(1) if found else None

    @task
    def reference(self):
        if self.static:
            self.get(self.static, "reference: static file")
        self.get("/akun/masuk/", "reference: login page")
