import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from kampungkb.core.chunk_writing import writes_can_overlap
from kampungkb.growth.compute import COMPUTED_FIELDS
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.kbm.selectors import kbm_of
from kampungkb.growth.models import Child, KBMTable, Measurement
from kampungkb.growth.services import measurements_recompute_child
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

COMPARED = [f for f in COMPUTED_FIELDS if f != "computed_at"]


def _child(desa: str, nama: str, sex: str, born: datetime.date) -> Child:
    return factories.child(
        desa, nama=nama, jenis_kelamin=sex, tanggal_lahir=born, nama_ibu="Ibu " + nama
    )


def _weigh(child, day, berat=None, tinggi=None, cara="", **extra):
    return factories.measurement(
        child,
        day,
        berat=Decimal(berat) if berat is not None else None,
        tinggi=Decimal(tinggi) if tinggi is not None else None,
        cara_ukur=cara,
        # The fixture's flagged values are meant: confirmed, they are stored "needs checking".
        confirmed=True,
        **extra,
    )


def _column(field: str) -> str:
    return "kbm_table_id" if field == "kbm_table" else field


def _stored():
    return {
        m["id"]: {f: m[_column(f)] for f in COMPARED}
        for m in Measurement.objects.values("id", *map(_column, COMPARED))
    }


@pytest.fixture
def series(beltim):
    """Children whose weighings cover B, N, T, 2T, O, a missing weight, flags and oedema."""
    a = _child(KURNIA_JAYA, "Ayu Lestari", "P", datetime.date(2025, 3, 10))
    # At 3 completed months a 700 g gain is T under Buku KIA (800 g), N under the 600 g sheet.
    for day, kg, cm in [
        ((2025, 4, 12), "4.20", "54.0"),
        ((2025, 5, 12), "5.10", "57.5"),
        ((2025, 6, 12), "5.80", "60.0"),
        ((2025, 7, 12), "6.10", "61.5"),
        ((2025, 8, 12), "6.30", "62.5"),
        ((2025, 10, 12), "7.00", "65.0"),  # a skipped month: O, or N/T against 2 × KBM
    ]:
        _weigh(a, datetime.date(*day), kg, cm, "PB")
    b = _child(BATU_PENYU, "Bima Saputra", "L", datetime.date(2022, 1, 5))
    _weigh(b, datetime.date(2025, 1, 6), "11.0", "84.0", "TB")
    _weigh(b, datetime.date(2025, 2, 6), "11.1", "84.5", "PB")  # lying from 2 y: -0.7 cm
    _weigh(b, datetime.date(2025, 3, 6), "31.1", None)  # digits swapped: flagged
    _weigh(b, datetime.date(2025, 3, 20), None, "85.1", "TB")  # height only, same month
    _weigh(b, datetime.date(2025, 4, 7), "11.3", "85.6", "TB", oedema=True)
    _weigh(b, datetime.date(2025, 5, 7), "11.2", "86.0", "TB", lila=Decimal("14.5"))
    return [a, b]


def test_recompute_all_writes_exactly_what_the_per_child_service_writes(series):
    by_service = _stored()
    # As rows stored raw and never computed (what the demo generator inserts).
    Measurement.objects.update(
        zlen=None, growth_code="", stunted=None, cat_bbu=None, computed_digest=None
    )

    result = measurements_recompute_all(batch_children=1)

    assert (result.rows, result.children, result.written) == (12, 2, 12)
    assert _stored() == by_service


def test_values_changed_behind_the_applications_back_are_repaired_by_a_forced_recompute(series):
    by_service = _stored()
    # An edit in SQL that leaves the digest as it was: the digest still describes the
    # computed values, so an ordinary recompute sees nothing to do, and --force repairs it.
    Measurement.objects.update(zlen=None, growth_code="", stunted=None, cat_bbu=None)

    assert measurements_recompute_all().written == 0
    result = measurements_recompute_all(force=True)

    assert result.written == 12
    assert _stored() == by_service


def test_recompute_after_changing_the_default_kbm_table_changes_the_growth_codes(series):
    ayu = series[0]
    codes_before = list(ayu.measurements.order_by("tanggal").values_list("growth_code", flat=True))
    assert codes_before == ["B", "N", "T", "T", "T", "O"]
    KBMTable.objects.update(is_default=False)
    KBMTable.objects.filter(kode="lembar-posyandu-600").update(is_default=True)

    measurements_recompute_all()

    rows = list(ayu.measurements.order_by("tanggal").values_list("growth_code", "two_t"))
    assert rows == [
        ("B", False),
        ("N", False),
        ("N", False),
        ("T", False),
        ("T", True),
        ("N", False),
    ]
    assert Measurement.objects.filter(kbm_table__kode="lembar-posyandu-600").count() == 12
    stored = _stored()
    for child in series:
        measurements_recompute_child(child=child)
    assert _stored() == stored


def test_the_two_t_code_follows_the_recomputed_codes(series):
    ayu = series[0]
    flags = list(ayu.measurements.order_by("tanggal").values_list("two_t", flat=True))
    assert flags == [False, False, False, True, True, False]


def test_recompute_can_be_limited_to_some_children(series):
    result = measurements_recompute_all(children=Child.objects.filter(desa_id=KURNIA_JAYA))
    assert (result.rows, result.children) == (6, 1)


def test_the_command_prints_the_rows_and_the_speed(series, capsys):
    call_command("recompute_measurements")
    out = capsys.readouterr().out
    assert "12 pengukuran dari 2 anak" in out
    assert "baris/s" in out
    assert "0 baris berubah" in out


def test_the_command_can_force_every_row_to_be_written(series, capsys):
    call_command("recompute_measurements", "--force")
    assert "12 baris berubah" in capsys.readouterr().out


def test_a_recompute_with_nothing_changed_writes_nothing(series):
    before = dict(Measurement.objects.values_list("id", "computed_at"))

    result = measurements_recompute_all()

    assert (result.rows, result.written, result.relabelled) == (12, 0, 0)
    assert dict(Measurement.objects.values_list("id", "computed_at")) == before


def test_a_recompute_writes_only_the_rows_that_change_and_relabels_the_others(series):
    by_service = _stored()
    bima = series[1]
    changed = bima.measurements.order_by("tanggal").first()
    # As computed under other rules: other values, so another digest.
    Measurement.objects.filter(pk=changed.pk).update(
        zwei=None, growth_code="T", two_t=True, computed_digest=F("computed_digest") + 1
    )
    Measurement.objects.filter(pk=changed.pk + 1).update(kbm_table=None)
    before = dict(Measurement.objects.values_list("id", "computed_at"))

    result = measurements_recompute_all()

    assert (result.written, result.relabelled) == (1, 1)
    assert _stored() == by_service
    after = dict(Measurement.objects.values_list("id", "computed_at"))
    assert {pk for pk in after if after[pk] != before[pk]} == {changed.pk, changed.pk + 1}


def test_switching_the_kbm_table_relabels_rows_whose_codes_stay(series):
    KBMTable.objects.update(is_default=False)
    KBMTable.objects.filter(kode="lembar-posyandu-600").update(is_default=True)

    result = measurements_recompute_all()

    assert result.written + result.relabelled == 12
    assert 0 < result.written < 12
    assert Measurement.objects.filter(kbm_table__kode="lembar-posyandu-600").count() == 12


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_chunks_are_written_while_the_next_is_computed(beltim):
    """On PostgreSQL a second connection writes each chunk (its own transaction) while the
    next is read and computed; what ends up stored is what the service path stores."""
    kids = [
        _child(KURNIA_JAYA, f"Anak {i}", "LP"[i % 2], datetime.date(2024, 1 + i % 12, 3))
        for i in range(7)
    ]
    for i, kid in enumerate(kids):
        for month in range(1, 7):
            _weigh(kid, datetime.date(2025, month, 10), f"{8 + month * 0.2 + i * 0.1:.2f}")
    by_service = _stored()
    Measurement.objects.update(zwei=None, growth_code="", computed_digest=None)
    chunks_written = []

    result = measurements_recompute_all(
        batch_children=2, progress=lambda rows, children: chunks_written.append(rows)
    )

    assert writes_can_overlap() is (connection.vendor == "postgresql")
    assert (result.rows, result.children, result.written) == (42, 7, 42)
    assert chunks_written == [12, 24, 36, 42]
    assert _stored() == by_service


def test_a_row_recomputed_by_an_edit_after_it_was_read_is_not_overwritten(series):
    """Between reading a chunk and writing it, an edit may recompute a child's rows: the
    write then leaves those rows (their digest is no longer the one read) and writes the rest."""
    from kampungkb.growth.kbm.recompute_rows import _RAW, _READ, _STORED, changed_rows
    from kampungkb.growth.kbm.recompute_write import write_computed
    from kampungkb.growth.kbm.selectors import default_kbm

    table, rule = default_kbm()
    Measurement.objects.update(computed_digest=None)  # every row to be written
    ids = sorted(Measurement.objects.values_list("child_id", flat=True).distinct())
    raw = list(
        Measurement.objects.annotate(**_READ)
        .order_by("child_id", "tanggal")
        .values_list(*_RAW, *_STORED)
    )
    rows, _relabel = changed_rows(raw, rule=rule, table_id=table.pk)
    edited = series[0].measurements.order_by("tanggal").first()
    Measurement.objects.filter(pk=edited.pk).update(zwei=9.99, computed_digest=123)

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    counts = write_computed(rows, table_id=table.pk, now=now, children=(ids[0], ids[-1]))

    assert counts == (11, 0)
    assert Measurement.objects.get(pk=edited.pk).zwei == 9.99
    assert not Measurement.objects.filter(computed_digest__isnull=True).exists()


def test_a_relabel_skips_a_row_an_edit_recomputed_after_it_was_read(series):
    from kampungkb.growth.kbm.recompute_rows import _RAW, _READ, _STORED, changed_rows
    from kampungkb.growth.kbm.recompute_write import write_computed
    from kampungkb.growth.kbm.selectors import default_kbm

    KBMTable.objects.update(is_default=False)
    sheet = KBMTable.objects.get(kode="lembar-posyandu-600")
    KBMTable.objects.filter(pk=sheet.pk).update(is_default=True)
    table, rule = default_kbm()
    raw = list(
        # Bima's weighings before the one that needs checking: after it, his next weighing is
        # compared with February's (two months), which the two tables code differently.
        Measurement.objects.filter(child=series[1], tanggal__lt=datetime.date(2025, 3, 1))
        .annotate(**_READ)
        .order_by("child_id", "tanggal")
        .values_list(*_RAW, *_STORED)
    )
    rows, relabel = changed_rows(raw, rule=rule, table_id=table.pk)
    assert relabel and not rows  # Bima's codes are the same under both tables
    edited_id = relabel[0][0]
    Measurement.objects.filter(pk=edited_id).update(computed_digest=7)  # recomputed meanwhile

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    counts = write_computed(
        rows, table_id=table.pk, now=now, children=(series[1].pk, series[1].pk), relabel=relabel
    )

    assert counts == (0, len(relabel) - 1)
    assert Measurement.objects.get(pk=edited_id).kbm_table.kode == "buku-kia-2023"


def test_rows_written_with_the_old_table_while_a_recompute_ran_are_swept_up(series):
    """An import that began before a switch of the default table writes rows with the old
    table after the recompute has passed their child: a sweep at the end goes over them."""
    ayu = series[0]
    KBMTable.objects.update(is_default=False)
    KBMTable.objects.filter(kode="lembar-posyandu-600").update(is_default=True)
    old = KBMTable.objects.get(kode="buku-kia-2023")
    late = []

    def an_import_commits_late(rows, children):
        if not late:  # after the first chunk (Ayu's) is written
            late.append(True)
            for child in series:
                measurements_recompute_child(child=child, kbm=kbm_of(old))

    result = measurements_recompute_all(batch_children=1, progress=an_import_commits_late)

    assert Measurement.objects.filter(kbm_table__kode="lembar-posyandu-600").count() == 12
    codes = list(ayu.measurements.order_by("tanggal").values_list("growth_code", flat=True))
    assert codes == ["B", "N", "N", "T", "T", "N"]
    assert result.rows > 12  # Ayu's rows were read again by the sweep
