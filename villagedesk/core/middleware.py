"""Response headers that keep pages with personal data to the browser that asked for them.

The Content-Security-Policy comes from django-csp (CONTENT_SECURITY_POLICY in settings); the map
tile host is added here because the map reads MAP_TILE_URL at each request too. Static files are
answered by WhiteNoise before these run: they are public and keep their long cache.
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from villagedesk.core.concurrency import FormAlreadySent
from villagedesk.core.offline import offline_copy_allowed

Middleware = Callable[[HttpRequest], HttpResponse]


def tile_origin(tile_url: str) -> str | None:
    """The origin a tile URL template loads images from, as a CSP source; None for this site.

    A subdomain placeholder ("https://{s}.tile.example.org/{z}/{x}/{y}.png") becomes the
    wildcard "https://*.tile.example.org".
    """
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with images also allowed from the configured map tile host."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(settings.MAP_TILE_URL)
        if origin:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts


class CompressTextMiddleware(GZipMiddleware):
    """Gzip pages, their htmx fragments, JSON and CSV; photos, spreadsheets, documents and
    archives are compressed already and go as they are. Django's gzip pads each answer with
    random bytes, and the CSRF token in a form is masked afresh at each answer
    (docs/security.md, compression)."""

    COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)


def permissions_policy(get_response: Middleware) -> Middleware:
    """Send PERMISSIONS_POLICY as the Permissions-Policy header of every response."""
    header = ", ".join(
        f"{feature}=({' '.join(allowed)})"
        for feature, allowed in settings.PERMISSIONS_POLICY.items()
    )

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", header)
        return response

    return middleware


def personal_pages_not_stored(get_response: Middleware) -> Middleware:
    """Forbid caching any response to a logged-in user: pages, exports and photos.

    Whatever a logged-in user is sent may carry personal data, and must not stay in the browser's
    or a proxy's cache after they log out (a shared office computer, a village's shared phone).
    A page marked `core.offline.kept_offline` (numbers masked) is revalidated at every request
    instead, so that the service worker may keep it for reading without a signal; logging out
    clears it.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        logged_in = request.user.is_authenticated
        response = get_response(request)
        if getattr(response, "kept_offline", False):
            offline_copy_allowed(response)
        elif logged_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


class FormSentTwiceMiddleware:
    """Answer a create form sent again after its first sending was saved: back to what that
    sending added, with a word that nothing was added twice. Views need not catch
    FormAlreadySent themselves."""

    def __init__(self, get_response: Middleware):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, FormAlreadySent):
            return None
        messages.info(request, _("This form was sent twice; it was saved only once."))
        return redirect(exception.leads_to or request.get_full_path())
