"""Every page a user reaches takes the same number of queries whatever the size of the data.

The demo county is seeded twice: one village of a few households, then three villages of thirty
households each, and each village is given one (then three) of every kind of record the pages
list (supporters, monitoring cases with their steps and measures, helpers, notes, import jobs).
Each page is asked for twice by a county supervisor and by a village cadre (the first answer
warms nothing the second relies on but the session), and the queries of the second answer must
equal the page's pinned number at both sizes: a query per row (N+1) or a new query per request
fails here.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from villagedesk.accounts.models import Assignment, User
from villagedesk.areas.models import Area, Level
from villagedesk.development.models import SupportRequest
from villagedesk.directory.models import Contact, Organisation
from villagedesk.economy.models import Cooperative, LandTransfer
from villagedesk.fieldwork.models import PersonNote, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit
from villagedesk.library.models import Article, Attachment, Tag
from villagedesk.library.tests.factories import article_make
from villagedesk.organisation.models import PartyMember
from villagedesk.projects.models import Asset, Project
from villagedesk.registry import figures
from villagedesk.registry.codes import SupporterRelation
from villagedesk.registry.models import Household, ImportJob, Person, Supporter
from villagedesk.welfare.codes import MeasureKind, Step
from villagedesk.welfare.models import (
    HouseholdHelper,
    Measure,
    MonitoredHousehold,
    ProcedureStep,
)
from villagedesk.welfare.tests.factories import worker_runs

# (villages, households, records of each kind added per village)
SIZES = {"small": (2, 20, 1), "large": (3, 90, 3)}
# The demo is drawn around its day, and pages show the current month: both are held on one day.
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class County:
    village: Area
    household: Household
    person: Person
    visit: Visit
    problem: Problem
    contact: Contact
    organisation: Organisation
    monitored: MonitoredHousehold
    request: SupportRequest
    job: ImportJob
    project: Project
    asset: Asset
    users: dict


def records_add(village: Area, count: int, cadre: User) -> None:
    """`count` of each kind of record the demo leaves out of a small village."""
    households = list(
        Household.objects.filter(village=village, monitoring=None).order_by("pk")[:count]
    )
    for number, household in enumerate(households):
        person = household.members.order_by("pk").first()
        Supporter.objects.create(
            household=household,
            supported=person,
            name="赵大山",
            relation=SupporterRelation.CHILD,
            birth_date=datetime.date(1975, 6, 1),
        )
        monitored = MonitoredHousehold.objects.create(
            household=household,
            year=2026,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=datetime.date(2026, 3, 1),
        )
        ProcedureStep.objects.create(
            monitored=monitored, step=Step.HOME_CHECK, done_on=datetime.date(2026, 3, 2)
        )
        Measure.objects.create(
            monitored=monitored, kind=MeasureKind.HEALTH, started_on=datetime.date(2026, 3, 5)
        )
        HouseholdHelper.objects.filter(household=household).delete()
        HouseholdHelper.objects.create(
            household=household, name="钱帮扶", unit="县卫健局", starts_on=datetime.date(2026, 1, 1)
        )
        PersonNote.objects.create(
            person=person, recorded_by=cadre, attitude="support", influence="high"
        )
        ImportJob.objects.create(user=cadre, area=village, original_name=f"台账{number}.xlsx")
        visit = make_visit(household=household, visitor=cadre, days_ago=number, persons=[person])
        problem = make_problem(village=village, by=cadre, visit=visit)
        problem.households.add(household)
        problem.persons.add(person)
        notice = article_make(
            village,
            kind="notice",
            title_zh=f"村务通知{number}",
            body_zh="本月走访低保家庭，请各村民小组做好准备。",
            steps=[4, 8],
            policy_keys=["dibao"],
            tags=list(Tag.objects.order_by("pk")[:2]),
        )
        Attachment.objects.create(
            article=notice, file="library/none.pdf", name="通知.pdf", kind="pdf", size=10
        )


@pytest.fixture(scope="module", params=list(SIZES))
def county(request, django_db_setup, django_db_blocker):
    villages, households, records = SIZES[request.param]
    with time_machine.travel(NOW), django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo",
            "--villages",
            str(villages),
            "--households",
            str(households),
            "--seed",
            "5",
            verbosity=0,
        )
        users = {name: User.objects.get(username=name) for name in ("county", "cadre1", "admin")}
        cadre_villages = []
        for village in Area.objects.filter(level=Level.VILLAGE).order_by("code"):
            cadre = Assignment.objects.filter(area=village).order_by("pk").first().user
            records_add(village, records, cadre)
            cadre_villages.append(village)
        village = Assignment.objects.get(user=users["cadre1"]).area
        monitored = (
            MonitoredHousehold.objects.filter(household__village=village, steps__isnull=False)
            .order_by("pk")
            .first()
        )
        household = monitored.household
        yield County(
            village=village,
            household=household,
            person=household.members.order_by("pk").first(),
            visit=Visit.objects.filter(village=village).order_by("pk").first(),
            problem=Problem.objects.filter(village=village).order_by("pk").first(),
            contact=Contact.objects.filter(area=village).order_by("pk").first()
            or Contact.objects.order_by("pk").first(),
            organisation=Organisation.objects.order_by("pk").first(),
            monitored=monitored,
            request=SupportRequest.objects.filter(village=village).order_by("pk").first(),
            job=ImportJob.objects.filter(area=village).order_by("pk").first(),
            project=Project.objects.filter(village=village).order_by("pk").first(),
            asset=Asset.objects.filter(project__village=village, asset_class="operating").first(),
            users=users,
        )
        transaction.set_rollback(True)


def roster_member(village: Area) -> PartyMember:
    return (
        PartyMember.objects.filter(village=village, probationary_on__isnull=False)
        .order_by("pk")
        .first()
    )


def url(name, *args, query=""):
    return reverse(name, args=args) + (f"?{query}" if query else "")


def first_of(model, village: Area):
    """The first row of the model in the village (of the demo's village economy)."""
    return model.objects.filter(area_code=village.code).order_by("pk").first()


def step_article() -> Article:
    """The demo's guidance for step 8, related to the villages' notices."""
    return Article.objects.get(key="step08_deliver_policies")


def notice_of(village: Area) -> Article:
    return Article.objects.filter(area=village).order_by("pk").first()


# Every authenticated page reads the session, the user, and the user's assignments with their
# areas before the view runs.
REQUEST = 3

# The pages of the menu and the pages they lead to: the path, then the queries each takes beyond
# REQUEST for a county supervisor and for a village cadre (None: the role may not open it).
PAGES = {
    # The due list's follow-ups and problems, the user's own tasks from village decisions, and
    # whether the user's areas are counted in the request or read from the county's kept counts.
    "home": (lambda c: url("reports:home"), 9, 9),
    "households": (lambda c: url("registry:household-list"), 4, 6),
    "households of a village": (
        lambda c: url("registry:household-list", query=f"village={c.village.code}"),
        5,
        6,
    ),
    "search by name": (lambda c: url("registry:household-list", query=f"q={c.person.name}"), 4, 6),
    "search by identity tail": (
        lambda c: url("registry:household-list", query=f"q={c.person.id_number[-4:]}"),
        5,
        7,
    ),
    "household": (lambda c: url("registry:household-detail", c.household.pk), 5, 5),
    "household form": (lambda c: url("registry:household-create"), None, 5),
    "household edit": (lambda c: url("registry:household-edit", c.household.pk), None, 5),
    "member form": (lambda c: url("registry:person-create", c.household.pk), None, 4),
    "person": (lambda c: url("registry:person-edit", c.person.pk), None, 1),
    "person notes": (lambda c: url("fieldwork:person-notes", c.person.pk), 2, 2),
    "person key groups": (lambda c: url("fieldwork:person-groups", c.person.pk), None, 2),
    # The household's income flows are one query more.
    "welfare of a household": (lambda c: url("welfare:household-explain", c.household.pk), 59, 59),
    "income": (lambda c: url("welfare:income-edit", c.household.pk), 6, 6),
    "helper": (lambda c: url("welfare:helper-edit", c.household.pk), 4, 4),
    # A village's two gap lists: each explained in one query, then its households read by key
    # with their members (two more); a list with no rows reads nothing more, and at both sizes
    # one of the demo village's two lists has none.
    "gap report": (lambda c: url("welfare:gap-report"), 11, 12),
    "gap report of a village": (
        lambda c: url("welfare:gap-report", query=f"area={c.village.code}"),
        12,
        12,
    ),
    "gap export": (lambda c: url("welfare:gap-export"), 11, 12),
    "policies": (lambda c: url("welfare:policy-list"), 13, 13),
    # The policy's articles of the guidance library are one query more.
    "rule": (lambda c: url("welfare:rule-edit", "dibao"), 5, None),
    "parameters": (lambda c: url("welfare:parameter-list"), 9, None),
    "enrolments": (lambda c: url("welfare:enrolment-list"), 2, 2),
    "enrolment form": (lambda c: url("welfare:enrolment-create"), 1, 1),
    "enrolment import": (lambda c: url("welfare:enrolment-import"), 1, 1),
    # A list with people at both sizes for both roles: an empty page reads no rows, one query
    # fewer.
    "care list": (lambda c: url("welfare:care-list", "disabled_persons"), 8, 8),
    "care list export": (
        lambda c: url("welfare:care-list", "left_behind_children", query="format=xlsx"),
        6,
        6,
    ),
    "poverty status": (lambda c: url("welfare:poverty-status"), 6, 14),
    "poverty status of a village": (
        lambda c: url("welfare:poverty-status", query=f"area={c.village.code}"),
        14,
        14,
    ),
    # Whether the area is counted in the request is asked by each of the two lists that may
    # be kept for a large area.
    "monitoring": (lambda c: url("welfare:monitoring"), 21, 21),
    "monitoring of a village": (
        lambda c: url("welfare:monitoring", query=f"area={c.village.code}"),
        21,
        21,
    ),
    "monitoring case": (lambda c: url("welfare:monitored-detail", c.monitored.pk), 6, 6),
    "monitoring form": (lambda c: url("welfare:monitored-create"), 0, 0),
    "monitoring edit": (lambda c: url("welfare:monitored-edit", c.monitored.pk), 1, 1),
    "visits": (lambda c: url("fieldwork:visit-list"), 4, 4),
    "visit form": (lambda c: url("fieldwork:visit-create"), 0, 0),
    "visit form for a household": (
        lambda c: url("fieldwork:visit-create", query=f"household={c.household.pk}"),
        None,
        4,
    ),
    "visit people": (
        lambda c: url("fieldwork:visit-people", query=f"q={c.person.name[:1]}"),
        1,
        1,
    ),
    "visit": (lambda c: url("fieldwork:visit-detail", c.visit.pk), 3, 3),
    "visits of a household": (lambda c: url("fieldwork:household-visits", c.household.pk), 8, 8),
    # The list of households never met is counted by the village's totals, not again.
    "coverage": (lambda c: url("fieldwork:coverage"), 8, 8),
    "problems": (lambda c: url("fieldwork:problem-list"), 3, 4),
    "problems as a list": (lambda c: url("fieldwork:problem-list", query="view=list"), 3, 4),
    "problem form": (lambda c: url("fieldwork:problem-create"), None, 3),
    "problem": (lambda c: url("fieldwork:problem-detail", c.problem.pk), 4, 4),
    "problem edit": (lambda c: url("fieldwork:problem-edit", c.problem.pk), None, 4),
    "problem requests": (lambda c: url("development:problem-requests", c.problem.pk), 4, 4),
    "diary": (lambda c: url("fieldwork:diary"), None, 5),
    "diary day": (lambda c: url("fieldwork:diary-edit", "2026-11-02"), None, 5),
    "attendance": (lambda c: url("fieldwork:attendance"), 4, None),
    "attendance export": (lambda c: url("fieldwork:attendance-export"), 6, None),
    "member diary": (lambda c: url("fieldwork:member-diary", c.users["cadre1"].pk), 3, None),
    "directory": (lambda c: url("directory:contact-list"), 4, 4),
    "contacts export": (lambda c: url("directory:contact-export-xlsx"), 3, 3),
    "contacts vcard": (lambda c: url("directory:contact-export-vcf"), 3, 3),
    "contact import": (lambda c: url("directory:contact-import"), 1, 1),
    "contact": (lambda c: url("directory:contact-detail", c.contact.pk), 3, 3),
    "contact form": (lambda c: url("directory:contact-create"), 4, 5),
    "contact edit": (lambda c: url("directory:contact-edit", c.contact.pk), 4, 5),
    "contact notes": (lambda c: url("fieldwork:contact-notes", c.contact.pk), 2, 2),
    "contact notes summary": (
        lambda c: url("fieldwork:contact-notes-summary", c.contact.pk),
        2,
        2,
    ),
    "organisations": (lambda c: url("directory:organisation-list"), 3, 3),
    "organisation": (lambda c: url("directory:organisation-detail", c.organisation.pk), 3, 3),
    "organisation edit": (
        lambda c: url("directory:organisation-edit", c.organisation.pk),
        3,
        None,
    ),
    "network": (lambda c: url("directory:network"), 5, 6),
    "network chart": (lambda c: url("directory:network-chart"), 3, 4),
    "village profiles": (lambda c: url("directory:profile-index"), 2, None),
    "village profile": (lambda c: url("directory:profile", c.village.code), 7, 7),
    # The profile's figures, coverage by month, problems, monitoring and the due list; the
    # policy gaps kept for the county's data as it is (one query for its generation).
    "village at a glance": (lambda c: url("reports:village-glance", c.village.code), 19, 19),
    "reports": (lambda c: url("reports:document-start"), 5, 5),
    "outside help": (lambda c: url("development:help-list"), 8, 9),
    "consultation form": (lambda c: url("development:consultation-create"), 2, 4),
    "request form": (lambda c: url("development:request-create"), 1, 4),
    "support request": (lambda c: url("development:request-edit", c.request.pk), 4, 6),
    "import": (lambda c: url("registry:import-start"), 1, 4),
    "import job": (lambda c: url("registry:import-detail", c.job.pk), None, 1),
    "ledger export": (lambda c: url("registry:ledger-export"), 1, 1),
    "party attendance": (lambda c: url("governance:party-attendance"), 3, 3),
    "party member attendance": (
        lambda c: url("governance:party-member-attendance", roster_member(c.village).pk),
        2,
        2,
    ),
    "local meeting rules": (lambda c: url("governance:rule-list"), 2, None),
    "projects": (lambda c: url("projects:project-list"), 2, 3),
    "project": (lambda c: url("projects:project-detail", c.project.pk), 10, 10),
    "project form": (lambda c: url("projects:project-create"), None, 3),
    "project asset": (lambda c: url("projects:asset-detail", c.asset.pk), 4, 4),
    "industry plans": (lambda c: url("projects:plan-list"), 2, 3),
    "projects overview": (lambda c: url("projects:rollup"), 11, 11),
    # The villages, their collectives' income, the townships, and each shown year's thresholds.
    "village economy": (lambda c: url("economy:rollup"), 8, 8),
    "cooperatives": (lambda c: url("economy:cooperative-list"), 2, 3),
    "cooperative": (
        lambda c: url("economy:cooperative-detail", first_of(Cooperative, c.village).pk),
        6,
        7,
    ),
    "collective": (lambda c: url("economy:collective", c.village.code), 15, 15),
    "village land": (lambda c: url("economy:village-land", c.village.code), 7, 7),
    "household land": (
        lambda c: url("economy:household-land", first_of(LandTransfer, c.village).household_id),
        4,
        4,
    ),
    "party roster": (lambda c: url("organisation:member-list"), 6, 7),
    "party member": (
        lambda c: url("organisation:member-detail", roster_member(c.village).pk),
        1,
        1,
    ),
    "ten-household groups": (lambda c: url("organisation:group-list"), 3, 7),
    "talent pool": (lambda c: url("organisation:talent-list"), 3, 4),
    "trainings": (lambda c: url("organisation:training-list"), 3, 4),
    "organisation roll-up": (lambda c: url("organisation:rollup"), 2, 2),
    # The playbook: the village, then its measures in a fixed number of queries
    # (`playbook.measures.measures_of`); a single-village cadre is sent from the list to it.
    "the ten steps": (lambda c: url("playbook:index"), 2, None),
    "the ten steps of a village": (lambda c: url("playbook:village", c.village.code), 26, 26),
    "the first 100 days": (lambda c: url("playbook:first-100-days", c.village.code), 26, 26),
    # The library: the count, the page and the tags of the articles the user sees.
    "library": (lambda c: url("library:article-list"), 3, 3),
    "library search": (lambda c: url("library:article-list", query="q=低保 走访"), 3, 3),
    # An article, its tags, steps, files and related articles.
    "library article": (lambda c: url("library:article-detail", step_article().pk), 5, 5),
    "library notice": (lambda c: url("library:article-detail", notice_of(c.village).pk), 5, 5),
    "library article form": (lambda c: url("library:article-create"), 4, None),
    "library article edit": (lambda c: url("library:article-edit", step_article().pk), 7, None),
    # The county, the state of its kept figures (the figures and the county's generation), the
    # month by month trend, the townships: the villages' table is kept (visited before).
    "county roll-up": (lambda c: url("reports:rollup", c.village.code[:6].ljust(12, "0")), 5, None),
    "password": (lambda c: url("accounts:password-change"), 1, 1),
    "second factor": (lambda c: url("accounts:second-factor-enrol"), 1, 1),
}

# Pages whose first visit writes what the next visits read: the network page and its chart
# queue the figures of the user's areas, the second-factor page makes the key to enrol, the
# village at a glance keeps the policy gaps it counted for the county's data as it is. They
# are pinned as visited again.
VISITED_BEFORE = {
    "network",
    "network chart",
    "second factor",
    "village at a glance",
    "county roll-up",
}

# Downloads append to the audit log; on PostgreSQL the append first takes the chain's advisory
# lock (SQLite writes one at a time anyway), one query more.
LOGGED = {
    "gap export",
    "care list export",
    "attendance export",
    "contacts export",
    "contacts vcard",
}

ROLES = {"supervisor": "county", "cadre": "cadre1"}

CASES = [
    pytest.param(page, role, id=f"{page}-{role}")
    for page, (_, *pins) in PAGES.items()
    for role, pin in zip(ROLES, pins, strict=True)
    if pin is not None
]

# On PostgreSQL a gap roll-up over several villages counts its lists in one query instead of one
# per list (`welfare.selectors.gap_counts`): two fewer.
JOINED_ROLL_UP = {"gap report", "gap export"}

# The county figures of these pages read from the stored figures (`welfare.figures`), as in a
# county of more households than are counted in the request (the roll-up: always), once the
# worker has computed them: the queries beyond REQUEST for the county supervisor.
# The roll-up's table is laid out again once new figures are in: the villages, the figures'
# state read again with them, and their rows, four queries beyond those of a kept table.
STORED_FIGURES = {"gap report": 11, "gap export": 11, "poverty status": 8, "county roll-up": 9}

# The audit log (in the administration site): the changelist, its count and the date
# hierarchy, beyond the administrator's session and user.
AUDIT_LOG = 6


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    return response, [query["sql"] for query in queries]


def listed(queries) -> str:
    return "\n".join(sql[:160] for sql in queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), CASES)
def test_a_page_takes_its_pinned_queries_at_any_size(county, page, role):
    path, *pins = PAGES[page]
    pin = dict(zip(ROLES, pins, strict=True))[role]
    client = Client()
    client.force_login(county.users[ROLES[role]])
    if page in VISITED_BEFORE:
        client.get(path(county))
    response, queries = queries_of(client, path(county))
    assert response.status_code == 200
    postgresql = connection.vendor == "postgresql"
    chain_lock = page in LOGGED and postgresql
    joined = page in JOINED_ROLL_UP and role == "supervisor" and postgresql
    assert len(queries) == REQUEST + pin + chain_lock - 2 * joined, listed(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(STORED_FIGURES))
def test_a_page_of_stored_figures_takes_its_pinned_queries_at_any_size(county, page, monkeypatch):
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", 0)
    path = PAGES[page][0](county)
    client = Client()
    client.force_login(county.users["county"])
    client.get(path)
    assert worker_runs() == 1
    response, queries = queries_of(client, path)
    assert response.status_code == 200
    if response.context:
        assert response.context["stored"].up_to_date
    chain_lock = page in LOGGED and connection.vendor == "postgresql"
    assert len(queries) == REQUEST + STORED_FIGURES[page] + chain_lock, listed(queries)


@pytest.mark.django_db
def test_the_audit_log_takes_its_pinned_queries_at_any_size(county):
    client = Client()
    client.force_login(county.users["admin"])
    response, queries = queries_of(client, reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert len(queries) == 2 + AUDIT_LOG, listed(queries)
