"""What each step's measures say: how far the step has come, what to do next (with the page that
does it), and the first hundred days of a team that has just arrived. A guide, never a gate: no
page of the product asks whether a step is done."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Min
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.playbook.measures import STEPS, Measure, Step, key_group_key


@dataclass(frozen=True)
class Next:
    """Advice shown while a measure falls short: the text, and the page that does it (a URL
    name, and whether it takes the village as a path argument or which query parameter). The
    pages are the lists and overviews everyone who sees the village may open; each offers its
    forms to those who may write."""

    text: Promise
    url_name: str
    village_as: str = ""  # "" (no village), "path", or a query parameter's name


KEY_GROUP_KEYS = {key_group_key(group.value): group for group in KeyGroup}
# The key groups share one piece of advice, naming the groups that fall short.
KEY_GROUPS_ADVICE = Next(
    _("Meet the people of the key groups not met in the last 90 days: {groups}."),
    "fieldwork:coverage",
    "village",
)


NEXT: dict[str, Next] = {
    "county_offices": Next(
        _(
            "Add the county's Party committee, government and the departments in charge of the "
            "work to the directory, with who is in charge."
        ),
        "directory:organisation-list",
    ),
    "township_offices": Next(
        _("Add the township's Party committee and government, with who is in charge of the work."),
        "directory:organisation-list",
    ),
    "village_offices": Next(
        _(
            "Add the village's Party branch, villagers' committee and supervision committee, "
            "with their members."
        ),
        "directory:organisation-list",
    ),
    "helping_units": Next(
        _("Add the team's home unit or the assisting unit with its contact person."),
        "directory:contact-list",
    ),
    "former_cadres": Next(
        _("Add the former village cadres and first secretaries, and get in touch with them."),
        "directory:contact-list",
    ),
    "expected_points": Next(
        _(
            "Walk the village: put its office, school, clinic, water sources, fire-fighting "
            "points and venues on the map."
        ),
        "directory:profile",
        "path",
    ),
    "history_notes": Next(
        _("Write down the village's history, customs and notable people."),
        "directory:profile",
        "path",
    ),
    "registry_complete": Next(
        _(
            "Complete the members' records: identity number, ethnicity, political status, "
            "education or schooling, labour ability."
        ),
        "registry:household-list",
        "village",
    ),
    "households_visited": Next(
        _("Visit the households not visited in the last 90 days."),
        "fieldwork:coverage",
        "village",
    ),
    **dict.fromkeys(KEY_GROUP_KEYS, KEY_GROUPS_ADVICE),
    "people_notes": Next(
        _(
            "Note what you learn about people: their attitude, interests and influence, from a "
            "person's page."
        ),
        "registry:household-list",
        "village",
    ),
    "problems": Next(
        _("Register the problems villagers raise."),
        "fieldwork:problem-list",
        "village",
    ),
    "problems_with_causes": Next(
        _("Analyse each problem: write its subjective and objective causes."),
        "fieldwork:problem-list",
        "village",
    ),
    "problems_solved": Next(
        _("Work on the open problems; refer those that need outside help."),
        "fieldwork:problem-list",
        "village",
    ),
    "consultations": Next(
        _("Consult the township and county leaders, the home unit and the departments."),
        "development:help-list",
        "village",
    ),
    "requests": Next(
        _("Ask for the support that the village's problems need."),
        "development:help-list",
        "village",
    ),
    "requests_answered": Next(
        _("Follow up the requests not yet granted."),
        "development:help-list",
        "village",
    ),
    "natives": Next(
        _("Add the natives outside the village who could help."),
        "directory:contact-list",
    ),
    "decisions": Next(
        _("Bring the ideas to the two committees and the villagers' meetings for a decision."),
        "governance:meeting-list",
        "village",
    ),
    "tasks_done": Next(
        _("Follow up the tasks past their due date."),
        "governance:task-list",
        "village",
    ),
    "briefings": Next(
        _("Report the decisions up to the township and pass them down to the villagers."),
        "governance:matter-list",
        "village",
    ),
    "in_need_visited": Next(
        _("Visit the households in need not visited within the visit interval."),
        "fieldwork:coverage",
        "village",
    ),
    "in_need_helped": Next(
        _("Name a helper for every household in need, from the household's page."),
        "registry:household-list",
        "village",
    ),
    "gaps_reviewed": Next(
        _("Review the gap report: check each line or turn it into a problem."),
        "welfare:gap-report",
        "area",
    ),
    "industry_plan": Next(
        _("Write this year's industry plan."),
        "projects:plan-list",
        "village",
    ),
    "projects": Next(
        _("Decide on one or two key projects."),
        "projects:project-list",
        "village",
    ),
    "projects_built": Next(
        _("Carry the projects through to their acceptance."),
        "projects:project-list",
        "village",
    ),
    "cooperatives": Next(
        _("Record the village's cooperatives, or help found one."),
        "economy:cooperative-list",
        "village",
    ),
    "households_grouped": Next(
        _("Organise the households not yet in a ten-household group."),
        "organisation:group-list",
        "village",
    ),
    "trainings": Next(
        _("Hold a training for Party members or villagers this year."),
        "organisation:training-list",
        "village",
    ),
    "talents": Next(
        _("Find the village's talent and add them to the pool."),
        "organisation:talent-list",
        "village",
    ),
}


class ListShown:
    """Labels joined in the active language when shown: 、 in Chinese, a comma in English."""

    def __init__(self, labels):
        self.labels = labels

    def __str__(self):
        language = get_language() or ""
        return ("、" if language.startswith("zh") else ", ").join(str(x) for x in self.labels)


def url_of(advice: Next, code: str) -> str:
    if advice.village_as == "path":
        return reverse(advice.url_name, args=[code])
    url = reverse(advice.url_name)
    if advice.village_as:
        url += "?" + urlencode({advice.village_as: code})
    return url


def reached(measure: Measure) -> bool | None:
    """Whether a measure has what it counts: a share at 100 %, a count above zero; None for a
    share with nothing to count (no household in need, no problem)."""
    if measure.denominator is None:
        return measure.numerator > 0
    if measure.denominator == 0:
        return None
    return measure.numerator >= measure.denominator


class State:
    NOT_STARTED = "not_started"
    UNDER_WAY = "under_way"
    COVERED = "covered"


STATE_LABELS = {
    State.NOT_STARTED: _("Not started"),
    State.UNDER_WAY: _("Under way"),
    State.COVERED: _("Covered"),
}


@dataclass
class Action:
    text: Promise
    url: str


@dataclass
class StepGuide:
    step: Step
    measures: list[Measure]
    state: str
    actions: list[Action] = field(default_factory=list)
    # The library's articles for the step (`library.selectors.articles_by_step`), set by the page.
    articles: list = field(default_factory=list)

    @property
    def state_label(self) -> Promise:
        return STATE_LABELS[self.state]


def state_of(measures: list[Measure]) -> str:
    """Not started: every figure is zero. Covered: every measure has what it counts (shares
    with nothing to count left aside). Under way: anything between."""
    if all(m.numerator == 0 for m in measures):
        return State.NOT_STARTED
    if all(reached(m) is not False for m in measures):
        return State.COVERED
    return State.UNDER_WAY


def guide_of(code: str, measures: list[Measure]) -> list[StepGuide]:
    """The ten steps of a village with their measures, state and next actions: the advice of
    every measure that falls short, in the measures' order; the key groups that fall short share
    one piece of advice that names them."""
    guides = []
    for step in STEPS:
        own = [m for m in measures if m.step == step.number]
        actions: list[Action] = []
        short = [m for m in own if reached(m) is False]
        groups = [KEY_GROUP_KEYS[m.key].label for m in short if m.key in KEY_GROUP_KEYS]
        for measure in short:
            if measure.key not in KEY_GROUP_KEYS:
                advice = NEXT[measure.key]
                actions.append(Action(text=advice.text, url=url_of(advice, code)))
            elif measure.key == next(m.key for m in short if m.key in KEY_GROUP_KEYS):
                text = format_lazy(KEY_GROUPS_ADVICE.text, groups=ListShown(groups))
                actions.append(Action(text=text, url=url_of(KEY_GROUPS_ADVICE, code)))
        guides.append(StepGuide(step=step, measures=own, state=state_of(own), actions=actions))
    return guides


# The first hundred days: (step, first day, last day), counted from the day of arrival as day 1,
# in the order a new team takes them. The organisation comes first, the village next, then people
# and their problems; policies are checked from the third week; decisions, the organisation's
# strengthening and industries close the period.
DAYS = 100
HUNDRED_DAYS: tuple[tuple[int, int, int], ...] = (
    (1, 1, 7),
    (2, 1, 14),
    (3, 8, 30),
    (4, 8, 60),
    (8, 15, 100),
    (5, 31, 75),
    (6, 46, 90),
    (7, 61, 100),
    (10, 61, 100),
    (9, 76, 100),
)


@dataclass
class PlannedStep:
    guide: StepGuide
    first_day: int
    last_day: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    # The step's days are over and it is not covered: said, never enforced.
    past: bool
    # Today falls within the step's days.
    current: bool


def arrival_of(village: Area, *, today: datetime.date) -> datetime.date | None:
    """The team's arrival: the earliest start of a current assignment to the village of a team
    member (one who keeps the team's diary: a resident cadre); None when none is assigned now."""
    return (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .current(today)
        .filter(area=village)
        .aggregate(first=Min("starts_on"))["first"]
    )


def hundred_days(
    guides: list[StepGuide], *, arrival: datetime.date | None, today: datetime.date
) -> list[PlannedStep]:
    by_number = {guide.step.number: guide for guide in guides}
    planned = []
    for number, first, last in HUNDRED_DAYS:
        guide = by_number[number]
        starts_on = arrival + datetime.timedelta(days=first - 1) if arrival else None
        ends_on = arrival + datetime.timedelta(days=last - 1) if arrival else None
        planned.append(
            PlannedStep(
                guide=guide,
                first_day=first,
                last_day=last,
                starts_on=starts_on,
                ends_on=ends_on,
                past=bool(ends_on and ends_on < today and guide.state != State.COVERED),
                current=bool(starts_on and starts_on <= today <= ends_on),
            )
        )
    return planned
