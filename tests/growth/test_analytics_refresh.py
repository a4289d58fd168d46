"""Imports and recomputes queue an analytics refresh on commit, like single edits do."""

from kampungkb.analytics.models import SummaryState


def test_an_import_and_a_recompute_refresh_the_summaries(
    users, eppgbm, django_capture_on_commit_callbacks
):
    from kampungkb.growth.importing.commit import measurements_import
    from kampungkb.growth.kbm.recompute import measurements_recompute_all

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row()]))
    assert len(callbacks) == 1
    assert SummaryState.objects.get().n_measurements == 1
    SummaryState.objects.all().delete()
    # Nothing changed: no rewrite, no refresh.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measurements_recompute_all()
    assert callbacks == []
    # A rule change rewrites rows and refreshes.
    from kampungkb.growth.models import Measurement

    Measurement.objects.update(kbm_table=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measurements_recompute_all()
    assert len(callbacks) == 1
    assert SummaryState.objects.exists()
