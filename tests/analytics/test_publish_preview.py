"""Issue 12 item 9: "Awal periode" was free text, a valid date gave "Tidak ada pengukuran pada
periode ini", and one click published with no confirmation.

The period is now chosen with two date pickers, any dates of one period; a preview shows
exactly the tables that become public, each hidden figure marked with why, and what differs
from the version on the public site; only a POST carrying the preview's confirmation
publishes, and only if the figures are still those previewed.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kampungkb.analytics.models import Publication
from kampungkb.analytics.publication import public_tables
from kampungkb.analytics.publishing import publication_period_resolve
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, PADANG

AUG = datetime.date(2025, 8, 1)
KELUBI = "19.06.01.2004"
GANTUNG_DESA = "19.06.02.2001"
PERIOD = {"period_type": "penimbangan", "period_start": "2025-08-10", "period_end": "2025-08-20"}


@pytest.fixture
def measured(data):
    """As in test_publication: Kurnia Jaya 10 measured, 3 stunted (shown); Lalang Jaya 9
    measured, Padang 2 stunted, Kelubi 5 measured, Batu Penyu 2 stunted (hidden: small);
    Gantung desa 15 measured, 5 stunted (hidden so that Batu Penyu's cannot be worked out)."""
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    data.many(LALANG_JAYA, "2025-08-10", n=9, cases=4)
    data.many(PADANG, "2025-08-10", n=12, cases=2)
    data.many(KELUBI, "2025-08-10", n=5, cases=0)
    data.many(BATU_PENYU, "2025-08-10", n=20, cases=2)
    data.many(GANTUNG_DESA, "2025-08-10", n=15, cases=5)
    summaries_rebuild()
    return data


@pytest.fixture
def admin(client, users):
    client.force_login(users["admin"])
    return client


def _preview(client, **changes):
    return client.get(reverse("analytics:publication_preview"), {**PERIOD, **changes})


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.values())


def test_the_publish_form_has_date_pickers(admin):
    html = admin.get(reverse("analytics:publications")).content.decode()
    form = html.split('data-testid="publish-form"')[1].split("</form>")[0]
    assert 'method="get"' in html.split('data-testid="publish-form"')[0].rsplit("<form", 1)[1]
    assert form.count('type="date"') == 2
    assert 'name="period_start"' in form and 'name="period_end"' in form


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-08-10", "2025-08-20"), ("2025-08-01", "2025-08-31"), ("15/08/2025", "31/08/2025")],
)
def test_any_dates_of_a_period_with_measurements_give_its_preview(admin, measured, start, end):
    response = _preview(admin, period_start=start, period_end=end)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tidak ada pengukuran" not in html
    assert response.context["preview"].period_start == AUG
    assert "1 Agustus 2025 – 31 Agustus 2025" in html


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"period_start": "2025-08-20", "period_end": "2025-08-10"}, "tidak boleh sebelum awal"),
        ({"period_start": "2025-08-20", "period_end": "2025-09-05"}, "harus dalam bulan yang sama"),
        ({"period_start": "2025-07-01", "period_end": "2025-07-31"}, "Februari atau Agustus"),
        ({"period_start": "2099-08-01", "period_end": "2099-08-02"}, "masa depan"),
        ({"period_start": "bukan tanggal", "period_end": ""}, "tanggal"),
        (
            {"period_type": "month", "period_start": "2025-03-01", "period_end": "2025-03-31"},
            "Tidak ada pengukuran pada periode ini",
        ),
    ],
)
def test_a_wrong_period_is_refused_with_the_reason(admin, measured, changes, error):
    response = _preview(admin, **changes)
    assert response.status_code == 400
    assert error in _errors(response), _errors(response)
    assert not Publication.objects.exists()


def test_the_preview_shows_what_becomes_public_and_publishes_nothing(admin, measured):
    response = _preview(admin)
    assert not Publication.objects.exists()  # a GET never publishes
    html = response.content.decode()
    desa = html.split('data-testid="public-desa"')[1].split("</table>")[0]
    rows = {r.split("<td>")[1].split("<")[0]: r for r in desa.split('data-testid="public-row"')[1:]}
    stunting = {name: "<td".join(r.split("<td")[:5]) for name, r in rows.items()}  # 4 cells
    assert ">10<" in stunting["Kurnia Jaya"] and ">30,0" in stunting["Kurnia Jaya"]
    assert "hidden-" not in stunting["Kurnia Jaya"]
    assert 'data-testid="hidden-small"' in stunting["Padang"]
    # Gantung desa (15 measured, 5 stunted) is hidden only so that Batu Penyu's 2 cannot be
    # worked out from Gantung's total: marked 2, not 1.
    protected = [r for r in stunting.values() if "hidden-secondary" in r]
    assert protected and all("hidden-small" not in r for r in protected)
    legend = html.split('data-testid="preview-legend"')[1].split("</p>")[0]
    assert "sel kecil" in legend and "tidak dapat dihitung" in legend
    assert "preview-diff-none" in html  # never published: everything is new
    # The confirmation publishes the same tables the preview showed.
    token = response.context["confirm"].initial["konfirmasi"]
    confirm = {"period_type": "penimbangan", "period_start": "2025-08-01", "konfirmasi": token}
    assert admin.post(reverse("analytics:publish"), confirm).status_code == 302
    publication = Publication.objects.get()
    shown = {
        section: [(r.kode, r.stunting) for r in rows]
        for section, rows in response.context["preview"].tables.items()
    }
    assert shown == {
        section: [(r.kode, r.stunting) for r in rows]
        for section, rows in public_tables(publication).items()
    }
    public = Client().get(reverse("analytics_public:version", args=[publication.pk]))
    public_desa = public.content.decode().split('data-testid="public-desa"')[1].split("</table>")[0]
    strip = desa.replace(' suppressed"', '"')
    assert public_desa.count('data-testid="public-row"') == strip.count('data-testid="public-row"')


def test_a_post_without_the_preview_confirmation_publishes_nothing(admin, measured):
    period = {"period_type": "penimbangan", "period_start": "2025-08-01"}
    response = admin.post(reverse("analytics:publish"), period)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("analytics:publication_preview"))
    assert not Publication.objects.exists()
    assert admin.get(reverse("analytics:publish")).status_code == 405


def test_figures_changed_since_the_preview_are_not_published(admin, measured):
    token = _preview(admin).context["confirm"].initial["konfirmasi"]
    measured.many(KURNIA_JAYA, "2025-08-20", n=5, cases=5)  # an import meanwhile
    summaries_rebuild()
    confirm = {"period_type": "penimbangan", "period_start": "2025-08-01", "konfirmasi": token}
    response = admin.post(reverse("analytics:publish"), confirm, follow=True)
    assert not Publication.objects.exists()
    assert "Angka telah berubah sejak pratinjau" in response.content.decode()
    assert "preview" in response.context  # back on the (new) preview


def test_the_preview_lists_the_difference_from_the_public_version(admin, measured, users):
    publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)
    # A correction: Kurnia Jaya 15 measured, 8 stunted.
    measured.many(KURNIA_JAYA, "2025-08-20", n=5, cases=5)
    measured.many(LALANG_JAYA, "2025-08-20", n=3, cases=0)  # 12 measured, 4 cases: shown now
    summaries_rebuild()
    response = _preview(admin)
    preview = response.context["preview"]
    assert preview.version == 2 and preview.previous.version == 1
    kinds = {(d.nama, d.indicator): d for d in preview.diff}
    changed = kinds[("Kurnia Jaya", "Stunting")]
    assert changed.kind == "changed"
    assert (changed.old.n, changed.new.n, changed.old.cases, changed.new.cases) == (10, 15, 3, 8)
    html = response.content.decode()
    table = html.split('data-testid="preview-diff"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr")[1:] if "Kurnia Jaya" in r and "Stunting" in r)
    assert '<span class="diff-old">10</span> → 15' in row
    assert '<span class="diff-old">30,0</span> → 53,3' in row
    # What version 1 hid stays hidden: Lalang Jaya is not shown though now large enough.
    lalang = kinds.get(("Lalang Jaya", "Stunting"))
    assert lalang is None or lalang.kind != "newly_shown"
    assert Publication.objects.count() == 1


def test_the_period_of_two_dates_is_resolved_without_a_database():
    today = datetime.date(2026, 11, 29)
    resolve = publication_period_resolve
    assert resolve(
        period_type="year",
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 12, 1),
        today=today,
    ) == datetime.date(2025, 1, 1)
    assert resolve(
        period_type="month",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 3),
        today=today,
    ) == datetime.date(2026, 11, 1)


def test_only_the_admin_kabupaten_sees_the_preview(client, users, measured):
    for role in ("kecamatan", "desa", "mitra", "viewer"):
        client.force_login(users[role])
        assert _preview(client).status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"period_type": "month", "period_start": "9999-12-01", "konfirmasi": "x"},
        {"period_type": "nope", "period_start": "2025-08-01", "konfirmasi": "x"},
        {"period_type": "year", "period_start": "0001-01-01", "konfirmasi": "x" * 64},
    ],
)
def test_a_hostile_confirmation_is_refused_without_an_error(admin, data):
    response = admin.post(reverse("analytics:publish"), data)
    assert response.status_code == 302
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"period_type": "month", "period_start": "9999-12-01", "period_end": "9999-12-31"},
        {"period_type": "year", "period_start": "0001-01-01", "period_end": "0001-12-31"},
        {"period_type": "month", "period_start": "2025-02-30", "period_end": "x" * 300},
    ],
)
def test_a_hostile_preview_query_is_a_form_error(admin, query):
    assert admin.get(reverse("analytics:publication_preview"), query).status_code == 400
