"""Writes on outside help: only those who keep a village's records write its consultations."""

from django.db import transaction

from villagedesk.accounts.models import User
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.registry.services import require_edit


@transaction.atomic
def consultation_record(*, by: User, consultation: Consultation) -> Consultation:
    """Record a consultation for a village the user keeps."""
    require_edit(by, consultation.village.code)
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def request_save(*, by: User, request: SupportRequest) -> SupportRequest:
    """Add or update a request for support of a village the user keeps."""
    require_edit(by, request.village.code)
    if request.pk:
        kept = SupportRequest.objects.filter(pk=request.pk).values_list("area_code", flat=True)
        require_edit(by, kept.first() or "")
    request.full_clean()
    request.save()
    return request
