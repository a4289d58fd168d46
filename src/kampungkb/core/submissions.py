"""One record per create form shown: a double tap, a form sent again (the browser's resend, a
reload after a slow answer, htmx and a tap on a slow phone) or the same page in two tabs store
one record, not two.

Many records have no natural unique key to stop a second copy (a child without NIK, a TPK
visit, a cadre), and a copy inflates every count made of them. So a create form carries a
hidden one-time value (:class:`SubmitOnceFormMixin`: a signed random token, new with each form
shown), and the view runs its service through :func:`create_once`, which saves the record and
the token in one transaction, in a table where the token is unique (``SubmittedForm``). The
same token sent again finds that row and answers with the record made the first time; the
view shows it with :data:`ALREADY_SAVED`. Two sends at once may both look before either
writes (PostgreSQL): the database refuses the second token, its transaction (the record
included) is rolled back, and the create is run once more (``once_more_after_a_race``), which
then finds the first. Or the first saves between the second's look and the second's checks,
which refuse what the first saved (its child's NIK is taken): the second's transaction is
rolled back too, and the second finds the first's token then. A form sent without a token
(a page rendered before this existed) or with a token altered creates as it always did, and
so does one sent with another form's token: a token is signed for its form's class, so it never
answers with a record of another kind.
"""

import datetime
import secrets
from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampungkb.core.database import once_more_after_a_race
from kampungkb.core.models import SubmittedForm

#: The hidden field of a create form that carries its token.
HIDDEN_FIELD = "submission_token"

#: How long a saved form's token is remembered: a form sent again later creates again.
KEEP_DAYS = 30

#: What the user is told when a form already saved is sent again.
ALREADY_SAVED = _("This data was saved already (the form was sent twice): nothing new was saved.")

_SALT = "kampungkb.core.submissions"


class Created(NamedTuple):
    """What :func:`create_once` made: ``obj``, and whether it is new (``created``) or the
    record the same form made before."""

    obj: Any
    created: bool


def _signer(form_class=None) -> signing.Signer:
    # Each form class signs with its own salt: a token is an earlier send of the form it was
    # made for only. Another form's token (a hidden field edited) would otherwise answer with
    # that form's record, taken for this form's (a cadre as the child just registered).
    if form_class is None:
        return signing.Signer(salt=_SALT)
    return signing.Signer(salt=f"{_SALT}:{form_class.__module__}.{form_class.__qualname__}")


def submission_token_new(form_class=None) -> str:
    """A new token of a form of ``form_class``, signed (as the hidden field holds it)."""
    return _signer(form_class).sign(secrets.token_urlsafe(24))


def submission_token_read(value: str | None, form_class=None) -> str:
    """The token of a posted hidden field of a form of ``form_class``; empty when there is
    none, it was altered, or it was made for another form."""
    if not value:
        return ""
    try:
        token = _signer(form_class).unsign(value)
    except signing.BadSignature:
        return ""
    return token if 0 < len(token) <= 64 else ""


class SubmitOnceFormMixin:
    """Give a create form its one-time token, as a hidden field (rendered by
    ``includes/form_fields.html`` with the form's other hidden fields).

    The token is kept out of ``cleaned_data`` (services take the form's values as they are):
    read it as ``form.once_token`` after validation, or let :func:`created_once` do it.
    """

    once_token = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HIDDEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=lambda: submission_token_new(type(self)),
        )

    def clean(self):
        data = super().clean()
        cleaned = data if data is not None else self.cleaned_data
        self.once_token = submission_token_read(cleaned.pop(HIDDEN_FIELD, ""), type(self))
        return data


def _earlier(*, user, token: str):
    """The record the form with ``token`` made before, or None when it was not saved yet."""
    row = (
        SubmittedForm.objects.filter(token=token, user=user).select_related("content_type").first()
    )
    if row is None:
        return None
    obj = row.content_type.model_class()._base_manager.filter(pk=row.object_id).first()
    if obj is None:
        raise ValidationError(
            _("This form was saved already, and the record it made has been deleted since.")
        )
    return obj


@once_more_after_a_race
@transaction.atomic
def _create_recorded(*, user, token: str, create: Callable[[], Any]) -> Created:
    earlier = _earlier(user=user, token=token)
    if earlier is not None:
        return Created(earlier, False)
    obj = create()
    SubmittedForm.objects.create(
        token=token,
        user=user,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )
    return Created(obj, True)


def create_once(*, user, token: str, create: Callable[[], Any]) -> Created:
    """Run ``create`` (a service that saves one record and returns it) once for ``token``.

    With a token already saved by ``user``, nothing is run: the record it made is returned
    (``created`` false). Without a token, ``create`` runs as it is. Called outside any
    transaction, so that a race lost on the token runs it once more (see the module).
    """
    if not token:
        return Created(create(), True)
    try:
        return _create_recorded(user=user, token=token, create=create)
    except ValidationError:
        # Refused by a check that saw the record this same form, sent at the same moment,
        # saved meanwhile (a NIK now taken by that very child): answer with that record.
        earlier = _earlier(user=user, token=token)
        if earlier is None:
            raise
        return Created(earlier, False)


def _told(request, result: Created, saved: str = "") -> Created:
    """Tell the page's messages what ``result`` is: ``saved`` (when given) for a new record,
    :data:`ALREADY_SAVED` for a form sent again (an htmx part, which draws no messages,
    shows it itself)."""
    if result.created:
        if saved:
            messages.success(request, saved)
    elif not getattr(request, "htmx", False):
        messages.info(request, ALREADY_SAVED)
    return result


def created_once(request, form, create: Callable[[], Any], *, saved: str = "") -> Created:
    """:func:`create_once` for a view's valid ``form`` (a :class:`SubmitOnceFormMixin`), its
    outcome told among the page's messages: ``saved`` (when given) for a new record,
    :data:`ALREADY_SAVED` for a form sent again."""
    result = create_once(user=request.user, token=form.once_token, create=create)
    return _told(request, result, saved)


def created_before(request, form) -> Created | None:
    """The record this same form (its posted token) made before, as :func:`created_once`
    answers it, or None. For a view whose form's own checks would refuse a second send before
    :func:`created_once` runs (a child's NIK, taken by the child the first send registered)."""
    token = submission_token_read(form.data.get(form.add_prefix(HIDDEN_FIELD)), type(form))
    if not token:
        return None
    try:
        earlier = _earlier(user=request.user, token=token)
    except ValidationError:
        return None
    if earlier is None:
        return None
    return _told(request, Created(earlier, False))


def submitted_forms_prune(*, days: int = KEEP_DAYS, dry_run: bool = False) -> int:
    """Forget the tokens of forms saved more than ``days`` ago; return how many."""
    old = SubmittedForm.objects.filter(
        created_at__lt=timezone.now() - datetime.timedelta(days=days)
    )
    if dry_run:
        return old.count()
    return old.delete()[0]
