from django.conf import settings
from django.contrib.auth.views import redirect_to_login

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
