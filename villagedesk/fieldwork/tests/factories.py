import datetime

from django.utils import timezone

from villagedesk.fieldwork.codes import ProblemCategory
from villagedesk.fieldwork.models import Problem, Visit


def make_visit(*, household, visitor, days_ago: int = 0, persons=(), **fields) -> Visit:
    visit = Visit.objects.create(
        village=household.village,
        household=household,
        visitor=visitor,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )
    visit.persons.set(persons)
    return visit


def make_problem(*, village, by, **fields) -> Problem:
    fields.setdefault("title", "路灯坏了")
    fields.setdefault("category", ProblemCategory.INFRASTRUCTURE)
    return Problem.objects.create(village=village, created_by=by, **fields)
