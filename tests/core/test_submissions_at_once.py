"""One form sent twice at the same moment (a double tap on a slow phone, two tabs) on
PostgreSQL, where both sends may look for the form's token before either has saved it: both
create, the database refuses the second token, the second's transaction (its record and the
record's audit entry included) is rolled back, and its create runs once more and finds the
first's record. One record, one token row, one CREATE entry; both callers get that record,
neither an error. (tests/core/test_submissions.py plays the race on SQLite with a patched
lookup; these play it with two connections.)"""

import contextlib
import datetime
import threading

import pytest
from django.db import connection

from kampungkb.core import submissions
from kampungkb.core.models import AuditEntry, SubmittedForm
from kampungkb.core.submissions import create_once
from kampungkb.families.tpk.models import Visit
from kampungkb.families.tpk.services_visits import visit_record
from kampungkb.growth import services as growth
from kampungkb.growth.models import Child
from tests import factories
from tests.families.tpk import factories as tpk


def _sent_twice_at_once(monkeypatch, *, user, create, second_after_first_saved=False):
    """Run ``create_once`` with one token in two threads, each looking for the token before
    either writes; return what each returned and any error raised. With
    ``second_after_first_saved``, the second to create does so once the first has committed
    (its checks see the first's record, its look for the token did not)."""
    token = submissions.submission_token_read(submissions.submission_token_new())
    both_looked = threading.Barrier(2, timeout=5)
    earlier = submissions._earlier
    first_look = threading.local()

    def looked(**kwargs):
        found = earlier(**kwargs)
        if not getattr(first_look, "done", False):
            # Only a thread's first look waits: its look once more after the lost race
            # comes when the other has finished.
            first_look.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                both_looked.wait()
        return found

    monkeypatch.setattr(submissions, "_earlier", looked)
    results, errors, creates = [], [], []
    first_saved = threading.Event()
    order = threading.Lock()

    def counted():
        with order:
            creates.append(1)
            second = len(creates) == 2
        if second and second_after_first_saved:
            assert first_saved.wait(5), "the first send did not finish"
        return create()

    def send():
        try:
            results.append(create_once(user=user, token=token, create=counted))
        except Exception as exc:
            errors.append(exc)
        finally:
            first_saved.set()
            connection.close()

    threads = [threading.Thread(target=send) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not both_looked.broken, "a send did not look before the other wrote"
    # Both created (the race was run): the second's record, and its audit entry, rolled back.
    assert len(creates) == 2
    return results, errors


def _creates_of(model):
    return AuditEntry.objects.filter(action="create", object_type=model._meta.label_lower)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's write transactions take turns from their start")


# Without a NIK nothing but the token tells the two apart; with one, the second's NIK check
# or its insert meets the first's child.
@pytest.mark.parametrize("nik", ["", "1906010101250001"], ids=["without-nik", "with-nik"])
@pytest.mark.parametrize("second_after_first_saved", [False, True], ids=["both", "in-turn"])
@pytest.mark.django_db(transaction=True)
def test_a_registration_sent_twice_at_once_registers_one_child(
    users, monkeypatch, nik, second_after_first_saved, today
):
    pos = factories.posyandu(factories.KURNIA_JAYA, "Posyandu Melati")
    user = users["desa"]
    results, errors = _sent_twice_at_once(
        monkeypatch,
        user=user,
        create=lambda: growth.child_register(
            user=user,
            desa=pos.desa,
            posyandu=pos,
            nik=nik,
            nama="Ani Lestari",
            jenis_kelamin="P",
            tanggal_lahir=today - datetime.timedelta(days=90),
            nama_ibu="Rina",
        ),
        second_after_first_saved=second_after_first_saved,
    )
    assert errors == []
    [kid] = Child.objects.all()
    assert sorted(r.created for r in results) == [False, True]
    assert [r.obj.pk for r in results] == [kid.pk, kid.pk]
    assert SubmittedForm.objects.count() == 1
    assert list(_creates_of(Child).values_list("object_id", flat=True)) == [str(kid.pk)]


@pytest.mark.parametrize("second_after_first_saved", [False, True], ids=["both", "in-turn"])
@pytest.mark.django_db(transaction=True)
def test_a_tpk_visit_sent_twice_at_once_is_one_visit(
    users, beltim, monkeypatch, second_after_first_saved, today
):
    tpk.team()
    target = tpk.pregnant(nama="Ibu Kunjungan Sintetis")
    user = users["desa"]
    results, errors = _sent_twice_at_once(
        monkeypatch,
        user=user,
        create=lambda: visit_record(
            user=user, target=target, tanggal=today, jenis="kie", temuan="Sehat"
        ),
        second_after_first_saved=second_after_first_saved,
    )
    assert errors == []
    [visit] = Visit.objects.all()
    assert sorted(r.created for r in results) == [False, True]
    assert [r.obj.pk for r in results] == [visit.pk, visit.pk]
    assert SubmittedForm.objects.count() == 1
    assert list(_creates_of(Visit).values_list("object_id", flat=True)) == [str(visit.pk)]
