"""Writes on outside help: only those who keep a village's records (`Capability.KEEP_REGISTRY`)
write its consultations and requests; each write names its author in the history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.core.saving import validated_save
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.fieldwork.models import Problem


@transaction.atomic
def consultation_record(*, by: User, consultation: Consultation) -> Consultation:
    """Record a consultation for a village the user keeps."""
    permissions.require(by, Capability.KEEP_REGISTRY, consultation.village.code)
    validated_save(consultation, by=by)
    return consultation


@transaction.atomic
def request_save(
    *, by: User, request: SupportRequest, problems: list[Problem] | None = None
) -> SupportRequest:
    """Add or update a request for support of a village the user keeps, with the problems of that
    village it answers (None leaves the problems as they are)."""
    permissions.require(by, Capability.KEEP_REGISTRY, request.village.code)
    if request.pk:
        kept = SupportRequest.objects.filter(pk=request.pk).values_list("area_code", flat=True)
        permissions.require(by, Capability.KEEP_REGISTRY, kept.first() or "")
    if problems is not None and any(p.village_id != request.village_id for p in problems):
        raise ValidationError(
            {"problems": _("A request answers only problems of its own village.")}
        )
    validated_save(request, by=by)
    if problems is not None:
        request.problems.set(problems)
    return request
