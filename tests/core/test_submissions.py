"""The one-time token of create forms (core.submissions): one record per form shown, however
often it is sent; a form without a token (or with one altered) creates as before."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kampungkb.core import submissions
from kampungkb.core.models import AuditEntry, SubmittedForm
from kampungkb.core.submissions import Created, create_once, submission_token_read
from tests import factories


def _entry(name: str):
    return lambda: AuditEntry.objects.create(
        action="create", object_type="test.thing", object_id="1", object_repr=name
    )


def _things():
    return AuditEntry.objects.filter(object_type="test.thing")


def _token() -> str:
    return submission_token_read(submissions.submission_token_new())


@pytest.fixture
def user(beltim):
    return factories.operator_desa()


def test_the_same_token_twice_creates_once_and_answers_with_the_first(user):
    token = _token()
    first = create_once(user=user, token=token, create=_entry("a"))
    again = create_once(user=user, token=token, create=_entry("b"))
    assert first.created and not again.created
    assert again.obj == first.obj
    assert list(_things().values_list("object_repr", flat=True)) == ["a"]


def test_without_a_token_each_send_creates(user):
    create_once(user=user, token="", create=_entry("a"))
    create_once(user=user, token="", create=_entry("b"))
    assert _things().count() == 2


def test_an_altered_token_is_no_token():
    signed = submissions.submission_token_new()
    assert submission_token_read(signed)
    assert submission_token_read(signed[:-1] + ("A" if signed[-1] != "A" else "B")) == ""
    assert submission_token_read("not-signed") == ""
    assert submission_token_read(None) == ""


def test_a_refused_create_leaves_the_token_free(user):
    token = _token()

    def refused():
        _entry("half")()
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        create_once(user=user, token=token, create=refused)
    assert not _things().exists() and not SubmittedForm.objects.exists()
    assert create_once(user=user, token=token, create=_entry("a")).created


def test_a_token_whose_record_was_deleted_is_refused_with_a_reason(user):
    token = _token()
    create_once(user=user, token=token, create=_entry("a")).obj.delete()
    with pytest.raises(ValidationError, match="sudah dihapus"):
        create_once(user=user, token=token, create=_entry("b"))
    assert not _things().exists()


def _first_look_misses(monkeypatch) -> list:
    """The next look for a token finds nothing, as a send that looked before the first send
    saved it (PostgreSQL, two sends at once); later looks find it. Returns the looks."""
    earlier = submissions._earlier
    looks = []

    def looked_before_the_first_saved(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else earlier(**kwargs)

    monkeypatch.setattr(submissions, "_earlier", looked_before_the_first_saved)
    return looks


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_create_once(beltim, monkeypatch):
    # Two sends of one form at once (PostgreSQL): the second looked for the token before the
    # first had saved it, so it creates too; the database refuses its token, its record is
    # rolled back with it, and the create runs once more and finds the first's record.
    user = factories.operator_desa()
    token = _token()
    first = create_once(user=user, token=token, create=_entry("a"))
    looks = _first_look_misses(monkeypatch)
    again = create_once(user=user, token=token, create=_entry("b"))
    assert again == Created(first.obj, False)
    assert len(looks) == 2
    assert list(_things().values_list("object_repr", flat=True)) == ["a"]


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_the_second_refused_by_what_the_first_saved(beltim, monkeypatch):
    # Two sends of one form at once (PostgreSQL): the first saved between the second's look
    # for the token and the second's checks, which refuse what the first saved (its child's
    # NIK is taken now): the second is answered with the first's record, not the refusal.
    user = factories.operator_desa()
    token = _token()
    first = create_once(user=user, token=token, create=_entry("a"))

    def refused_as_taken():
        _entry("b")()
        raise ValidationError({"nik": "taken"})

    _first_look_misses(monkeypatch)
    again = create_once(user=user, token=token, create=refused_as_taken)
    assert again == Created(first.obj, False)
    assert list(_things().values_list("object_repr", flat=True)) == ["a"]


def _an_old_and_a_new_token(user) -> tuple[str, str]:
    """Two saved forms' tokens: one saved a day more than ``KEEP_DAYS`` ago, one now."""
    old, new = _token(), _token()
    create_once(user=user, token=old, create=_entry("a"))
    create_once(user=user, token=new, create=_entry("b"))
    SubmittedForm.objects.filter(token=old).update(
        created_at=timezone.now() - datetime.timedelta(days=submissions.KEEP_DAYS + 1)
    )
    return old, new


def test_old_tokens_are_forgotten(user):
    _old, new = _an_old_and_a_new_token(user)
    assert submissions.submitted_forms_prune(dry_run=True) == 1
    assert SubmittedForm.objects.count() == 2
    assert submissions.submitted_forms_prune() == 1
    assert list(SubmittedForm.objects.values_list("token", flat=True)) == [new]


def test_the_daily_purge_forgets_old_tokens(user):
    _old, new = _an_old_and_a_new_token(user)
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "Dihapus / removed: 1 token formulir / form tokens" in out.getvalue()
    assert list(SubmittedForm.objects.values_list("token", flat=True)) == [new]
