"""No page, file or answer shows a full identity number while numbers are masked.

An identity number stands in more than one field: the disability certificate number (残疾证号) is
the identity number and two digits. A bank account number for payments (银行账号) is as personal
and is checked the same way. A small demo county is seeded (persons with identity numbers
and disability certificates, supporters outside the household), with certificates typed in lower
case and with blanks, and a certificate and an identity number changed, so that the change
history holds both. Then, as each role, the test fetches

- every URL of the URL conf, its keys filled with rows of the user's own village as
  `demo/tests/test_every_url.py` fills them with another village's (a pattern whose key no row
  fills fails both tests), lists and searches also asked for the village and for a person by
  name, by the tail of the number and by the whole number (a search box shows it masked), and
  the import's preview with issues that quote a member's numbers in full, as a job kept before
  the import masked them;
- every ledger of the export registry (`registry.exports.LEDGERS`) in each format from the web
  page with numbers masked, every care list as a page and as .xlsx, and every other policy's gap
  report and export;
- once, every ledger from `manage.py export_ledger --masked` and `evaluate_policies` in JSON and
  .xlsx; and, as a superuser, the admin's list, change and history pages of every model it keeps;

and fails if any seventeen consecutive characters of an identity or certificate number appear,
in any case and whatever blanks stand between them, in an HTML page, a .csv or .vcf, a JSON
answer, or an .xlsx (its cells and every part of the file). Showing a number in full is the
reveal, a logged POST, which the walk does not send. Not checked: photos (re-encoded with no
metadata). What an import's issues, its command and its error report quote of the uploaded file
is checked in `registry/tests/test_import_masking.py`.
"""

import datetime
import html
import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.accounts.permissions import Capability
from villagedesk.api.models import AccessToken
from villagedesk.api.services import token_create
from villagedesk.areas.models import Area, Level, PointOfInterest, VillageNote
from villagedesk.core.masking import mask_id_number
from villagedesk.core.sealing import SealedIdentityField
from villagedesk.demo.tests.test_every_url import (
    ECONOMY,
    KEYS,
    NOT_AREA_KEYED,
    key_names,
    url_patterns,
)
from villagedesk.development.models import SupportRequest
from villagedesk.directory.models import Contact, Link, Organisation
from villagedesk.fieldwork.models import DiaryDay, DiaryPhoto, Problem, Visit
from villagedesk.governance.models import AgendaItem, Matter, Meeting, PublicNotice, Task
from villagedesk.library.models import Article, Attachment
from villagedesk.organisation.models import (
    GroupHousehold,
    PartyMember,
    Talent,
    TenHouseholdGroup,
    Training,
)
from villagedesk.projects.models import Asset, IndustryPlan, Project
from villagedesk.registry import services
from villagedesk.registry.codes import DisabilityCategory, SupporterRelation
from villagedesk.registry.export_jobs import export_write
from villagedesk.registry.exports import LEDGERS
from villagedesk.registry.models import (
    PERSONAL_NUMBERS,
    ExportJob,
    Household,
    ImportJob,
    Person,
    Supporter,
)
from villagedesk.registry.tests.factories import make_id_number
from villagedesk.reports.models import ReportJob, ReportKind
from villagedesk.reports.services import report_write
from villagedesk.welfare.codes import PolicyCategory
from villagedesk.welfare.models import MonitoredHousehold, Policy

RUN = 17  # characters of a number that identify it: all but its check character
BLANKS = re.compile(r"\s+")
CANDIDATE = re.compile(rf"[0-9x]{{{RUN},}}")
# Images, not text: photos are re-encoded with no metadata (core.photos).
NOT_TEXT = {
    "fieldwork:visit-photo",
    "fieldwork:diary-photo",
    "directory:point-photo",
    "governance:photo",
    "governance:notice-photo",
    "governance:task-evidence",
}
# The logout action ends the session the walk goes on with.
NOT_WALKED = {"accounts:logout"}


# What a leak looks like -----------------------------------------------------------------------


def number_runs(numbers) -> dict[str, str]:
    """Every run of RUN consecutive characters of each number (blanks dropped, lower case),
    with the number it comes from."""
    runs = {}
    for number in numbers:
        plain = BLANKS.sub("", number).casefold()
        for start in range(len(plain) - RUN + 1):
            runs[plain[start : start + RUN]] = number
    return runs


def shown_in_text(text: str, runs: dict[str, str]) -> set[str]:
    """The numbers a text shows a run of, however blanks and case are written."""
    plain = BLANKS.sub("", html.unescape(text)).casefold()
    found = set()
    for match in CANDIDATE.finditer(plain):
        digits = match.group()
        for start in range(len(digits) - RUN + 1):
            if digits[start : start + RUN] in runs:
                found.add(runs[digits[start : start + RUN]])
    return found


def cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def file_texts(content: bytes) -> list[str]:
    """The texts of a file, each read apart: an .xlsx's cells and every part of it (headers,
    footers, properties), every part of a .docx, any other file whole."""
    if not content.startswith(b"PK"):
        return [content.decode("utf-8-sig", errors="replace")]
    with zipfile.ZipFile(io.BytesIO(content)) as parts:
        texts = [parts.read(name).decode("utf-8", errors="replace") for name in parts.namelist()]
        if "xl/workbook.xml" not in parts.namelist():
            return texts
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    for sheet in book.sheet_names:
        texts += [
            cell_text(value) for row in book.get_sheet_by_name(sheet).to_python() for value in row
        ]
    return texts


def shown_in_file(content: bytes, runs: dict[str, str]) -> set[str]:
    """The numbers a file shows, in any of its texts."""
    return set().union(*(shown_in_text(text, runs) for text in file_texts(content)))


def response_content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# The county ------------------------------------------------------------------------------------


def certificate_of(person: Person, *, grade: int = 2, typed=lambda number: number) -> str:
    return typed(person.id_number) + f"{grade}{grade}"


def certificate_holders(persons) -> list[Person]:
    """The persons with a certificate number, by id (the sealed column cannot be compared)."""
    return [
        p
        for p in persons.exclude(disability_category="").order_by("pk")
        if p.disability_certificate
    ]


def account_of(person: Person, *, branch: str = "1") -> str:
    """A bank account of 19 digits, long enough for the check's runs, one of its own per person."""
    return f"6228480{branch}{person.pk:011d}"


def spaced(number: str) -> str:
    return f"{number[:6]} {number[6:14]} {number[14:]}"


@pytest.fixture
def county(db):
    """A demo county of two villages, and in the first one a household whose members hold
    certificates as people type them (lower-case x, blanks) and bank accounts, supporters
    outside it, and a certificate and an account changed since first recorded."""
    call_command("seed_demo", "--villages", "2", "--households", "40", "--seed", "3", verbosity=0)
    village = Area.objects.filter(level=Level.VILLAGE).order_by("code").first()
    cadre = User.objects.get(username="cadre1")
    household = Household.objects.filter(area_code=village.code).order_by("pk").first()
    members = list(household.members.exclude(id_number=None).order_by("pk"))
    assert len(members) >= 2, "the household needs two members with identity numbers"
    typings = [lambda n: n.lower(), spaced]
    for member, typed in zip(members, typings, strict=False):
        member.disability_category, member.disability_grade = DisabilityCategory.PHYSICAL, 2
        member.disability_certificate = certificate_of(member, typed=typed)
        member.bank, member.bank_account = "中国农业银行", account_of(member)
        services.person_save(by=cadre, person=member)
    changed = members[0]
    changed.disability_certificate = certificate_of(changed, grade=3)
    changed.bank_account = account_of(changed, branch="2")
    services.person_save(by=cadre, person=changed)
    renumbered = members[1]
    renumbered.id_number = make_id_number(renumbered.birth_date, renumbered.sex, village.code[:6])
    services.person_save(by=cadre, person=renumbered)
    for member in members[:2]:
        Supporter.objects.create(
            household=household,
            supported=member,
            name="赵赡养",
            relation=SupporterRelation.CHILD,
            birth_date=datetime.date(1990, 1, 1),
        )
    assert len(certificate_holders(Person.objects.all())) > len(members)
    return village, household


# The demo's own logins; the other roles are given a user in the village or its township.
DEMO_LOGINS = {Role.CADRE: "cadre1", Role.COUNTY_SUPERVISOR: "county", Role.ADMINISTRATOR: "admin"}


def persona(village: Area, role: str) -> User:
    if role in DEMO_LOGINS:
        return User.objects.get(username=DEMO_LOGINS[role])
    area = village.parent if role == Role.TOWNSHIP_SUPERVISOR else village
    user = User.objects.create_user(username=f"{role}_leaks", password="pw-for-tests-1")
    Assignment.objects.create(user=user, area=area, role=role, starts_on=datetime.date(2020, 1, 1))
    return user


def numbers_kept() -> dict[str, str]:
    """The runs of every identity, certificate and bank account number kept, current or in the
    history."""
    numbers = set()
    for rows in (Person.objects, Person.history):
        for kept in rows.values_list("id_number", "disability_certificate", "bank_account"):
            numbers |= {n for n in kept if n and "*" not in n}
    return number_runs(numbers)


def import_job(user: User, village: Area, person: Person) -> ImportJob:
    """A checked import of the user's own whose issues quote the person's numbers in full."""
    quoted = [
        ("id_number", person.id_number, "id_twice"),
        ("disability_certificate", person.disability_certificate, "too_long"),
    ]
    issues = [
        {
            "sheet": "台账",
            "row": row,
            "field": field,
            "value": value,
            "code": code,
            "level": "error",
            "param": "3" if code == "id_twice" else "20",
            "column": "D",
            "header": "身份证号码",
        }
        for row, (field, value, code) in enumerate(quoted, start=2)
    ]
    return ImportJob.objects.create(
        user=user,
        area=village,
        original_name="台账.xlsx",
        issues=issues,
        counts={"rows": 2, "errors": 2, "warnings": 0, "headers": ["身份证号码"], "unread": []},
    )


def export_written(user: User, village: Area) -> ExportJob:
    """The village's person roster written by the worker for the user, as the API asks for it:
    numbers masked."""
    job = ExportJob.objects.create(
        user=user, area=village, ledger="person_roster", file_format="csv", language="zh-hans"
    )
    return export_write(job_id=job.pk)


def rows_of(village: Area, household: Household, user: User) -> dict:
    """Rows of the village that fill the URL patterns' keys: its household and members with
    certificates first."""
    code = village.code
    person = certificate_holders(household.members.all())[0]
    day = DiaryDay.objects.filter(area_code=code).first()
    contact = Contact.objects.filter(area_code=code).first() or Contact.objects.create(
        area=village, name="联系人", phone="13912345678"
    )
    return {
        Household: household,
        Person: person,
        Supporter: household.supporters.first(),
        ImportJob: import_job(user, village, person),
        ExportJob: export_written(user, village),
        AccessToken: token_create(by=user, name="程序", scope="read", expires_at=None)[0],
        MonitoredHousehold: MonitoredHousehold.objects.filter(area_code=code).first()
        or MonitoredHousehold.objects.create(
            household=household,
            year=2026,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=datetime.date(2026, 3, 1),
        ),
        Visit: Visit.objects.filter(area_code=code).first(),
        Problem: Problem.objects.filter(area_code=code).first(),
        Contact: contact,
        Link: Link.objects.filter(source__area_code=code).first()
        or Link.objects.create(
            source=contact,
            target=Contact.objects.create(area=village, name="另一人"),
            kind="works_with",
        ),
        Organisation: Organisation.objects.filter(area_code=code).first(),
        Area: village,
        PointOfInterest: PointOfInterest.objects.filter(area_code=code).first(),
        VillageNote: VillageNote.objects.filter(area_code=code).first(),
        SupportRequest: SupportRequest.objects.filter(area_code=code).first(),
        DiaryPhoto: DiaryPhoto.objects.create(day=day, image="diary/none.jpg"),
        DiaryDay: day,
        User: User.objects.get(username="cadre1"),
        Meeting: Meeting.objects.filter(area_code=code).first(),
        AgendaItem: AgendaItem.objects.filter(meeting__area_code=code, result="passed").first(),
        Matter: Matter.objects.filter(area_code=code).first(),
        Task: Task.objects.filter(area_code=code).first(),
        PublicNotice: PublicNotice.objects.filter(area_code=code).first(),
        Project: Project.objects.filter(area_code=code).first(),
        Asset: Asset.objects.filter(project__area_code=code).first(),
        IndustryPlan: IndustryPlan.objects.filter(area_code=code).first(),
        **library_rows(village),
        **organisation_rows(village, household, person),
        ReportJob: report_written(village, user),
        **{model: model.objects.filter(area_code=code).order_by("pk").first() for model in ECONOMY},
    }


def library_rows(village: Area) -> dict:
    """A notice of the village with a file (the demo's guidance is the county's)."""
    article = Article.objects.create(
        area=village, kind="notice", title_zh="村务通知", body_zh="通知", terms="通知"
    )
    attachment = Attachment.objects.create(
        article=article, file="library/none.pdf", name="通知.pdf", kind="pdf", size=1
    )
    return {Article: article, Attachment: attachment}


def report_written(village: Area, user: User) -> ReportJob:
    """The village's monthly report written for the user, to download."""
    job = ReportJob.objects.create(
        user=user,
        kind=ReportKind.VILLAGE_MONTH,
        area=village,
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 1, 31),
        language="zh-hans",
    )
    return report_write(job_id=job.pk)


def organisation_rows(village: Area, household: Household, person: Person) -> dict:
    """The organisation's rows around the household with certificates: its ten-household group
    (whose care sheet lists the household's members), and the person on the Party roster, in the
    talent pool and at a training."""
    group = TenHouseholdGroup.objects.filter(memberships__household=household).first()
    if group is None:
        group = TenHouseholdGroup.objects.create(village=village, name="证件户联户组")
        GroupHousehold.objects.create(group=group, household=household)
    member = PartyMember.objects.filter(person=person).first() or PartyMember.objects.create(
        village=village,
        person=person,
        name=person.name,
        stage="applicant",
        applied_on=datetime.date(2024, 1, 1),
    )
    talent, _ = Talent.objects.get_or_create(person=person, kind="graduate")
    training = Training.objects.create(
        village=village, topic="党课", held_on=datetime.date(2026, 1, 5), hours=2
    )
    training.attendees.add(*household.members.all())
    return {
        PartyMember: member,
        TenHouseholdGroup: group,
        Talent: talent,
        Training: training,
    }


def key_value(model, row, name: str):
    if model is Area:
        return row.code
    if name == "field":
        return "id_number"
    if name == "stage":
        return "approval"
    return row.pk


def page_urls(rows: dict, searches: list[dict]) -> list[tuple[str, str]]:
    """(name, URL) of every page of the URL conf but the admin's, filled for the village."""
    urls = []
    for name, pattern in url_patterns():
        if name in NOT_WALKED | NOT_TEXT:
            continue
        keys = key_names(pattern) if hasattr(pattern, "regex") else set()
        if not keys:
            bare = reverse(name)
            urls += [(name, bare)] + [
                (name, bare + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
                for query in searches
            ]
        elif name in NOT_AREA_KEYED:
            urls.append((name, reverse(name, kwargs=NOT_AREA_KEYED[name])))
        elif name in KEYS:
            model = KEYS[name]
            kwargs = {k: key_value(model, rows[model], k) for k in keys}
            urls.append((name, reverse(name, kwargs=kwargs)))
        else:
            pytest.fail(f"{name}: no row fills its key; say which in test_every_url.KEYS")
    return urls


def export_requests(village: Area) -> list[tuple[str, str, str, dict | None]]:
    """(name, method, URL, data) of every ledger in each format as the ledger page exports it,
    numbers masked, and of every policy's report for the village: each care list as a page and
    as .xlsx, each other policy's gap report and its export."""
    requests = [
        (
            f"ledger {name}",
            "post",
            reverse("registry:ledger-export"),
            {"ledger": name, "area": village.pk, "file_format": file_format},
        )
        for name in LEDGERS
        for file_format in ("xlsx", "csv")
    ]
    for policy in Policy.objects.order_by("code"):
        if policy.category == PolicyCategory.CARE:
            page = reverse("welfare:care-list", args=[policy.code]) + f"?area={village.code}"
            requests += [
                (f"care list {policy.code}", "get", page + extra, None)
                for extra in ("", "&format=xlsx")
            ]
        else:
            query = f"?policy={policy.code}&area={village.code}"
            requests += [
                (f"gaps {policy.code}", "get", reverse(name) + query, None)
                for name in ("welfare:gap-report", "welfare:gap-export")
            ]
    return requests


ROLES = list(Role)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_export_shows_an_identity_number_while_masked(county, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    village, household = county
    user = persona(village, role)
    runs = numbers_kept()
    certificate_holder = certificate_holders(household.members.all())[0]
    searches = [
        {"village": village.code, "area": village.code, "code": village.code},
        {"village": village.code, "q": certificate_holder.id_number[-4:]},
        {"village": village.code, "q": certificate_holder.id_number},
        {"q": certificate_holder.name, "household": household.pk, "person": certificate_holder.pk},
    ]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    # The walk is not empty: the certificate is seen, masked, on the household's page, in the
    # ledger of persons and, for those who keep the registry, in the member's form.
    masked = mask_id_number(certificate_holder.disability_certificate)
    problems, seen_masked = [], set()
    pages = page_urls(rows_of(village, household, user), searches)
    walk = [(name, "get", url, None) for name, url in pages] + export_requests(village)
    for name, method, url, data in walk:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            problems.append(f"{method.upper()} {url}: {response.status_code}, not checked")
            continue
        texts = file_texts(response_content(response))
        if shown := set().union(*(shown_in_text(text, runs) for text in texts)):
            problems.append(f"{name}: {method.upper()} {url} {data or ''} shows {sorted(shown)}")
        if any(masked in text for text in texts):
            seen_masked.add(name)
    assert not problems, "\n".join(problems)
    expected = {"registry:household-detail", "ledger person_roster"}
    if permissions.holds(user, Capability.KEEP_REGISTRY, village.code):
        expected.add("registry:person-edit")
    assert expected <= seen_masked


def admin_urls() -> list[str]:
    """The admin's list page of every model it keeps, and the change and history pages of its
    first row (a superuser sees every row)."""
    urls = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        row = model.objects.order_by("pk").first()
        if model is Person:
            row = certificate_holders(Person.objects.all())[0]
        if row is None:
            continue
        urls += [
            reverse(f"{name}_change", args=[row.pk]),
            reverse(f"{name}_history", args=[row.pk]),
        ]
        if hasattr(model, "history"):
            for record in model.history.filter(id=row.pk):
                try:
                    urls.append(reverse(f"{name}_simple_history", args=[row.pk, record.pk]))
                except NoReverseMatch:
                    break
    return urls


@pytest.mark.timeout(300)
def test_no_admin_page_and_no_command_export_shows_an_identity_number(county, tmp_path):
    village, _ = county
    runs = numbers_kept()
    superuser = User.objects.get(username="admin")
    assert superuser.is_superuser
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    problems = []
    for url in admin_urls():
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}, not checked")
        elif shown := shown_in_file(response_content(response), runs):
            problems.append(f"GET {url} shows {sorted(shown)[:3]}")
    county_area = Area.objects.get(level=Level.COUNTY)
    for name in LEDGERS:
        for file_format in ("xlsx", "csv"):
            for area in (village, county_area):
                path = tmp_path / f"{name}-{area.code}.{file_format}"
                call_command(
                    "export_ledger",
                    name,
                    "--masked",
                    "--area",
                    area.code,
                    "--format",
                    file_format,
                    "--output",
                    str(path),
                    stdout=io.StringIO(),
                )
                if shown := shown_in_file(path.read_bytes(), runs):
                    problems.append(f"export_ledger {name} {area.code} shows {sorted(shown)[:3]}")
    for file_format in ("json", "xlsx"):
        path = tmp_path / f"evaluation.{file_format}"
        call_command(
            "evaluate_policies",
            "--area",
            county_area.code,
            "--format",
            file_format,
            "--output",
            str(path),
            stderr=io.StringIO(),
        )
        if shown := shown_in_file(path.read_bytes(), runs):
            problems.append(f"evaluate_policies {file_format} shows {sorted(shown)[:3]}")
    assert not problems, "\n".join(problems)


def test_every_sealed_number_is_masked_as_a_personal_number():
    """A field sealed like the identity number holds one: the masks must know it."""
    sealed = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, SealedIdentityField)
    }
    assert {label for label, _ in sealed} == {"registry.Person", "registry.HistoricalPerson"}
    assert {name for _, name in sealed} <= set(PERSONAL_NUMBERS)


# The check itself finds a number in every form it may take -------------------------------------

NUMBER = "53012819800101123X"
CERTIFICATE = NUMBER + "11"


@pytest.mark.parametrize(
    "text",
    [
        f"<td>{NUMBER}</td>",
        f"<td>{CERTIFICATE}</td>",
        f"<td>{CERTIFICATE.lower()}</td>",
        f'value="{spaced(NUMBER)}"',
        f"残疾证号：{spaced(CERTIFICATE)}号",
        f"<td>{NUMBER[:17]}</td>",  # the number without its check character
        f"<td>{NUMBER[1:]}</td>",
        f"{NUMBER[:6]}&#32;{NUMBER[6:]}",
        f'{{"certificate": "{CERTIFICATE}"}}',
        f"1,张三,{NUMBER},13912345678",
    ],
)
def test_the_check_finds_a_number_however_it_is_written(text):
    assert shown_in_text(text, number_runs([NUMBER])) == {NUMBER}


@pytest.mark.parametrize(
    "text",
    [
        "<td>530128********123X</td>",
        "<td>530128**********3X11</td>",
        f"<td>{NUMBER[:16]}</td>",
        "530128 is the county, 19800101 the birth date",
    ],
)
def test_the_check_lets_a_masked_number_pass(text):
    assert shown_in_text(text, number_runs([NUMBER])) == set()


def test_the_check_opens_the_cells_and_parts_of_a_workbook():
    from villagedesk.core.spreadsheets import table_xlsx

    masked = table_xlsx(header=["证号"], rows=[["530128**********3X11"]])
    assert shown_in_file(masked, number_runs([NUMBER])) == set()
    full = table_xlsx(header=["证号"], rows=[[CERTIFICATE.lower()]])
    assert shown_in_file(full, number_runs([NUMBER])) == {NUMBER}
