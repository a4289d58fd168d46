"""Login lockout: a username locked wherever the attempts come from, an address throttled
across usernames.

django-axes counts failed logins. Its ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``
already locks on either count, but with one limit for both, and a district office (or a
whole puskesmas) often reaches the server through one address: five typos by five kaders
would lock all of them out. So a username is locked after ``AXES_FAILURE_LIMIT`` failures and
an address after ``KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT``, both within ``AXES_COOLOFF_TIME``
(an IPv6 client's whole /64 being one address: ``throttled_address``).
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum


def _total(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per username and a higher one per address."""

    def get_failures(self, request, credentials=None) -> int:
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_username = _total(attempts.filter(username=username)) if username else 0
        by_address = _total(attempts.filter(ip_address=request.axes_ip_address))
        # Axes compares one count with one limit: put the address's count on the username's
        # scale, so that it reaches the limit exactly when the address reaches its own.
        limit = get_failure_limit(request, credentials)
        scaled = by_address * limit // settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT
        return max(by_username, scaled)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful login clears that username's failures only. Axes would also clear the
        # address's, which would let anyone with one valid account go on trying others.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def attempted_username(request, credentials=None) -> str | None:
    """The username a login's failures are counted by (``AXES_USERNAME_CALLABLE``): the one
    typed, as axes would read it, cut to the longest a user can have.

    Nothing else limits its length (a login form's username field does not), and axes keeps
    it in a column of 255 characters: PostgreSQL would refuse a longer one, a server error on
    the login page. A longer username names nobody anyway.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    model = get_user_model()
    return username[: model._meta.get_field(model.USERNAME_FIELD).max_length]


#: The IPv6 prefix one client holds: an ordinary host is given a /64, 2**64 addresses to
#: rotate through, so the failures of all of them count as one address's.
IPV6_CLIENT_PREFIX = 64


def throttled_address(request) -> str | None:
    """The address whose failures are counted together (``AXES_CLIENT_IP_CALLABLE``): the
    client's address (:func:`client_address`), or for IPv6 the first address of its /64.

    >>> from types import SimpleNamespace
    >>> throttled_address(SimpleNamespace(META={"REMOTE_ADDR": "2001:db8:1:2::ffff"}))
    '2001:db8:1:2::'
    """
    address = client_address(request)
    if address and ":" in address:
        try:
            network = ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False)
        except ValueError:
            return address
        return str(network.network_address)
    return address


def client_address(request) -> str | None:
    """Return the address a login comes from (the audit trail's; :func:`throttled_address`
    counts failures by it).

    Behind ``KAMPUNGKB_PROXY_COUNT`` reverse proxies it is the address the outermost of them
    saw: counted from the right of ``X-Forwarded-For``, since each proxy appends the address
    it received the request from, while whatever the client sent itself stands further left.
    Without proxies, or when the header is missing or malformed, it is ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.KAMPUNGKB_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
