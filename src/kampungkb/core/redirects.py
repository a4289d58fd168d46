"""Where to send a user after a form: the ``next`` they came with, if it stays on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """Return the ``next`` of the POST (or of the query string) if it is a page of this site.

    Anything else (another host, a scheme-relative ``//host``, ``javascript:``, an HTTPS page
    sending to plain HTTP) gives ``fallback``: a ``next`` comes from the request, so an open
    redirect would let a link that looks like ours lead a user to a look-alike login page.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
