"""A Kampung KB removed or relaunched by a superuser in Django admin moves its desa between the
analytics' Kampung KB and other desa, as the same change made on the Kampung KB page does."""

import datetime
from decimal import Decimal

import pytest

from kampungkb.analytics.models import PrevalenceSummary
from kampungkb.analytics.services import summaries_rebuild
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA, MANGGAR


@pytest.fixture
def root(client, beltim):
    client.force_login(factories.superuser())


def _kampung_kb_children(period_type="year") -> int:
    """Children measured in Manggar's Kampung KB desa this year (the stunting cell's n)."""
    cells = PrevalenceSummary.objects.filter(
        wilayah_kode=MANGGAR, group="kampung_kb", indicator="stunting", period_type=period_type
    )
    return sum(cells.values_list("n", flat=True))


@pytest.fixture
def kampung_with_a_measured_child(beltim, today, django_capture_on_commit_callbacks):
    # The setup's own refreshes run here: a later change of the test must queue its own.
    with django_capture_on_commit_callbacks(execute=True):
        kampung = factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2020, 1, 1))
        child = factories.child(KURNIA_JAYA, tanggal_lahir=today - datetime.timedelta(days=400))
        factories.measurement(
            child, today, berat=Decimal("9"), tinggi=Decimal("75"), cara_ukur="PB"
        )
    summaries_rebuild()
    assert _kampung_kb_children() == 1
    return kampung


def test_a_kampung_kb_deleted_in_the_admin_leaves_the_kampung_kb_figures(
    client, root, kampung_with_a_measured_child, django_capture_on_commit_callbacks
):
    url = f"/admin/wilayah/kampungkb/{kampung_with_a_measured_child.pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert _kampung_kb_children() == 0


def test_kampung_kb_deleted_from_the_admin_list_leave_the_kampung_kb_figures(
    client, root, kampung_with_a_measured_child, django_capture_on_commit_callbacks
):
    data = {
        "action": "delete_selected",
        "_selected_action": [kampung_with_a_measured_child.pk],
        "post": "yes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/admin/wilayah/kampungkb/", data).status_code == 302
    assert _kampung_kb_children() == 0


def _page_as_posted(client, url: str) -> dict:
    """What the admin's change page posts back when nothing on it is changed."""
    from django.forms import MultiWidget

    data = {}
    context = client.get(url).context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for bf in form:
            value = bf.value()
            if isinstance(bf.field.widget, MultiWidget):
                for i, part in enumerate(bf.field.widget.decompress(value)):
                    data[f"{bf.html_name}_{i}"] = "" if part is None else str(part)
            elif value is True:
                data[bf.html_name] = "on"
            elif value is not None and value is not False:  # a count of 0 is posted
                data[bf.html_name] = value
    return data


def test_a_kampung_kb_moved_to_another_desa_in_the_admin_takes_its_figures_along(
    client, root, kampung_with_a_measured_child, django_capture_on_commit_callbacks
):
    url = f"/admin/wilayah/kampungkb/{kampung_with_a_measured_child.pk}/change/"
    data = _page_as_posted(client, url)
    data["desa"] = BATU_PENYU  # in Gantung: Manggar has no Kampung KB desa left
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    kampung_with_a_measured_child.refresh_from_db()
    assert kampung_with_a_measured_child.desa_id == BATU_PENYU
    assert _kampung_kb_children() == 0
