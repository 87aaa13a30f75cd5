from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from villagedesk.accounts import services
from villagedesk.accounts.forms import AreaFocusForm, LanguageForm, LoginForm
from villagedesk.accounts.middleware import FOCUS_SESSION_KEY


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def safe_next(request, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def with_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    next_url = request.POST.get("next") or request.GET.get("next")
    form = LoginForm(request, data=request.POST or None)
    throttled = None
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        address = client_address(request)
        if services.login_is_throttled(username=username, address=address):
            # Do not even check the password: a throttled name learns nothing.
            form = LoginForm(request, initial={"username": username})
            throttled = form.error_messages["throttled"] % {
                "minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES
            }
            status = 429
        elif form.is_valid():
            user = form.get_user()
            services.login_failures_clear(username=username)
            auth_login(request, user)
            response = HttpResponseRedirect(
                safe_next(request, next_url, settings.LOGIN_REDIRECT_URL)
            )
            if user.language:
                with_language_cookie(response, user.language)
            return response
        else:
            services.login_failure_record(username=username, address=address)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or "", "throttled": throttled},
        status=status,
    )


@require_POST
def logout(request):
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect("reports:home")
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"], "reports:home"))
    return with_language_cookie(response, language)


@login_required
@require_POST
def area_focus(request):
    form = AreaFocusForm(request.POST)
    form.is_valid()
    prefix = form.cleaned_data.get("prefix") or ""
    if prefix and prefix in {a.area.prefix for a in request.user.current_assignments()}:
        request.session[FOCUS_SESSION_KEY] = prefix
    else:
        request.session.pop(FOCUS_SESSION_KEY, None)
    return HttpResponseRedirect(safe_next(request, form.cleaned_data.get("next"), "reports:home"))
