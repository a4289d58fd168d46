"""A TPK write refreshes the TPK summaries once it is committed (the tests run the queued
refresh at once), and many writes in one transaction ask for one refresh, not one each."""

import datetime

import pytest
from django.db import transaction

from kampungkb.analytics.models import TpkSummary
from kampungkb.core.events import records_changed, records_changed_on_commit
from kampungkb.families.tpk import services
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.services_visits import visit_record
from tests import factories
from tests.factories import KURNIA_JAYA

pytestmark = pytest.mark.django_db


def _catin(nama, *, today):
    return services.target_register(
        user=None,
        kind=TargetKind.CATIN,
        desa=factories.wilayah(KURNIA_JAYA),
        nama=nama,
        nama_pasangan="Pasangan Sintetis",
        tanggal_rencana_nikah=today + datetime.timedelta(days=200),
        is_synthetic=True,
    )


def test_a_tpk_write_refreshes_the_tpk_summaries_once_committed(
    beltim, django_capture_on_commit_callbacks, today
):
    with django_capture_on_commit_callbacks(execute=True):
        target = _catin("Catin Sintetis Satu", today=today)
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    cell = TpkSummary.objects.get(
        wilayah_kode=KURNIA_JAYA, group="all", period_type="quarter", period_start=quarter_start
    )
    assert cell.catin_registered == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit_record(user=None, target=target, tanggal=today, jenis="kie")
    assert len(callbacks) == 1  # a visit asks for a refresh too


def test_many_writes_in_one_transaction_send_one_signal(
    beltim, django_capture_on_commit_callbacks, today
):
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    records_changed.connect(receiver, dispatch_uid="test-tpk-refresh")
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            _catin("Catin Sintetis Dua", today=today)
            _catin("Catin Sintetis Tiga", today=today)
            records_changed_on_commit(sender="growth")
        assert sorted(heard) == ["families", "growth"]
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            _catin("Catin Sintetis Empat", today=today)
        assert heard == ["families"]  # a later transaction is heard again
    finally:
        records_changed.disconnect(dispatch_uid="test-tpk-refresh")


def test_clearing_an_entered_scorecard_cell_refreshes_the_tpk_summaries(
    users, django_capture_on_commit_callbacks
):
    """The cleared Y stayed in the convergence level of the dashboard until another write."""
    from kampungkb.families.tpk.scorecard.services import scorecard_entry_save
    from tests.families.tpk.scorecard.helpers import AFTER, Q3, D, baduta

    target = baduta(D(2024, 10, 5))

    def enter(nilai):
        with django_capture_on_commit_callbacks(execute=True):
            scorecard_entry_save(
                user=users["desa"], target=target, quarter=Q3, indikator="an_pengasuhan",
                nilai=nilai, today=AFTER,
            )  # fmt: skip
        return TpkSummary.objects.get(
            wilayah_kode=KURNIA_JAYA, group="all", period_type="quarter", period_start=Q3.start
        ).scorecard_y

    entered = enter("Y")
    assert enter("") == entered - 1
