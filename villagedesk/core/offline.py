"""The pages a cadre reads and fills in without a signal, and the service worker that keeps them.

A page a view marks `kept_offline` is sent `Cache-Control: private, no-cache` instead of the
`no-store` every other page of a logged-in user gets (`core.middleware.personal_pages_not_stored`),
and the service worker (`/sw.js`, `core/offline/sw.js` rendered with the hashed names of the assets
it keeps) keeps a copy only of responses that are not `no-store`. Those pages show personal numbers
masked; a revealed number is only ever the answer to a POST, `no-store` like everything not marked
here, so nothing revealed is kept on the device. Logging out clears the copies (`Clear-Site-Data`,
and `static/js/offline.js` before it).

The worker's keeping runs in the background and names itself (KEEPING_HEADER): it is not the
user's activity, and its answers set no cookie. An answer landing after the user logged out and
opened the login form must not put back the old CSRF cookie under that form, nor the old session.

On a weak signal the phone believes it is online, and a form may be sent and never answered. A
form the phone may queue is sent carrying a key made on the phone (OFFLINE_KEY_FIELD), kept on
the phone meanwhile; the worker keeps it waiting when the sending fails or hangs, to be sent
through the API under the same key. The view records the key with what the form made
(`fieldwork.services.sent_once`), so that the API's sending of a form the server did save gets
that record rather than making a second (docs/architecture.md, "Working offline").
"""

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# What the worker keeps for every page: the files every page loads, and the offline page.
ASSETS = [
    "css/villagedesk.css",
    "vendor/htmx-2.0.11.min.js",
    "js/villagedesk.js",
    "js/offline.js",
    "favicon.svg",
]

# The hidden field of a form the phone may queue: the key made on the phone for one sending.
OFFLINE_KEY_FIELD = "offline_key"
OFFLINE_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,100}")

# The header the service worker sends with the pages it fetches in the background to keep them.
KEEPING_HEADER = "X-Offline-Keeping"


def is_background_keeping(request: HttpRequest) -> bool:
    """Whether the request is the service worker keeping a page, not the user asking for it."""
    return request.headers.get(KEEPING_HEADER) == "1"


def keeping_sets_no_cookie(get_response: Callable) -> Callable:
    """Drop the session and CSRF cookies from the answers to the worker's keeping (placed before
    the session and CSRF middleware, so it sees their cookies)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if is_background_keeping(request):
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    del response.cookies[name]
        return response

    return middleware


def offline_key_of(data) -> str | None:
    """The key the phone made for this sending of a form (`OFFLINE_KEY_FIELD`), or None when
    the form carries none or one not of the shape the phone makes."""
    key = str(data.get(OFFLINE_KEY_FIELD, ""))
    return key if OFFLINE_KEY_PATTERN.fullmatch(key) else None


def kept_offline(view: Callable) -> Callable:
    """Let the service worker keep a copy of the view's successful answers to GET, for reading
    and filling in without a signal. Only for pages that show personal numbers masked."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response.kept_offline = True
        return response

    return wrapped


def offline_copy_allowed(response: HttpResponse) -> None:
    """The header of a page the service worker may keep: revalidated at every request."""
    patch_cache_control(response, private=True, no_cache=True, max_age=0)


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that it controls every page. Its text names
    the hashed assets, so a release with new assets is a new worker that drops the old copies."""
    assets = [static(path) for path in ASSETS]
    context = {
        "assets": json.dumps(assets),
        "version": hashlib.sha256(" ".join(assets).encode()).hexdigest()[:12],
        "offline_url": json.dumps(reverse("offline")),
        "keeping_header": json.dumps(KEEPING_HEADER),
        "key_field": json.dumps(OFFLINE_KEY_FIELD),
    }
    response = render(
        request, "core/offline/sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the name in the user's language, the icon, the home page."""
    return JsonResponse(
        {
            "name": _("Village Desk"),
            "short_name": _("Village Desk"),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b42318",
            "icons": [
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {
                    "src": static("icon-maskable.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@kept_offline
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it has no copy of while there is no connection."""
    return render(request, "core/offline/offline.html")
