"""Writing the demo county: sizes, the area chain, households and persons, the demo logins.

Rows are written with `bulk_create` in batches, because a demo of 100,000 households must seed in
minutes: the generator sets the pinyin keys that `save()` would fill (area codes come from the
models' scope-code fields, which `bulk_create` fills too), and no change history is written for
generated rows.
"""

import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.core.planner import statistics_refresh, without_nested_loops
from villagedesk.demo.generator import CountyGenerator, VillagePlan, apportion, years_before
from villagedesk.development.demo import help_demo_create, request_problems_demo_link
from villagedesk.directory.demo import GIVEN, SURNAMES, directory_demo_create
from villagedesk.economy.demo import economy_demo_create
from villagedesk.fieldwork.demo import fieldwork_demo_create
from villagedesk.governance.demo import governance_demo_create
from villagedesk.library.demo import library_demo_create
from villagedesk.organisation.demo import organisation_demo_create
from villagedesk.projects.demo import projects_demo_create
from villagedesk.registry.changes import data_changed
from villagedesk.registry.families import derive
from villagedesk.registry.models import Household, Person, Supporter
from villagedesk.welfare.demo import welfare_demo_create

DEMO_PASSWORD = "demo12345"
DEFAULT_SEED = 1
DEFAULT_VILLAGES = 6
HOUSEHOLDS_PER_VILLAGE = 200
# A large county gets villages of about this many households unless told otherwise.
LARGE_VILLAGE_HOUSEHOLDS = 500
MAX_VILLAGES = 5_000
MAX_HOUSEHOLDS = 1_000_000
BATCH_SIZE = 2_000

# A real province with a made-up city and county: city 40 does not exist in Yunnan, so the demo
# never collides with imported data of a real county.
PROVINCE = ("530000000000", "云南省", "Yunnan")
CITY = ("534000000000", "云岭市", "Yunling")
COUNTY = ("534021000000", "青禾县", "Qinghe")


class DemoError(Exception):
    """The demo cannot be seeded as asked: a bad size, or a demo already there."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    # Index of the village (by code) the login works in, None for the whole county; in a county
    # of one village, both cadres work in it.
    village_index: int | None = None
    administrator: bool = False


DEMO_LOGINS = (
    DemoLogin("county", "周建国", Role.COUNTY_SUPERVISOR),
    DemoLogin("cadre1", "李文斌", Role.CADRE, village_index=0),
    DemoLogin("cadre2", "王晓燕", Role.CADRE, village_index=1),
    DemoLogin("admin", "系统管理员", Role.ADMINISTRATOR, administrator=True),
)


@dataclass(frozen=True)
class DemoSummary:
    county: Area
    townships: int
    villages: int
    groups: int
    households: int
    persons: int


def demo_size(*, villages: int | None, households: int | None) -> tuple[int, int]:
    """The number of villages and households to seed, from what was asked (None: the default).

    Raises DemoError when the numbers cannot make a county.
    """
    for name, value in (("villages", villages), ("households", households)):
        if value is not None and value < 1:
            raise DemoError(f"--{name} must be at least 1, not {value}.")
    if households is None:
        households = (villages or DEFAULT_VILLAGES) * HOUSEHOLDS_PER_VILLAGE
    if villages is None:
        by_size = math.ceil(households / LARGE_VILLAGE_HOUSEHOLDS)
        villages = min(households, max(DEFAULT_VILLAGES, by_size), MAX_VILLAGES)
    if villages > MAX_VILLAGES:
        raise DemoError(f"--villages can be at most {MAX_VILLAGES:,}, not {villages:,}.")
    if households > MAX_HOUSEHOLDS:
        raise DemoError(f"--households can be at most {MAX_HOUSEHOLDS:,}, not {households:,}.")
    if villages > households:
        raise DemoError(
            f"{villages:,} villages need at least as many households, not {households:,}."
        )
    return villages, households


def demo_county_create(
    *,
    seed: int,
    villages: int,
    households: int,
    steps: bool = True,
    today: datetime.date | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> DemoSummary:
    """Create the demo county with its people and the demo logins, all in one transaction.

    All or nothing, so that a failure half-way leaves no half county for `--if-empty` to take
    for a demo. Raises DemoError when the demo county or a demo login already exists.
    """
    villages, households = demo_size(villages=villages, households=households)
    today = today or timezone.localdate()
    with transaction.atomic():
        if Area.objects.filter(code=COUNTY[0]).exists():
            raise DemoError(f"The demo county {COUNTY[1]} ({COUNTY[0]}) already exists.")
        names = [login.username for login in DEMO_LOGINS]
        if clash := sorted(
            User.objects.filter(username__in=names).values_list("username", flat=True)
        ):
            raise DemoError(f"Demo login(s) already exist: {', '.join(clash)}.")
        # Sealed numbers cannot be filtered by their start in the database.
        taken = {
            number
            for number in Person.objects.exclude(id_number=None).values_list("id_number", flat=True)
            if number.startswith(COUNTY[0][:6])
        }
        generator = CountyGenerator(seed=seed, today=today, county_code=COUNTY[0][:6], taken=taken)
        county = county_chain_create()
        # About ten villages to a township, and at least three townships so the tree shows;
        # at most 60, which keeps every township within its 199 village codes.
        township_count = min(villages, max(3, math.ceil(villages / 10)), 60)
        townships = Area.objects.bulk_create(generator.townships(county, township_count))
        village_areas = Area.objects.bulk_create(generator.villages(townships, villages))
        township_by_code = {t.code: t for t in townships}
        sizes = apportion(households, [generator.rng.uniform(0.6, 1.4) for _ in village_areas])
        plans = []
        for area, size in zip(village_areas, sizes, strict=True):
            plan = VillagePlan(
                area=area, township=township_by_code[area.code[:9] + "000"], households=size
            )
            plan.groups = generator.groups(area)
            generator.plan_village(plan)
            plans.append(plan)
        VillageGroup.objects.bulk_create(
            [g for plan in plans for g in plan.groups], batch_size=BATCH_SIZE
        )
        persons = 0
        for number, plan in enumerate(plans, start=1):
            village_persons = 0
            for chunk_households, chunk_persons, chunk_supporters in generator.households(plan):
                Household.objects.bulk_create(chunk_households, batch_size=BATCH_SIZE)
                Person.objects.bulk_create(chunk_persons, batch_size=BATCH_SIZE)
                Supporter.objects.bulk_create(chunk_supporters, batch_size=BATCH_SIZE)
                derive([household.pk for household in chunk_households])
                village_persons += len(chunk_persons)
            persons += village_persons
            report(
                f"[{number}/{len(plans)}] {plan.area.code} {plan.township.name}{plan.area.name}: "
                f"{plan.households:,} households, {village_persons:,} persons"
            )
        logins = demo_logins_create(county=county, villages=village_areas, today=today)
        if steps:
            village_teams_create(villages=village_areas, logins=logins, today=today, seed=seed)
            # The step demos query the registry they stand on: plan those queries on its rows.
            statistics_refresh()
            step_demos_create(county=county, seed=seed, today=today)
        # Written in bulk, past the services: figures stored before are out of date.
        data_changed([county.prefix])
    statistics_refresh()
    return DemoSummary(
        county=county,
        townships=len(townships),
        villages=len(village_areas),
        groups=sum(len(plan.groups) for plan in plans),
        households=households,
        persons=persons,
    )


def step_demos_create(*, county: Area, seed: int, today: datetime.date) -> None:
    """Give every step of the method something to show: offices and their people, outside help,
    visits, problems and diary days of the demo cadres, the village organisation, village
    meetings, matters and tasks, policies, incomes and enrolments, industry plans and projects,
    cooperatives, the collective economy and land, and the guidance library."""
    directory_demo_create(county=county, seed=seed)
    help_demo_create(county=county)
    fieldwork_demo_create(county=county, today=today, seed=seed)
    organisation_demo_create(county=county, today=today, seed=seed)
    request_problems_demo_link(county=county)
    governance_demo_create(county=county, today=today)
    # The rules' anti-joins read the enrolments written policy by policy, on statistics taken
    # before there were any.
    with without_nested_loops():
        welfare_demo_create(county=county, day=today, seed=seed)
    # Project wages and asset income join the income lines the welfare demo wrote.
    projects_demo_create(county=county, today=today, seed=seed)
    # Dividends and rent join the income lines too.
    economy_demo_create(county=county, today=today, seed=seed)
    library_demo_create(county=county)


def county_chain_create() -> Area:
    """The demo county under its province and city, which are reused when already there."""
    parent = None
    for (code, name, name_en), level in ((PROVINCE, Level.PROVINCE), (CITY, Level.CITY)):
        parent, _ = Area.objects.get_or_create(
            code=code, defaults={"level": level, "name": name, "name_en": name_en, "parent": parent}
        )
    code, name, name_en = COUNTY
    return Area.objects.create(
        code=code, level=Level.COUNTY, name=name, name_en=name_en, parent=parent
    )


def demo_logins_create(*, county: Area, villages: list[Area], today: datetime.date) -> list[User]:
    """The demo logins, assigned since a year ago; one password hash serves them all, since
    hashing is slow on purpose and these passwords are public anyway."""
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=login.username,
                display_name=login.display_name,
                password=password,
                is_staff=login.administrator,
                is_superuser=login.administrator,
            )
            for login in DEMO_LOGINS
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                user=user,
                area=county
                if login.village_index is None
                else villages[login.village_index % len(villages)],
                role=login.role,
                starts_on=years_before(today, 1),
            )
            for user, login in zip(users, DEMO_LOGINS, strict=True)
        ]
    )
    return users


def village_teams_create(
    *, villages: list[Area], logins: list[User], today: datetime.date, seed: int
) -> list[User]:
    """A first secretary for every village that no demo login works in, so that a county of any
    size has fieldwork in every village (visits, problems, diary days). They have no password:
    they are the authors of the demo's records, not logins."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    staffed = {a.area_id for a in Assignment.objects.filter(user__in=logins, role=Role.CADRE)}
    unstaffed = [village for village in villages if village.pk not in staffed]
    users = User.objects.bulk_create(
        [
            User(
                username=f"team{village.code}",
                display_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                password=make_password(None),
            )
            for village in unstaffed
        ]
    )
    Assignment.objects.bulk_create(
        Assignment(user=user, area=village, role=Role.CADRE, starts_on=years_before(today, 1))
        for user, village in zip(users, unstaffed, strict=True)
    )
    return users
