"""The policy catalogue, and the page where rule keepers edit a policy's rule."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core.concurrency import saved_once
from villagedesk.core.spreadsheets import download
from villagedesk.library import selectors as library
from villagedesk.welfare import selectors, services
from villagedesk.welfare.codes import BenefitUnit
from villagedesk.welfare.forms import RuleForm
from villagedesk.welfare.views.request_values import report_day
from villagedesk.welfare.views.service_errors import errors_on_form


@login_required
def policy_list(request):
    day = report_day(request)
    return render(
        request,
        "welfare/policy_list.html",
        {
            "policies": selectors.policy_rules_described(day=day),
            "care": selectors.policy_list(care=True),
            "day": day,
            "keeps_rules": permissions.holds_anywhere(request.user, Capability.KEEP_RULES),
        },
    )


@login_required
def rule_edit(request, code):
    policy = selectors.policy_get(code=code)
    permissions.require_anywhere(request.user, Capability.KEEP_RULES)
    current = selectors.rule_latest(policy=policy)
    if request.GET.get("format") == "json" and current:
        return download(
            json.dumps(current.definition, ensure_ascii=False, indent=2).encode(),
            filename=f"{policy.code}-v{current.version}.json",
            content_type="application/json",
        )
    initial = {
        "definition": json.dumps(current.definition, ensure_ascii=False, indent=2)
        if current
        else "{}"
    }
    areas = {a.code: a for a in selectors.rule_area_list(user=request.user)}
    form = RuleForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        areas=areas.values(),
        keeps_default=permissions.keeps_default_rules(request.user),
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        definition = form.cleaned_data["definition"]
        day = form.cleaned_data["effective_from"]
        refused = _("Only an administrator changes the default: choose your county.")
        with errors_on_form(form, field="definition", refused=refused):
            preview = selectors.rule_match_count(
                user=request.user, policy=policy, definition=definition, day=day
            )
            if "save" in request.POST:
                with saved_once(form) as receipt:
                    rule = services.rule_save(
                        by=request.user,
                        policy=policy,
                        definition=definition,
                        effective_from=day,
                        area=areas.get(form.cleaned_data["area"]),
                    )
                    receipt.leads_to("welfare:rule-edit", code=policy.code)
                messages.success(request, _("Version %(v)s saved.") % {"v": rule.version})
                return redirect("welfare:rule-edit", code=policy.code)
    return render(
        request,
        "welfare/rule_edit.html",
        {
            "policy": policy,
            "form": form,
            "preview": preview,
            "versions": selectors.rule_versions(policy=policy),
            "unit": BenefitUnit(policy.benefit_unit).label,
            "articles": library.articles_for_policy(user=request.user, policy_key=policy.code),
        },
    )
