"""Writes on outside help: only those who keep a village's records write its consultations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts.models import User
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.fieldwork.models import Problem
from villagedesk.registry.services import require_edit


@transaction.atomic
def consultation_record(*, by: User, consultation: Consultation) -> Consultation:
    """Record a consultation for a village the user keeps."""
    require_edit(by, consultation.village.code)
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def request_save(
    *, by: User, request: SupportRequest, problems: list[Problem] | None = None
) -> SupportRequest:
    """Add or update a request for support of a village the user keeps, with the problems of that
    village it answers (None leaves the problems as they are)."""
    require_edit(by, request.village.code)
    if request.pk:
        kept = SupportRequest.objects.filter(pk=request.pk).values_list("area_code", flat=True)
        require_edit(by, kept.first() or "")
    if problems is not None and any(p.village_id != request.village_id for p in problems):
        raise ValidationError(
            {"problems": _("A request answers only problems of its own village.")}
        )
    request.full_clean()
    request.save()
    if problems is not None:
        request.problems.set(problems)
    return request
