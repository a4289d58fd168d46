"""The maturity rule sets page: everyone reads them; whoever manages the installation
adjusts thresholds, weights and ends, checked, audited and used by the next evaluation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampungkb.convergence.models import Evaluation, IndicatorDefinition, RuleSet
from kampungkb.convergence.review.rule_sets import RuleSetForm, rule_set_update
from kampungkb.convergence.review.services import evaluation_run, indicator_values_save
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import Wilayah


@pytest.fixture
def rule_set(ref):
    return RuleSet.objects.get(kode="kkb-2025")


def _post_data(rule_set, **changes):
    """The form as the page fills it, with ``changes`` (field name → value) on top."""
    form = RuleSetForm(rule_set=rule_set)
    data = {name: form.initial[name] for name in form.fields}
    return {**data, **changes}


@pytest.mark.parametrize("role", ["admin", "kecamatan", "desa", "mitra", "viewer"])
def test_every_role_reads_the_rule_sets_with_their_indicators(client, users, rule_set, role):
    client.force_login(users[role])
    listing = client.get(reverse("convergence:rule_set_list")).content.decode()
    assert listing.count('data-testid="rule-set"') == 2
    page = client.get(reverse("convergence:rule_set_detail", args=[rule_set.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    n_indicators = sum(len(rule_set.rules[g]["indicators"]) for g in ("management", "contribution"))
    assert html.count('data-testid="rule-indicator"') == n_indicators
    assert "lebih rendah lebih baik" in html  # prevalence: best 3 below worst 20
    assert ">Bobot</th>" in html  # the weight of an indicator, not a child's weight (Berat)
    assert ("Simpan aturan" in html) is (role == "admin")


@pytest.mark.parametrize("role", ["kecamatan", "desa", "mitra", "viewer"])
def test_other_roles_may_not_change_a_rule_set(client, users, rule_set, role):
    client.force_login(users[role])
    url = reverse("convergence:rule_set_detail", args=[rule_set.pk])
    assert (
        client.post(url, _post_data(rule_set, **{"contribution-threshold": 10})).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        rule_set_update(user=users[role], rule_set=rule_set, rules=rule_set.rules)
    rule_set.refresh_from_db()
    assert rule_set.rules["contribution"]["threshold"] == 70


def test_the_admin_changes_a_threshold_and_a_weight_audited_and_used_by_the_next_evaluation(
    client, users, kampungs, rule_set
):
    kampung = kampungs["own"]
    values = {
        d.kode: 100.0 if d.satuan == "%" else 12.0
        for d in IndicatorDefinition.objects.filter(computed=False)
    }
    indicator_values_save(user=users["desa"], kampung=kampung, tahun=2025, values=values)
    before = evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])[0]
    client.force_login(users["admin"])

    response = client.post(
        reverse("convergence:rule_set_detail", args=[rule_set.pk]),
        _post_data(
            rule_set,
            **{
                "contribution-threshold": "0",
                "contribution-sys_prevalensi-weight": "5",
                "missing": "skip",
                "min_coverage": "0",
            },
        ),
    )

    assert response.status_code == 302
    rule_set.refresh_from_db()
    assert rule_set.rules["contribution"]["threshold"] == 0
    assert rule_set.rules["contribution"]["indicators"]["sys_prevalensi"]["weight"] == 5
    assert rule_set.rules["management"]["threshold"] == 65  # untouched, still an int
    entry = AuditEntry.objects.get(object_type="convergence.ruleset")
    assert entry.changes == {
        "contribution.sys_prevalensi.weight": [4, 5],
        "contribution.threshold": [70, 0],
        "min_coverage": [0.5, 0.0],
        "missing": ["zero", "skip"],
    }
    after = evaluation_run(user=users["admin"], tahun=2025, kampungs=[kampung])[0]
    # Missing system figures left out, and a contribution threshold of 0: the village's
    # best-valued management indicators make it berkelanjutan.
    assert (before.tingkat, after.tingkat) == ("", "berkelanjutan")
    assert Evaluation.objects.filter(pk=before.pk).exists()  # earlier runs are kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("management-threshold", "120", "lebih kecil dari atau sama dengan 100"),
        ("contribution-sys_prevalensi-weight", "0", "Bobot harus lebih dari 0"),
        ("contribution-sys_prevalensi-best", "20", "Nilai terbaik harus berbeda"),
        ("min_coverage", "1.5", "lebih kecil dari atau sama dengan 1"),
        ("management-threshold", "banyak", "Masukkan sebuah bilangan"),
    ],
)
def test_bad_values_are_refused_in_indonesian_and_nothing_is_saved(
    client, users, rule_set, field, value, message
):
    client.force_login(users["admin"])
    response = client.post(
        reverse("convergence:rule_set_detail", args=[rule_set.pk]),
        _post_data(rule_set, **{field: value}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RuleSet.objects.get(pk=rule_set.pk).rules == rule_set.rules
    assert not AuditEntry.objects.filter(object_type="convergence.ruleset").exists()


def test_rules_the_engine_refuses_are_not_stored(users, rule_set):
    broken = {**rule_set.rules, "missing": "sometimes"}
    with pytest.raises(ValidationError):
        rule_set_update(user=users["admin"], rule_set=rule_set, rules=broken)


def test_an_installation_serving_several_kabupaten_leaves_the_rules_to_its_administrator(
    client, users, rule_set
):
    Wilayah.objects.create(kode="19.01", nama="Bangka", level="kabupaten", parent_id="19")
    client.force_login(users["admin"])
    html = client.get(reverse("convergence:rule_set_detail", args=[rule_set.pk])).content.decode()
    assert "Simpan aturan" not in html
    assert 'data-testid="threshold-contribution"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contribution-sys_prevalensi-weight", "1e308"),
        ("contribution-sys_prevalensi-worst", "-1.7e308"),
        ("contribution-sys_prevalensi-best", "1e7"),
    ],
)
def test_numbers_too_large_to_score_are_refused(client, users, rule_set, field, value):
    """A weight of 1e308 on every indicator would make the sum of weights infinite and every
    later evaluation fail; the form keeps weights to 1,000 and ends to a million."""
    client.force_login(users["admin"])
    response = client.post(
        reverse("convergence:rule_set_detail", args=[rule_set.pk]),
        _post_data(rule_set, **{field: value}),
    )
    assert response.status_code == 200
    assert "lebih kecil dari atau sama dengan" in response.content.decode() or (
        "lebih besar dari atau sama dengan" in response.content.decode()
    )
    assert RuleSet.objects.get(pk=rule_set.pk).rules == rule_set.rules


def test_the_engine_refuses_weights_whose_sum_is_not_a_number(users, rule_set):
    huge = {**rule_set.rules}
    huge["management"] = {
        **huge["management"],
        "indicators": {
            k: {**v, "weight": 1e308} for k, v in huge["management"]["indicators"].items()
        },
    }
    with pytest.raises(ValidationError):
        rule_set_update(user=users["admin"], rule_set=rule_set, rules=huge)
