"""Wilayah scoping: which part of the country a user may see.

Kemendagri codes are hierarchical (``19.06`` ⊃ ``19.06.01`` ⊃ ``19.06.01.2001``), so "inside
the area a user covers" is "the code equals it or starts with it and a dot". Every selector
filters through :func:`scope_q`; a user without a role or a wilayah sees nothing.
"""

from django.db import models
from django.db.models import Q

NOTHING = Q(pk__in=[])


def covered_kode(user) -> str | None:
    """Return the Kemendagri code a user covers, ``""`` for everything, ``None`` for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    if not getattr(user, "role", "") or not getattr(user, "wilayah_id", None):
        return None
    return user.wilayah_id


def kode_within(kode: str, area: str) -> bool:
    """Say whether wilayah ``kode`` lies inside (or is) ``area``."""
    return area == "" or kode == area or kode.startswith(area + ".")


def within_q(field: str, kode: str) -> Q:
    """Return a filter keeping rows whose wilayah code (``field``) is ``kode`` or inside it."""
    return Q(**{field: kode}) | Q(**{f"{field}__startswith": kode + "."})


def scope_q(user, field: str = "kode") -> Q:
    """Return a filter keeping rows whose wilayah code (``field``) the user covers."""
    area = covered_kode(user)
    if area is None:
        return NOTHING
    if area == "":
        return Q()
    return within_q(field, area)


def own_in_scope_q(user, owner: str, field: str = "wilayah_kode") -> Q:
    """Return a filter keeping the rows ``user`` made (``owner``: the user foreign key) whose
    wilayah code (``field``) their area covers *now*.

    For what a user made for themselves from their area's personal data (an upload, an
    export): it stays theirs only while their area still holds it, so one moved elsewhere no
    longer opens the names and NIKs of the area they left. Whether their role still may is
    the caller's check."""
    if user is None or not user.is_authenticated:
        return NOTHING
    return Q(**{f"{owner}_id": user.pk}) & scope_q(user, field)


def user_covers(user, kode: str) -> bool:
    """Say whether a user's area contains the wilayah ``kode``."""
    area = covered_kode(user)
    return area is not None and kode_within(kode, area)


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a wilayah, named by ``scope_field`` (a code lookup)."""

    scope_field = "desa__kode"

    def for_user(self, user):
        return self.filter(scope_q(user, self.scope_field))
