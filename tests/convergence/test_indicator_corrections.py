"""A Kampung KB's recorded indicators corrected on the entry page: the trail keeps the values
that changed, old and new, not every value of the form again."""

from django.urls import reverse

from kampungkb.convergence.models import IndicatorDefinition
from kampungkb.convergence.review.services import indicator_values_save
from kampungkb.core.models import AuditEntry
from tests import factories
from tests.conftest import KURNIA_JAYA


def _entries(kampung):
    return list(
        AuditEntry.objects.filter(
            object_type="wilayah.kampungkb", object_id=str(kampung.pk), action="update"
        )
        .order_by("id")
        .values_list("changes", flat=True)
    )


def test_a_corrected_indicator_is_in_the_trail_with_its_old_and_new_value(ref):
    kampung = factories.kampung_kb(KURNIA_JAYA)
    operator = factories.operator_desa(KURNIA_JAYA)
    first, second, third = IndicatorDefinition.objects.filter(computed=False).order_by("kode")[:3]
    values = {first.kode: 10.0, second.kode: 20.0, third.kode: None}
    indicator_values_save(user=operator, kampung=kampung, tahun=2025, values=values)
    # The form sends every field again: one value corrected, one cleared, one left empty.
    corrected = {first.kode: 12.0, second.kode: None, third.kode: None}
    assert indicator_values_save(user=operator, kampung=kampung, tahun=2025, values=corrected) == 2
    assert _entries(kampung) == [
        {"indicators": {"tahun": 2025, first.kode: [None, 10.0], second.kode: [None, 20.0]}},
        {"indicators": {"tahun": 2025, first.kode: [10.0, 12.0], second.kode: [20.0, None]}},
    ]


def test_the_entry_page_saved_again_unchanged_writes_no_entry(client, ref):
    kampung = factories.kampung_kb(KURNIA_JAYA)
    operator = factories.operator_desa(KURNIA_JAYA)
    definition = IndicatorDefinition.objects.filter(computed=False).order_by("kode").first()
    indicator_values_save(
        user=operator, kampung=kampung, tahun=2025, values={definition.kode: 10.0}
    )
    client.force_login(operator)
    url = reverse("convergence:indicator_entry", args=[kampung.pk])
    page = client.get(url, {"tahun": 2025})
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"{url}?tahun=2025", data)
    assert response.status_code == 302
    assert len(_entries(kampung)) == 1
