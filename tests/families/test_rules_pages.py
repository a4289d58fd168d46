"""The KRS rule sets page: read by everyone, changed as a new version by whoever manages the
installation, audited as a diff, followed by a background recompute of every round."""

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.families.krs import default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import FamilySurvey, KrsRecomputeRun, KrsRuleSet, Relation
from kampungkb.families.rules.forms import KrsRuleSetForm
from kampungkb.families.rules.services import rules_diff
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("families:rules")


def _default():
    return KrsRuleSet.objects.get(is_default=True)


def _form_data(rule_set, **changes):
    form = KrsRuleSetForm(rule_set=rule_set)
    data = {}
    for name, value in form.initial.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _young_family():
    return factories.family_row(
        members=[
            {"hubungan": Relation.HEAD, "jenis_kelamin": "L", "status_kawin": 2,
             "tanggal_lahir": "1990-02-01"},
            {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": "2006-01-01"},
        ]
    )  # fmt: skip


def test_every_role_reads_the_rule_in_indonesian_sentences(client, users):
    client.force_login(users["viewer"])
    page = client.get(LIST).content.decode()
    assert _default().nama in page and "/ubah/" not in page
    detail = client.get(reverse("families:rule_detail", args=[_default().pk])).content.decode()
    assert "Istri terlalu muda (&lt;20 th)" in detail
    assert "Istri terlalu tua (35–40 th)" in detail
    assert "Air minum tidak layak" in detail and "Ledeng/PAM" in detail
    assert "kurang dari 24 bulan" in detail


def test_the_installation_manager_saves_a_new_version_which_relabels_every_round(
    client, users, django_capture_on_commit_callbacks
):
    survey = _young_family()  # wife 19 at the survey: terlalu muda
    labels_compute()
    assert FamilySurvey.objects.get(pk=survey.pk).is_krs
    old = _default()
    client.force_login(users["admin"])
    url = reverse("families:rule_edit", args=[old.pk])
    assert client.get(url).status_code == 200
    data = _form_data(old, muda_under_years=18, nama="Aturan KRS 2026")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    new = _default()
    assert new.pk != old.pk and new.nama == "Aturan KRS 2026"
    assert new.rules["factors"]["muda"]["under_years"] == 18
    assert KrsRuleSet.objects.filter(pk=old.pk, is_default=False).exists()  # kept
    relabelled = FamilySurvey.objects.get(pk=survey.pk)
    assert not relabelled.is_krs and relabelled.rule_set == new
    run = KrsRecomputeRun.objects.get()
    assert (run.status, run.rows, run.done, run.total, run.rule_set) == ("done", 1, 1, 1, new)
    assert run.requested_by == users["admin"] and run.seconds is not None
    entry = AuditEntry.objects.get(object_type="families.krsruleset")
    assert entry.changes["factors.muda.under_years"] == [20, 18]
    assert entry.changes["default_rule_set"] == [old.kode, new.kode]
    assert entry.actor == users["admin"]
    page = client.get(LIST).content.decode()
    assert 'data-testid="krs-recompute-run"' in page and 'hx-trigger="every 2s"' not in page


def test_a_running_recompute_is_followed_with_its_progress(client, users):
    KrsRecomputeRun.objects.create(reason="uji", started_at="2026-01-01T00:00Z", done=5, total=20)
    KrsRecomputeRun.objects.filter(reason="uji").update(requested_at="2099-01-01T00:00Z")
    client.force_login(users["desa"])
    page = client.get(LIST).content.decode()
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(LIST, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="krs-recompute-runs"') and "<html" not in partial
    assert '<progress value="5" max="20">' in partial


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tua_from_years": 45, "tua_to_years": 40}, "tua_to_years", "batas bawah"),
        ({"pus_age_from": 49, "pus_age_to": 15}, "pus_age_to", "batas bawah"),
        ({"banyak_over_births": -1}, "banyak_over_births", "lebih besar dari atau sama dengan 0"),
        ({"muda_under_years": "dua puluh"}, "muda_under_years", "angka bilangan"),
        ({"air_codes": "99"}, "air_codes", "pilihan yang valid"),
    ],
)
def test_a_bad_threshold_is_refused_beside_its_field_in_indonesian(
    client, users, changes, field, message
):
    client.force_login(users["admin"])
    old = _default()
    response = client.post(reverse("families:rule_edit", args=[old.pk]), _form_data(old, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert _default() == old and not KrsRecomputeRun.objects.exists()


def test_saving_an_unchanged_rule_is_refused(client, users):
    client.force_login(users["admin"])
    old = _default()
    response = client.post(reverse("families:rule_edit", args=[old.pk]), _form_data(old))
    assert response.status_code == 400
    assert "Tidak ada yang berubah" in response.content.decode()


@pytest.mark.parametrize("role", ["kecamatan", "desa", "mitra", "viewer"])
def test_other_roles_may_not_change_the_rule(client, users, role):
    client.force_login(users[role])
    old = _default()
    url = reverse("families:rule_edit", args=[old.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(old, muda_under_years=18)).status_code == 403
    assert _default() == old


def test_the_diff_lists_each_changed_threshold():
    after = default_rules()
    after["factors"]["air"]["proper_codes"] = [1, 2]
    after["factors"]["dekat"]["enabled"] = False
    assert rules_diff(default_rules(), after) == {
        "factors.air.proper_codes": [[1, 2, 3, 4], [1, 2]],
        "factors.dekat.enabled": [True, False],
    }
