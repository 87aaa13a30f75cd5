"""Who calls: a personal access token (Authorization: Bearer …) or the product's own session,
and how often a caller may call."""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle

from villagedesk.accounts import second_factor
from villagedesk.api import services
from villagedesk.api.errors import ApiError
from villagedesk.api.models import Scope

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BearerToken(HttpBearer):
    """A personal access token; a read-only token may not write."""

    def authenticate(self, request, token):
        found = services.token_for_secret(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and found.scope != Scope.WRITE:
            raise ApiError(
                403, "read_only_token", _("This access token may only read: make one that writes.")
            )
        request.user = found.user
        request.access_token = found
        return found


def csrf_refused(request) -> bool:
    middleware = CsrfViewMiddleware(lambda r: None)
    request.csrf_processing_done = False
    middleware.process_request(request)
    return middleware.process_view(request, lambda r: None, (), {}) is not None


class Session(APIKeyCookie):
    """The product's own pages: the logged-in session, with its CSRF token on writes. A session
    still owing its second factor is not logged in yet: 401, as without a session."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if second_factor.step_due(request) is not None:
            raise ApiError(
                401,
                "second_factor_due",
                _("Finish logging in with your second factor on the web, or send an access token."),
            )
        if request.method not in SAFE_METHODS and csrf_refused(request):
            raise ApiError(
                403, "csrf_failed", _("The request was refused: send your session's CSRF token.")
            )
        return request.user


class CallerRateThrottle(SimpleRateThrottle):
    """API_RATE requests per token (or per session user), counted in the cache: shared by the
    server's processes with CACHE_URL, each process's own without it."""

    scope = "caller"

    def __init__(self):
        super().__init__(rate=settings.API_RATE)

    def allow_request(self, request) -> bool:
        # Read at each request, so that a changed setting holds at once.
        self.rate = settings.API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        token = getattr(request, "access_token", None)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
