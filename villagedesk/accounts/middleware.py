"""Per-request session rules: the area in focus, session timeouts and the second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import ngettext

from villagedesk.accounts import second_factor
from villagedesk.core.offline import is_background_keeping

FOCUS_SESSION_KEY = "focus_area_prefix"
# Unix times: when the session logged in, and when it was last used (to the minute).
STARTED_SESSION_KEY = "session_started_at"
LAST_SEEN_SESSION_KEY = "session_last_seen_at"
# The last-use time is written at most once a minute, not on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60


def stamp_session_at_login(sender, request, user, **kwargs):
    """At every login (user_logged_in), note when, and what second step the session owes.

    Done on the signal rather than in the login view so that every way of logging in (the
    test client's force_login included) gives a session the middleware below can judge without
    a query or a write on its next request.
    """
    now = int(time.time())
    request.session[STARTED_SESSION_KEY] = now
    request.session[LAST_SEEN_SESSION_KEY] = now
    request.session[second_factor.DUE_SESSION_KEY] = second_factor.step_for(user) or ""


class AreaFocusMiddleware:
    """Narrow a user with several areas to the one they chose in the area switcher."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user.focus_prefix = request.session.get(FOCUS_SESSION_KEY)
        return self.get_response(request)


def redirect_to(request, url: str):
    """A redirect that htmx follows with a full page load rather than swapping it in."""
    if request.headers.get("HX-Request"):
        response = HttpResponseRedirect(url)
        response.status_code = 204
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def with_next(request, url: str) -> str:
    if request.method == "GET":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SessionTimeoutMiddleware:
    """End a session unused for SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE.

    The absolute limit is kept here too: the session's expiry date moves forward each time the
    session is saved, and the idle clock saves it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(STARTED_SESSION_KEY, now)
            last_seen = session.get(LAST_SEEN_SESSION_KEY, now)
            idle_minutes = settings.SESSION_IDLE_MINUTES
            if now - last_seen > idle_minutes * 60:
                return self.end(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity.",
                        "You were logged out after %(minutes)d minutes without activity.",
                        idle_minutes,
                    )
                    % {"minutes": idle_minutes},
                )
            if now - started > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                return self.end(
                    request,
                    ngettext(
                        "You were logged out: a session lasts at most %(hours)d hour.",
                        "You were logged out: a session lasts at most %(hours)d hours.",
                        hours,
                    )
                    % {"hours": hours},
                )
            # The service worker keeping pages in the background is not the user's activity.
            if not is_background_keeping(request) and (
                LAST_SEEN_SESSION_KEY not in session
                or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS
            ):
                session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)

    def end(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect_to(request, with_next(request, reverse(settings.LOGIN_URL)))


class SecondFactorMiddleware:
    """Keep a session that owes its second factor on the pages of that step.

    After the password a user with an authenticator app must give a code, and a user whose role
    requires one must enrol an app; until then any other page sends them there. A view marked
    with `second_factor.answers_itself` (the API's) refuses such a session in its own way.
    """

    # The pages such a session may open (url names in the accounts namespace).
    OPEN_DURING_STEP = {"login", "logout", "language-set", "second-factor-verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_factor_answered", False):
            return None
        step = second_factor.step_due(request)
        if step is None:
            return None
        match = request.resolver_match
        open_pages = self.OPEN_DURING_STEP | ({"second-factor-enrol"} if step == "enrol" else set())
        if match is not None and match.namespace == "accounts" and match.url_name in open_pages:
            return None
        target = (
            "accounts:second-factor-verify" if step == "verify" else "accounts:second-factor-enrol"
        )
        return redirect_to(request, with_next(request, reverse(target)))
