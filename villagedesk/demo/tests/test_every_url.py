"""Every URL, as every role of one village, against the keys and data of another village.

The demo county is seeded with two villages in two townships. Village B's private records carry a
marker in their text, and B's keys (primary keys, area codes) are put into every URL pattern that
takes a key, by GET and by POST. For each role working in village A the test asserts: no answer is
a server error, no page shows a marker or a full identity number of B, every keyed page of B
answers 404 (or 405 where the method is not the view's), and nothing of B changes. A new URL
pattern is covered without being listed here; a pattern whose key this test cannot fill fails
until `KEYS` says which object fills it.
"""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.api.models import AccessToken
from villagedesk.api.services import token_create
from villagedesk.areas.models import Area, Level, PointOfInterest, VillageNote
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.directory.models import Contact, Link, Organisation
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveMember,
    CollectiveSpending,
    Cooperative,
    CooperativeMember,
    DividendShare,
    LandTransfer,
    Plot,
    RentReceipt,
)
from villagedesk.economy.models import Distribution as Dividend
from villagedesk.fieldwork.models import DiaryDay, DiaryPhoto, PersonNote, Problem, Visit
from villagedesk.governance.models import (
    AgendaItem,
    Briefing,
    Matter,
    Meeting,
    MeetingPhoto,
    PublicNotice,
    Task,
)
from villagedesk.library.models import Article, Attachment
from villagedesk.organisation.models import (
    GroupHousehold,
    PartyMember,
    Talent,
    TenHouseholdGroup,
    Training,
)
from villagedesk.projects.models import (
    Asset,
    AssetIncome,
    Beneficiary,
    BudgetLine,
    Distribution,
    IndustryPlan,
    Project,
    ProjectStage,
    Spending,
    WagePayment,
)
from villagedesk.registry.models import ExportJob, Household, ImportJob, Person, Supporter
from villagedesk.reports.models import ReportJob
from villagedesk.welfare.models import MonitoredHousehold

MARK = "乙村标记"
TOO_LARGE = 10**19 - 1  # past the 64-bit ids every database keeps

# For each URL name, the model whose row of village B fills the pattern's key. Patterns keyed by
# something that is not an area's record (a policy code, a day, the user's own diary) are listed
# in NOT_AREA_KEYED and requested with their own keys.
KEYS = {
    "registry:household-detail": Household,
    "registry:household-edit": Household,
    "registry:person-create": Household,
    "registry:person-edit": Person,
    "registry:person-reveal": Person,
    "registry:supporter-create": Household,
    "registry:supporter-edit": Supporter,
    "registry:supporter-delete": Supporter,
    "registry:import-detail": ImportJob,
    "registry:import-remap": ImportJob,
    "registry:import-load": ImportJob,
    "registry:import-progress": ImportJob,
    "registry:import-cancel": ImportJob,
    "registry:import-report": ImportJob,
    "welfare:household-explain": Household,
    "welfare:income-edit": Household,
    "welfare:helper-edit": Household,
    "welfare:monitored-detail": MonitoredHousehold,
    "welfare:monitored-edit": MonitoredHousehold,
    "fieldwork:visit-detail": Visit,
    "fieldwork:visit-photo": Visit,
    "fieldwork:visit-done": Visit,
    "fieldwork:household-visits": Household,
    "fieldwork:problem-detail": Problem,
    "fieldwork:problem-edit": Problem,
    "fieldwork:problem-move": Problem,
    "fieldwork:problem-answer": Problem,
    "fieldwork:person-groups": Person,
    "fieldwork:person-notes": Person,
    "fieldwork:contact-notes": Contact,
    "fieldwork:contact-notes-summary": Contact,
    "fieldwork:diary-photo": DiaryPhoto,
    "fieldwork:member-diary": User,
    "directory:contact-detail": Contact,
    "directory:contact-edit": Contact,
    "directory:contact-delete": Contact,
    "directory:link-create": Contact,
    "directory:link-delete": Link,
    "directory:organisation-detail": Organisation,
    "directory:organisation-edit": Organisation,
    "directory:position-create": Organisation,
    "directory:profile": Area,
    "directory:profile-points": Area,
    "directory:point-create": Area,
    "directory:note-create": Area,
    "directory:point-edit": PointOfInterest,
    "directory:point-photo": PointOfInterest,
    "directory:point-delete": PointOfInterest,
    "directory:note-edit": VillageNote,
    "development:request-edit": SupportRequest,
    "development:problem-requests": Problem,
    "organisation:member-detail": PartyMember,
    "organisation:member-edit": PartyMember,
    "organisation:member-advance": PartyMember,
    "organisation:group-detail": TenHouseholdGroup,
    "organisation:group-edit": TenHouseholdGroup,
    "organisation:talent-edit": Talent,
    "organisation:talent-remove": Talent,
    "organisation:training-detail": Training,
    "organisation:training-edit": Training,
    "organisation:training-export": Training,
    "governance:meeting-detail": Meeting,
    "governance:meeting-edit": Meeting,
    "governance:item-create": Meeting,
    "governance:photo-add": Meeting,
    "governance:item-edit": AgendaItem,
    "governance:task-create": AgendaItem,
    "governance:photo": MeetingPhoto,
    "governance:matter-detail": Matter,
    "governance:matter-edit": Matter,
    "governance:matter-step": Matter,
    "governance:briefing-create": Matter,
    "governance:task-edit": Task,
    "playbook:village": Area,
    "playbook:first-100-days": Area,
    "governance:task-evidence": Task,
    "governance:party-member-attendance": PartyMember,
    "governance:problem-tasks": Problem,
    "governance:notice-edit": PublicNotice,
    "governance:notice-print": PublicNotice,
    "governance:notice-photo": PublicNotice,
    "projects:project-detail": Project,
    "projects:project-edit": Project,
    "projects:stage-edit": Project,
    "projects:budget-edit": Project,
    "projects:spending-create": Project,
    "projects:spending-edit": Project,
    "projects:spending-delete": Project,
    "projects:beneficiary-create": Project,
    "projects:beneficiary-delete": Project,
    "projects:wage-create": Project,
    "projects:wage-delete": Project,
    "projects:asset-create": Project,
    "projects:asset-detail": Asset,
    "projects:asset-income-create": Asset,
    "projects:asset-income-edit": Asset,
    "projects:asset-income-delete": Asset,
    "projects:distribution-create": Asset,
    "projects:distribution-edit": Asset,
    "projects:distribution-delete": Asset,
    "projects:plan-edit": IndustryPlan,
    "economy:cooperative-detail": Cooperative,
    "economy:cooperative-edit": Cooperative,
    "economy:member-add": Cooperative,
    "economy:dividend-record": Cooperative,
    "economy:member-remove": CooperativeMember,
    "economy:dividend-remove": Dividend,
    "economy:collective": Area,
    "economy:collective-edit": Area,
    "economy:collective-member-add": Area,
    "economy:income-add": Area,
    "economy:spending-add": Area,
    "economy:capital-add": Area,
    "economy:village-land": Area,
    "economy:collective-member-end": CollectiveMember,
    "economy:income-remove": CollectiveIncome,
    "economy:spending-remove": CollectiveSpending,
    "economy:capital-remove": CollectiveCapital,
    "economy:household-land": Household,
    "economy:plot-create": Household,
    "economy:plot-edit": Plot,
    "economy:plot-remove": Plot,
    "economy:transfer-create": Plot,
    "economy:transfer-edit": LandTransfer,
    "economy:transfer-remove": LandTransfer,
    "economy:rent-record": LandTransfer,
    "economy:rent-remove": RentReceipt,
    "library:article-detail": Article,
    "library:article-edit": Article,
    "library:attachment-add": Article,
    "library:attachment-download": Attachment,
    "reports:village-glance": Area,
    "reports:document-progress": ReportJob,
    "reports:document-download": ReportJob,
    "api:token-revoke": AccessToken,
    "api-v1:area-detail": Area,
    "api-v1:area-gaps": Area,
    "api-v1:household-detail": Household,
    "api-v1:household-update": Household,
    "api-v1:household-eligibility": Household,
    "api-v1:person-create": Household,
    "api-v1:person-detail": Person,
    "api-v1:person-update": Person,
    "api-v1:visit-detail": Visit,
    "api-v1:visit-photo": Visit,
    "api-v1:diary-update": DiaryDay,
    "api-v1:diary-photo": DiaryDay,
    "api-v1:problem-detail": Problem,
    "api-v1:problem-update": Problem,
    "api-v1:problem-move": Problem,
    "api-v1:import-detail": ImportJob,
    "api-v1:import-load": ImportJob,
    "api-v1:import-report": ImportJob,
    "api-v1:export-detail": ExportJob,
    "api-v1:export-file": ExportJob,
}
NOT_AREA_KEYED = {
    "welfare:care-list": {"code": "left_behind_children"},
    "welfare:rule-edit": {"code": "dibao"},
    "fieldwork:diary-edit": {"day": "2026-01-05"},
    # The demo county's roll-up: one a village's roles may not open.
    "reports:rollup": {"code": "534021000000"},
    "reports:rollup-export": {"code": "534021000000"},
}
# The login page and the logout action are not area pages.
NOT_AREA_PAGES = {"accounts:logout"}
# The API's operations want JSON bodies: api/tests/test_every_operation.py walks each of them
# with a body aimed at the other village, with these helpers.
API_NAMESPACE = "api-v1:"


def url_patterns(resolver=None, namespace=""):
    """(name, pattern) of every named URL of the project but the admin's."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.pattern


def key_names(pattern) -> set[str]:
    regex = pattern.regex if hasattr(pattern, "regex") else pattern
    return set(regex.groupindex)


@pytest.fixture
def county(db):
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "3", verbosity=0)
    village_a, village_b = Area.objects.filter(level=Level.VILLAGE).order_by("code")
    return village_a, village_b


def mark_village(village: Area) -> dict:
    """Put the marker into the text of the village's private records, make sure each kind of
    record the URLs take exists there, and return one row of each kind."""
    code = village.code
    for i, person in enumerate(Person.objects.filter(area_code=code)):
        Person.objects.filter(pk=person.pk).update(name=f"{MARK}{i}")
    Visit.objects.filter(area_code=code).update(said=MARK, opinions=MARK)
    Problem.objects.filter(area_code=code).update(title=MARK, description=MARK)
    DiaryDay.objects.filter(area_code=code).update(work_done=MARK)
    PointOfInterest.objects.filter(area_code=code).update(name=MARK, notes=MARK)
    VillageNote.objects.filter(area_code=code).update(title=MARK, body=MARK)
    SupportRequest.objects.filter(area_code=code).update(title=MARK, outcome=MARK)
    Consultation.objects.filter(area_code=code).update(asked=MARK, promised=MARK)
    PartyMember.objects.filter(area_code=code).update(name=MARK, branch=MARK)
    TenHouseholdGroup.objects.filter(area_code=code).update(notes=MARK)
    Talent.objects.filter(area_code=code).update(skills=MARK, notes=MARK)
    Training.objects.filter(area_code=code).update(topic=MARK, trainer=MARK)
    Meeting.objects.filter(area_code=code).update(place=MARK, notes=MARK)
    AgendaItem.objects.filter(meeting__area_code=code).update(title=MARK, minutes=MARK)
    Matter.objects.filter(area_code=code).update(title=MARK, description=MARK)
    Task.objects.filter(area_code=code).update(title=MARK, outcome=MARK)
    PublicNotice.objects.filter(area_code=code).update(title=MARK, text=MARK)
    Project.objects.filter(area_code=code).update(name=MARK, description=MARK)
    Asset.objects.filter(project__area_code=code).update(name=MARK, owner=MARK)
    IndustryPlan.objects.filter(area_code=code).update(industries=MARK, review=MARK)
    Cooperative.objects.filter(area_code=code).update(business=MARK)
    Collective.objects.filter(area_code=code).update(name=MARK)
    CollectiveIncome.objects.filter(area_code=code).update(note=MARK)
    CollectiveSpending.objects.filter(area_code=code).update(note=MARK)
    CollectiveCapital.objects.filter(area_code=code).update(note=MARK)
    Plot.objects.filter(area_code=code).update(name=MARK)
    LandTransfer.objects.filter(area_code=code).update(counterparty=MARK)
    Article.objects.filter(area_code=code).update(title_zh=MARK, body_zh=MARK, title_en=MARK)
    return records_of(village, owner=User.objects.get(username="cadre2"), text=MARK)


def records_of(village: Area, *, owner: User, text: str) -> dict:
    """One row of each kind of record the URLs take, in the village: the demo's own where it
    seeds that kind, else a new one whose text starts with `text`, kept by `owner`."""
    code = village.code
    household = Household.objects.filter(area_code=code).order_by("pk").first()
    person = Person.objects.filter(area_code=code).order_by("pk").first()
    supporter = Supporter.objects.create(
        household=person.household, supported=person, name=f"{text}赡养人", relation="child"
    )
    contact = Contact.objects.create(
        area=village, name=f"{text}联系人", private=True, notes=text, phone="13912345678"
    )
    organisation = Organisation.objects.create(
        area=village, name=f"{text}合作社", private=True, kind="department", level=Level.VILLAGE
    )
    other_contact = Contact.objects.create(area=village, name=f"{text}二", private=True)
    link = Link.objects.create(source=contact, target=other_contact, kind="works_with")
    PersonNote.objects.create(
        person=person, recorded_by=owner, interests=text, motives=text, area_code=code
    )
    monitored = MonitoredHousehold.objects.filter(area_code=code).order_by("pk").first()
    if monitored is None:
        monitored = MonitoredHousehold.objects.create(
            household=household,
            year=2026,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=datetime.date(2026, 3, 1),
            area_code=code,
        )
    job = ImportJob.objects.create(
        user=owner, area=village, original_name=f"{text}.xlsx", message=text
    )
    day = DiaryDay.objects.filter(area_code=code).first()
    photo = DiaryPhoto.objects.create(day=day, image="diary/none.jpg")
    member = PartyMember.objects.filter(area_code=code).order_by("pk").first()
    group = TenHouseholdGroup.objects.filter(area_code=code).order_by("pk").first()
    if group is None:
        group = TenHouseholdGroup.objects.create(village=village, name=f"{text}联户组", notes=text)
        GroupHousehold.objects.create(group=group, household=household)
    talent = Talent.objects.filter(area_code=code).order_by("pk").first()
    training = Training.objects.filter(area_code=code).order_by("pk").first()
    meeting = Meeting.objects.filter(area_code=code).order_by("pk").first()
    notice = PublicNotice.objects.filter(area_code=code).order_by("pk").first()
    PublicNotice.objects.filter(pk=notice.pk).update(photo="notices/none.jpg")
    # A notice of the village only, with a file (the demo's guidance is the county's).
    article = Article.objects.create(
        area=village, kind="notice", title_zh=f"{text}通知", body_zh=text, terms=text
    )
    attachment = Attachment.objects.create(
        article=article, file="library/none.pdf", name=f"{text}.pdf", kind="pdf", size=1
    )
    return {
        Household: household,
        Person: person,
        Supporter: supporter,
        ImportJob: job,
        ExportJob: ExportJob.objects.create(
            user=owner, area=village, ledger="person_roster", file_format="csv", language="zh-hans"
        ),
        MonitoredHousehold: monitored,
        Visit: Visit.objects.filter(area_code=code).first(),
        Problem: Problem.objects.filter(area_code=code).first(),
        Contact: contact,
        Link: link,
        Organisation: organisation,
        Area: village,
        PointOfInterest: PointOfInterest.objects.filter(area_code=code).first(),
        VillageNote: VillageNote.objects.filter(area_code=code).first(),
        SupportRequest: SupportRequest.objects.filter(area_code=code).first(),
        DiaryPhoto: photo,
        DiaryDay: day,
        User: owner,
        PartyMember: member,
        TenHouseholdGroup: group,
        Talent: talent,
        Training: training,
        Meeting: meeting,
        AgendaItem: AgendaItem.objects.filter(meeting=meeting, result="passed").first()
        or AgendaItem.objects.filter(meeting__area_code=code, result="passed").first(),
        MeetingPhoto: MeetingPhoto.objects.create(meeting=meeting, kind="sign_in", image="m.jpg"),
        Matter: Matter.objects.filter(area_code=code).order_by("pk").first(),
        Task: Task.objects.filter(area_code=code).order_by("pk").first(),
        PublicNotice: notice,
        Project: Project.objects.filter(area_code=code).order_by("pk").first(),
        Asset: Asset.objects.filter(project__area_code=code).order_by("pk").first(),
        IndustryPlan: IndustryPlan.objects.filter(area_code=code).order_by("pk").first(),
        Article: article,
        Attachment: attachment,
        ReportJob: report_job(village, owner),
        **{model: model.objects.filter(area_code=code).order_by("pk").first() for model in ECONOMY},
        AccessToken: token_create(by=owner, name=text, scope="write", expires_at=None)[0],
    }


def report_job(village: Area, owner: User) -> ReportJob:
    """A report of the village asked for by `owner`."""
    return ReportJob.objects.create(
        user=owner,
        kind="village_month",
        area=village,
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 1, 31),
        language="zh-hans",
    )


# The village economy's records, each seeded by the demo in every village with a team.
ECONOMY = (
    Cooperative,
    CooperativeMember,
    Dividend,
    DividendShare,
    Collective,
    CollectiveMember,
    CollectiveIncome,
    CollectiveSpending,
    CollectiveCapital,
    Plot,
    LandTransfer,
    RentReceipt,
)


def key_value(model, row, name: str):
    if model is Area:
        return row.code
    if name == "field":
        return "id_number"
    if name == "stage":
        return "approval"
    return row.pk


def fingerprint(village: Area) -> str:
    """A digest of every row of the village's records that a request could change."""
    code = village.code
    digest = hashlib.sha256()
    for model in (
        Household,
        Person,
        Supporter,
        Visit,
        Problem,
        DiaryDay,
        PointOfInterest,
        VillageNote,
        SupportRequest,
        Consultation,
        PersonNote,
        MonitoredHousehold,
        PartyMember,
        TenHouseholdGroup,
        GroupHousehold,
        Talent,
        Training,
        Meeting,
        Matter,
        Task,
        Briefing,
        PublicNotice,
        Project,
        IndustryPlan,
        Article,
        *ECONOMY,
    ):
        for row in model.objects.filter(area_code=code).order_by("pk").values():
            digest.update(repr(sorted(row.items())).encode())
    for row in Contact.objects.filter(area_code=code).order_by("pk").values():
        digest.update(repr(sorted(row.items())).encode())
    digest.update(str(Link.objects.filter(source__area_code=code).count()).encode())
    for row in AgendaItem.objects.filter(meeting__area_code=code).order_by("pk").values():
        digest.update(repr(sorted(row.items())).encode())
    digest.update(str(MeetingPhoto.objects.filter(meeting__area_code=code).count()).encode())
    digest.update(str(Attachment.objects.filter(article__area_code=code).count()).encode())
    for model in (ProjectStage, BudgetLine, Spending, Beneficiary, WagePayment, Asset):
        for row in (
            model.objects.filter(**{model_project_path(model): code}).order_by("pk").values()
        ):
            digest.update(repr(sorted(row.items())).encode())
    for row in (
        Distribution.objects.filter(income__asset__project__area_code=code).order_by("pk").values()
    ):
        digest.update(repr(sorted(row.items())).encode())
    for row in AssetIncome.objects.filter(asset__project__area_code=code).order_by("pk").values():
        digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def model_project_path(model) -> str:
    """The lookup from a project's row to its village code."""
    return "beneficiary__project__area_code" if model is WagePayment else "project__area_code"


def user_in(area: Area, role: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-1")
    Assignment.objects.create(user=user, area=area, role=role, starts_on=datetime.date(2020, 1, 1))
    return user


def persona(village_a: Area, role: str) -> User:
    if role == Role.CADRE:
        return User.objects.get(username="cadre1")
    area = village_a.parent if role == Role.TOWNSHIP_SUPERVISOR else village_a
    return user_in(area, role, f"{role}_a")


ROLES = [Role.CADRE, Role.VILLAGE_COMMITTEE, Role.TOWNSHIP_SUPERVISOR, Role.ADMINISTRATOR]


def leaks(body: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in body]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_one_village_reaches_another_village(county, role):
    village_a, village_b = county
    rows = mark_village(village_b)
    secrets = [
        MARK,
        *Person.objects.filter(area_code=village_b.code)
        .values_list("id_number", flat=True)
        .exclude(id_number=None)[:50],
    ]
    user = persona(village_a, role)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    before = fingerprint(village_b)
    problems = []
    unknown = []
    filters = {
        "village": village_b.code,
        "area": village_b.code,
        "code": village_b.code,
        "household": rows[Household].pk,
        "person": rows[Person].pk,
        "problem": rows[Problem].pk,
    }
    for name, pattern in url_patterns():
        if name in NOT_AREA_PAGES or name.startswith(API_NAMESPACE):
            continue
        keys = key_names(pattern) if hasattr(pattern, "regex") else set()
        if not keys:
            urls = [
                reverse(name),
                reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in filters.items()),
            ]
            keyed = False
        elif name in NOT_AREA_KEYED:
            urls = [reverse(name, kwargs=NOT_AREA_KEYED[name])]
            keyed = False
        elif name in KEYS:
            model = KEYS[name]
            row = rows[model]
            kwargs = {k: key_value(model, row, k) for k in keys}
            urls = [reverse(name, kwargs=kwargs)]
            if model is not Area:
                # The same page asked for an id no database keeps.
                urls.append(urls[0].replace(f"/{row.pk}/", f"/{TOO_LARGE}/"))
            keyed = True
        else:
            unknown.append(name)
            continue
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url, filters if method == "post" else None)
                body = response.content.decode(errors="replace") if not response.streaming else ""
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
                if keyed and response.status_code not in (404, 405):
                    problems.append(f"{method.upper()} {url}: {response.status_code}, not 404")
                found = leaks(body, secrets)
                if found:
                    problems.append(f"{method.upper()} {url}: shows {found[:2]}")
    assert not unknown, f"URL patterns whose key this test cannot fill: {unknown}"
    assert not problems, "\n".join(problems)
    assert fingerprint(village_b) == before
