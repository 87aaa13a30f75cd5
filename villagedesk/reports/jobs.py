"""Scoped reads for the report pages: what a user may have written, and their own jobs."""

from django.db.models import Q, QuerySet
from django.http import Http404

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.reports.models import ReportJob


def report_villages(*, user: User) -> QuerySet[Area]:
    """The villages in the user's view whose reports the user may have written."""
    return permissions.village_list(user, Capability.MAKE_REPORTS)


def report_townships(*, user: User) -> QuerySet[Area]:
    """The townships whose summary the user may have written, by code."""
    return (
        Area.objects.within(permissions.prefixes(user, Capability.MAKE_REPORTS))
        .visible_to(user)
        .filter(level=Level.TOWNSHIP)
        .order_by("code")
    )


def report_members(*, user: User) -> QuerySet[Assignment]:
    """The team members' assignments in villages whose reports the user may have written: all
    of them for one who supervises the village, else the user's own."""
    assignments = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__in=report_villages(user=user))
        .select_related("user", "area")
        .order_by("area__code", "user__username", "pk")
    )
    supervised = permissions.prefixes(user, Capability.SUPERVISE)
    if not supervised:
        return assignments.filter(user=user)
    mine = Q(user=user)
    for prefix in supervised:
        mine |= Q(area__code__startswith=prefix)
    return assignments.filter(mine)


def report_job_get(*, user: User, pk: int) -> ReportJob:
    """One of the user's own report jobs; 404 for anyone else's."""
    job = ReportJob.objects.select_related("area", "member").filter(pk=pk, user=user).first()
    if job is None:
        raise Http404
    return job


def report_job_list(*, user: User, limit: int = 10) -> list[ReportJob]:
    """The user's latest report jobs, newest first."""
    return list(ReportJob.objects.filter(user=user).select_related("area", "member")[:limit])
