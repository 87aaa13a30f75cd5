"""Scoped reads of outside help: a village's consultations and requests are its team's own."""

from django.db.models import QuerySet

from villagedesk.accounts.models import User
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.fieldwork.models import Problem


def consultation_list(*, user: User, village: str = "") -> QuerySet[Consultation]:
    """Consultations of the villages in the user's areas, newest first."""
    consultations = Consultation.objects.visible_to(user)
    if village:
        consultations = consultations.filter(area_code=village)
    return consultations.select_related("village", "contact", "organisation")


def request_list(*, user: User, village: str = "") -> QuerySet[SupportRequest]:
    """Requests for support of the villages in the user's areas, newest first."""
    requests = SupportRequest.objects.visible_to(user)
    if village:
        requests = requests.filter(area_code=village)
    return requests.select_related("village", "body").prefetch_related("problems")


def request_get(*, user: User, pk: int) -> SupportRequest:
    """One request of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(
        SupportRequest.objects.select_related("village", "body"), user=user, pk=pk
    )


def requests_answering(*, user: User, problem: Problem) -> QuerySet[SupportRequest]:
    """Requests of the user's areas that answer a problem already fetched through its selector."""
    return request_list(user=user).filter(problems=problem)
