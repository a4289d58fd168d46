import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.db import IntegrityError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from kampungkb.core.database import BUSY_MESSAGE, database_busy

logger = logging.getLogger(__name__)

# What a 503 "busy" answer asks the browser to wait before trying again.
BUSY_RETRY_AFTER_SECONDS = 30

# Paths reachable without logging in. Everything else requires a session: access is
# denied by default, so a new page cannot be exposed by forgetting a decorator.
PUBLIC_PREFIXES = (
    "/akun/masuk/",
    "/i18n/",
    "/static/",
    "/admin/login/",
    "/favicon.ico",
    # Published figures (aksi 7): aggregates only, suppressed small cells, no personal data.
    "/publik/",
)


class LoginRequiredByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        if getattr(view_func, "login_exempt", False):
            return None
        path = request.path_info
        if any(path.startswith(p) for p in PUBLIC_PREFIXES):
            return None
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


def login_exempt(view):
    """Mark a view as public (used by the later public publication pages)."""
    view.login_exempt = True
    return view


class IndonesianByDefaultMiddleware:
    """Serve Bahasa Indonesia unless the user chose another language.

    Django would otherwise follow the browser's Accept-Language header, and many officers'
    phones and laptops are set to English. The choice made with the language switcher
    (a cookie) still wins; this only stops the header from deciding.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Responses anyone may keep in a cache, when nobody is logged in: the published aggregates.
# (Static files never reach this middleware: whitenoise answers them first, with long caching.)
SHAREABLE_PREFIXES = ("/publik/",)


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy to every response, and forbid keeping any response that
    may hold personal data in a cache.

    "May hold personal data" is, simply and on purpose: every response to a logged-in user
    (pages, downloads, chart data alike), and every response outside ``SHAREABLE_PREFIXES``
    to anyone else (the login page, redirects). A browser's back button, a shared computer at
    a puskesmas or a proxy in between then keeps nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.KAMPUNGKB_CONTENT_SECURITY_POLICY
        )
        if not _shareable(request):
            add_never_cache_headers(response)
        return response


def _shareable(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return request.path_info.startswith(SHAREABLE_PREFIXES)


# What a multipart body adds to its file: boundaries, part headers and the other fields.
FORM_ALLOWANCE_BYTES = 256 * 1024


def upload_limit(max_bytes: int):
    """Let a view take a file of up to ``max_bytes`` (the default is
    ``KAMPUNGKB_MAX_UPLOAD_BYTES``); see :class:`RequestBodyLimitMiddleware`."""

    def decorate(view):
        view.max_upload_bytes = max_bytes
        return view

    return decorate


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than its view takes, before anything
    reads the body (HTTP 413).

    Django refuses an oversized plain form before reading it (DATA_UPLOAD_MAX_MEMORY_SIZE), but
    streams a multipart upload of any size to disk before a form can say the file is too big.
    Content-Length is known before the body is read, so the check runs here, ahead of the CSRF
    check (which reads the form): keep it before ``CsrfViewMiddleware`` in MIDDLEWARE. The
    front server should refuse larger bodies first (README, "Security").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        limit = getattr(view_func, "max_upload_bytes", settings.KAMPUNGKB_MAX_UPLOAD_BYTES)
        if length <= limit + FORM_ALLOWANCE_BYTES:
            return None
        return render(
            request,
            "core/413.html",
            {"limit_mb": limit // (1024 * 1024), "sent_mb": length / (1024 * 1024)},
            status=413,
        )


def _holds_nul(values) -> bool:
    return any("\x00" in value for value in values)


def _fields(query) -> list[str]:
    """Every name and value of a QueryDict (a field given twice, each value)."""
    return [*query.keys(), *(value for _name, values in query.lists() for value in values)]


class NulCharacterMiddleware:
    """Refuse a request with a NUL character in its path, query, cookies or form fields
    (HTTP 400), before anything hands it to the database.

    No page, filter or form of ours takes one, and PostgreSQL refuses NUL in any text value:
    a ``/publik/kabupaten/19%00/`` or a ``?q=%00`` would otherwise reach a query and end in a
    server error instead of an answer. The form fields are checked once the view is known,
    after ``RequestBodyLimitMiddleware`` (an oversized body stays unread) and before the CSRF
    check, which reads the form anyway; files are not checked (a file may hold any byte).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(
            [
                request.path,
                *_fields(request.GET),
                *request.COOKIES.keys(),
                *request.COOKIES.values(),
            ]
        ):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        if _holds_nul(_fields(request.POST)):
            raise BadRequest("NUL character in the form")
        return None


def busy_response(request, *, retry_url: str = ""):
    """The page saying the database was too busy to answer (HTTP 503, try again shortly)."""
    response = render(
        request, "core/busy.html", {"message": BUSY_MESSAGE, "retry_url": retry_url}, status=503
    )
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Answer a view that waited too long for the database (SQLite's write lock held by an
    import, a PostgreSQL deadlock) with a 503 page saying to try again, not a server error.

    Logging in writes (the session, the lockout's failure count), so it too can meet a busy
    database; the write transactions are kept short so that this stays rare.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("database busy answering %s %s: %s", request.method, request.path, exception)
        retry = request.get_full_path() if request.method == "GET" else ""
        return busy_response(request, retry_url=retry)


class WriteConflictMiddleware:
    """Answer a write the database refused for a key or a unique value (``IntegrityError``)
    with a 409 page saying nothing was saved and to look again, not a server error.

    The services check what they write first; the database refuses it anyway when another
    request wrote the same record between the check and the write (PostgreSQL lets both
    check first: a double tap, two phones). The known cases are saved once more
    (``core.database.once_more_after_a_race``); any other is logged as an error with its
    traceback, for the administrator, and the user is told what happened.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        logger.error(
            "write refused by the database answering %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return render(request, "core/conflict.html", status=409)
