"""Two saves of one child's weighing of one day at once (a double tap on a slow phone, two
kaders at two tables): on PostgreSQL both read the child's measurements before either wrote,
both inserted, and the second met the one-per-day constraint, a server error. The second is
now what it would have been a moment later: a correction of the first. Likewise two
registrations of one NIK: the second is refused with the form's reason."""

import contextlib
import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kampungkb.growth import services
from kampungkb.growth.models import Child, Measurement
from kampungkb.wilayah.models import Wilayah
from tests.conftest import KURNIA_JAYA
from tests.growth.conftest import weighed_child

DAY = datetime.date(2025, 6, 12)


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_weighing_at_once_store_one_and_correct_it(users, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's write transactions take turns from their start")
    child = weighed_child("Ayu", datetime.date(2025, 3, 10), [(datetime.date(2025, 5, 12), "5.1")])
    # Each save waits (a little) for the other once it has read the child's measurements, so
    # that neither has written when the other reads.
    both_read = threading.Barrier(2, timeout=3)
    findings = services._findings_of_last

    def after_reading(series):
        # Broken: the other is waiting for this one's write (it reads after it): go on.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return findings(series)

    monkeypatch.setattr(services, "_findings_of_last", after_reading)
    saved, errors = [], []

    def save(kg: str):
        try:
            m = services.measurement_record(
                user=users["desa"], child=child, tanggal=DAY, berat=Decimal(kg), confirmed=True
            )
            saved.append(m)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(kg,)) for kg in ("5.8", "5.9")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    [stored] = Measurement.objects.filter(child=child, tanggal=DAY)
    assert sorted(m.before_correction is None for m in saved) == [False, True]
    assert stored.berat == next(m for m in saved if m.before_correction is not None).berat


@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_nik_at_once_store_one_child_and_refuse_the_other(
    users, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's write transactions take turns from their start")
    desa = Wilayah.objects.get(kode=KURNIA_JAYA)
    both_checked = threading.Barrier(2, timeout=3)
    nik_free = services._ensure_nik_free

    def after_checking(child):
        nik_free(child)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()

    monkeypatch.setattr(services, "_ensure_nik_free", after_checking)
    registered, refused, errors = [], [], []

    def register():
        try:
            child = services.child_register(
                user=users["desa"],
                desa=desa,
                nik="1906010101250001",
                nama="Ayu",
                jenis_kelamin="P",
                tanggal_lahir=datetime.date(2025, 3, 10),
                nama_ibu="Ibu",
            )
            registered.append(child)
        except ValidationError as exc:
            refused.append(exc.message_dict)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(registered) == 1 and list(refused[0]) == ["nik"]
    assert Child.objects.filter(nik="1906010101250001").count() == 1
