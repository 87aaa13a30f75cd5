"""The access-token page: a user makes tokens for programs (the secret shown once) and revokes
them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.api import selectors, services
from villagedesk.api.forms import TokenForm
from villagedesk.core.concurrency import saved_once


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        with saved_once(form) as receipt:
            token, secret = services.token_create(
                by=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                request=request,
            )
            receipt.leads_to("api:token-list")
        form = TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": selectors.token_list(user=request.user),
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(by=request.user, token=token, request=request)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("api:token-list")
