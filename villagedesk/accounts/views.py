from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from villagedesk.accounts import network, second_factor, services
from villagedesk.accounts.forms import (
    AreaFocusForm,
    EnrolForm,
    LanguageForm,
    LoginForm,
    SecondFactorForm,
)
from villagedesk.accounts.middleware import FOCUS_SESSION_KEY


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
def login(request, default_next: str | None = None):
    """The password step; also the admin site's login (sites.AdminSite), so both are throttled.

    Each attempt is counted before its password is checked (services.login_attempt_begin): an
    attempt over the limit is refused without checking anything, whatever the password.
    """
    next_url = request.POST.get("next") or request.GET.get("next") or default_next
    form = LoginForm(request, data=request.POST or None)
    throttled = None
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        attempt = services.login_attempt_begin(
            username=username, address=network.client_address(request)
        )
        if attempt is None:
            form = LoginForm(request, initial={"username": username})
            throttled = form.error_messages["throttled"] % {
                "minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES
            }
            status = 429
        elif form.is_valid():
            user = form.get_user()
            services.login_succeeded(username=username)
            auth_login(request, user)
            step = request.session[second_factor.DUE_SESSION_KEY]
            destination = safe_next(request, next_url, settings.LOGIN_REDIRECT_URL)
            if step:
                page = "second-factor-verify" if step == "verify" else "second-factor-enrol"
                destination = f"{reverse('accounts:' + page)}?{urlencode({'next': destination})}"
            response = HttpResponseRedirect(destination)
            if user.language:
                with_language_cookie(response, user.language)
            return response
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or "", "throttled": throttled},
        status=status,
    )


@never_cache
def second_factor_verify(request):
    """The code step after the password, for a user with an authenticator app."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), settings.LOGIN_REDIRECT_URL
    )
    device = second_factor.device_for(request.user)
    if device is None or request.user.is_verified():
        # Nothing to verify (done already, or the app was removed meanwhile): decide anew.
        request.session.pop(second_factor.DUE_SESSION_KEY, None)
        return HttpResponseRedirect(next_url)
    form = SecondFactorForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        request.session.cycle_key()
        request.session[second_factor.DUE_SESSION_KEY] = ""
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
def second_factor_enrol(request):
    """Enrol an authenticator app: show its secret (text and QR code), confirm with a code.

    The secret waits in the session until the first code confirms it. A session that has not
    given the code of an app it already has cannot enrol another (SecondFactorMiddleware).
    """
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), "accounts:password-change"
    )
    key = request.session.get(second_factor.ENROL_KEY_SESSION_KEY)
    if key is None or (request.method == "GET" and "again" in request.GET):
        key = second_factor.new_key()
        request.session[second_factor.ENROL_KEY_SESSION_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_enrol(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            request.session.cycle_key()
            request.session.pop(second_factor.ENROL_KEY_SESSION_KEY, None)
            request.session[second_factor.DUE_SESSION_KEY] = ""
            messages.success(request, _("Your authenticator app is set up."))
            return HttpResponseRedirect(next_url)
    uri = second_factor.otpauth_uri(request.user, key)
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "uri": uri,
            "secret": second_factor.secret_text(key),
            "qr": second_factor.qr_data_uri(uri),
            "required": second_factor.required_for(request.user),
            "has_device": second_factor.device_for(request.user) is not None,
        },
    )


@login_required
@require_POST
def second_factor_remove(request):
    try:
        services.second_factor_remove(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        request.session[second_factor.DUE_SESSION_KEY] = ""
        messages.success(request, _("Your authenticator app was removed."))
    return redirect("accounts:password-change")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the validators of AUTH_PASSWORD_VALIDATORS apply); the page
    also shows the state of the second factor."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            has_device=second_factor.device_for(user) is not None,
            second_factor_required=second_factor.required_for(user),
        )


password_change = PasswordChangeView.as_view()


@require_POST
def logout(request):
    """Log out, and have the browser drop what it keeps of the site: the pages kept for reading
    offline and the queue of what was written offline (the page warned of unsent items first)."""
    auth_logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


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
