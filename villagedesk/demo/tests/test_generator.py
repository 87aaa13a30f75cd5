import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.core.sealing import identity_hash
from villagedesk.demo.generator import CountyGenerator, VillagePlan
from villagedesk.demo.services import COUNTY, DEMO_PASSWORD
from villagedesk.registry.codes import (
    FEMALE_RELATIONS,
    MALE_RELATIONS,
    HouseholdStatus,
    Labour,
    Relation,
    Sex,
)
from villagedesk.registry.identity import identity_facts
from villagedesk.registry.models import Household, Person

SMALL = ("--villages", "2", "--households", "60")


def seed(*args: str) -> None:
    call_command("seed_demo", *args, verbosity=0)


@pytest.fixture
def demo(db):
    seed(*SMALL, "--seed", "3")


def fingerprint() -> list[tuple]:
    areas = list(Area.objects.order_by("code").values_list("code", "name", "name_en", "level"))
    households = list(
        Household.objects.order_by("number").values_list(
            "number", "group__number", "address", "phone", "status", "poverty_attribute",
            "identified_on", "housing_safety", "water_safety",
        )
    )  # fmt: skip
    # Sorted here: the database holds the numbers sealed, in no order of theirs.
    persons = sorted(
        Person.objects.values_list(
            "household__number", "name", "id_number", "sex", "birth_date", "relation",
            "ethnicity", "education", "schooling", "labour", "migrant_work", "migrant_months",
            "disability_category", "disability_grade", "phone", "medical_insurance",
        ),
        key=lambda row: (row[2] or "", row[0], row[1]),
    )  # fmt: skip
    return areas + households + persons


class Rollback(Exception):
    pass


def seeded_then_undone(*args: str) -> list[tuple]:
    """The fingerprint of a seed that is then rolled back, leaving the database as it was."""
    with pytest.raises(Rollback), transaction.atomic():
        seed(*args)
        result = fingerprint()
        raise Rollback
    return result


@pytest.mark.django_db
def test_same_seed_gives_same_county():
    first = seeded_then_undone(*SMALL, "--seed", "5")
    assert not Area.objects.exists()
    assert seeded_then_undone(*SMALL, "--seed", "5") == first
    assert seeded_then_undone(*SMALL, "--seed", "6") != first


@pytest.mark.django_db
def test_sizes_are_as_asked(demo):
    assert Area.objects.filter(level=Level.VILLAGE).count() == 2
    assert Household.objects.count() == 60
    assert Person.objects.count() >= 60


@pytest.mark.django_db
def test_identity_numbers_are_valid_unique_and_agree_with_sex_and_birth_date(demo):
    persons = list(Person.objects.all())
    assert len({p.id_number for p in persons}) == len(persons)
    for person in persons:
        facts = identity_facts(person.id_number)
        assert facts.number == person.id_number
        assert facts.sex == person.sex
        assert facts.birth_date == person.birth_date
        assert person.id_number.startswith(COUNTY[0][:6])


@pytest.mark.django_db
def test_persons_pass_model_validation(demo):
    persons = list(Person.objects.select_related("household__village"))
    for person in random.Random(0).sample(persons, min(200, len(persons))):
        person.full_clean()
        assert person.area_code == person.household.area_code


@pytest.mark.django_db
def test_households_pass_model_validation_and_carry_their_codes(demo):
    for household in Household.objects.select_related("village", "group"):
        household.full_clean()
        assert household.area_code == household.village.code
        assert household.county_code == household.village.code[:6]
        assert household.group.village_id == household.village_id


@pytest.mark.django_db
def test_every_household_has_one_head_and_a_spouse_of_the_other_sex(demo):
    members = Counter()
    for household in Household.objects.prefetch_related("members"):
        people = list(household.members.all())
        members[len(people)] += 1
        heads = [p for p in people if p.relation == Relation.HEAD]
        spouses = [p for p in people if p.relation == Relation.SPOUSE]
        assert len(heads) == 1
        assert len(spouses) <= 1
        assert all(s.sex != heads[0].sex for s in spouses)
        assert household.phone == heads[0].phone
    assert set(members) <= set(range(1, 8))


@pytest.mark.django_db
def test_relations_agree_with_sex_and_age(demo):
    today = timezone.localdate()
    heads = {p.household_id: p for p in Person.objects.filter(relation=Relation.HEAD)}
    for person in Person.objects.all():
        assert person.relation not in MALE_RELATIONS or person.sex == Sex.MALE
        assert person.relation not in FEMALE_RELATIONS or person.sex == Sex.FEMALE
        head_age = heads[person.household_id].age_on(today)
        if person.relation in (Relation.SON, Relation.DAUGHTER):
            assert head_age - person.age_on(today) >= 15
        if person.relation in (Relation.GRANDSON, Relation.GRANDDAUGHTER):
            assert head_age - person.age_on(today) >= 35
        if person.relation in (Relation.FATHER, Relation.MOTHER):
            assert person.age_on(today) - head_age >= 15


@pytest.mark.django_db
def test_working_age_healthy_adults_out_of_school_can_work(demo):
    """The counties' ledger check for a suspicious record finds nothing in the demo."""
    today = timezone.localdate()
    for person in Person.objects.filter(
        schooling="", chronic_illness=False, serious_illness=False, disability_category=""
    ):
        if 16 <= person.age_on(today) <= 60:
            assert person.labour not in (Labour.LOST, Labour.NONE)


@pytest.mark.django_db
def test_area_codes_are_valid_and_follow_their_parents(demo):
    for area in Area.objects.select_related("parent"):
        area.full_clean()
    assert Area.objects.get(level=Level.COUNTY).code == COUNTY[0]
    for village in Area.objects.filter(level=Level.VILLAGE):
        assert 3 <= VillageGroup.objects.filter(village=village).count() <= 8


@pytest.mark.django_db
def test_demo_logins_exist_with_their_assignments(demo):
    villages = list(Area.objects.filter(level=Level.VILLAGE).order_by("code"))
    county = Area.objects.get(code=COUNTY[0])
    expected = {
        "county": (Role.COUNTY_SUPERVISOR, county),
        "cadre1": (Role.CADRE, villages[0]),
        "cadre2": (Role.CADRE, villages[1]),
        "admin": (Role.ADMINISTRATOR, county),
    }
    a_year_ago = timezone.localdate() - datetime.timedelta(days=366)
    for username, (role, area) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.display_name
        (assignment,) = Assignment.objects.filter(user=user)
        assert (assignment.role, assignment.area) == (role, area)
        assert a_year_ago <= assignment.starts_on < timezone.localdate()
        assert assignment.ends_on is None
        assert user.current_assignments() == [assignment]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="county").is_staff


@pytest.mark.django_db
def test_if_empty_does_not_seed_twice(demo):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not seeded again" in out.getvalue()
    assert Household.objects.count() == 60


@pytest.mark.django_db
def test_seeding_over_the_demo_is_refused(demo):
    with pytest.raises(CommandError, match="already exists"):
        seed(*SMALL)
    assert Household.objects.count() == 60


@pytest.mark.django_db
def test_identity_numbers_already_registered_are_not_given_again(village_a):
    """A number of the demo's area code that imported data already holds is skipped."""
    with pytest.raises(Rollback), transaction.atomic():
        seed(*SMALL)
        first = Person.objects.order_by("id").first()
        number, birth_date, sex = first.id_number, first.birth_date, first.sex
        raise Rollback
    household = Household.objects.create(village=village_a, number="X-1")
    Person.objects.create(
        household=household, name="张三", sex=sex, birth_date=birth_date, relation=Relation.HEAD,
        education="junior", id_number=number,
    )  # fmt: skip
    seed(*SMALL)
    assert Person.objects.filter(id_number_hash=identity_hash(number)).count() == 1
    assert Area.objects.filter(level=Level.PROVINCE).count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("--households", "-5"), "--households must be at least 1"),
        (("--villages", "0"), "--villages must be at least 1"),
        (("--villages", "10", "--households", "5"), "at least as many households"),
        (("--villages", "999999"), "--villages can be at most"),
        (("--seed", "-1"), "--seed must be 0 or more"),
        (("--households", "many"), "invalid int value"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_give_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_seed_demo_reports_progress_and_logins():
    out = StringIO()
    call_command("seed_demo", *SMALL, stdout=out)
    text = out.getvalue()
    assert "[2/2]" in text
    assert "60 households" in text
    assert "cadre1" in text and DEMO_PASSWORD in text


@pytest.mark.django_db
def test_demo_logins_command_lists_each_login(demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    for username, role in [
        ("county", "County supervisor"),
        ("cadre1", "Resident cadre"),
        ("cadre2", "Resident cadre"),
        ("admin", "Administrator"),
    ]:
        line = next(line for line in lines if line.split()[0] == username)
        assert role in line and DEMO_PASSWORD in line


@pytest.mark.django_db
def test_demo_logins_command_without_a_demo_says_how_to_seed():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_proportions_are_plausible_over_a_large_village():
    """Drawn without the database: sizes, statuses, disability and ethnicity over 3,000 homes."""
    today = datetime.date(2025, 6, 1)
    generator = CountyGenerator(seed=9, today=today, county_code="534021", taken=set())
    village = Area(code="534021101201", level=Level.VILLAGE, name="石桥村")
    plan = VillagePlan(
        area=village,
        township=Area(code="534021101000", level=Level.TOWNSHIP, name="龙潭镇"),
        households=3000,
        groups=[VillageGroup(village=village, number=n, name=f"{n}组") for n in (1, 2, 3)],
    )
    generator.plan_village(plan)
    households, persons = [], []
    for chunk_households, chunk_persons, _ in generator.households(plan):
        households += chunk_households
        persons += chunk_persons
    assert 3.2 <= len(persons) / len(households) <= 3.8
    status = Counter(h.status for h in households)
    assert 0.09 <= status[HouseholdStatus.EXITED] / len(households) <= 0.16
    assert 0.005 <= status[HouseholdStatus.MONITORED] / len(households) <= 0.04
    assert 0.002 <= status[HouseholdStatus.POOR] / len(households) <= 0.025
    assert all(
        bool(h.poverty_attribute) == (h.status in (HouseholdStatus.EXITED, HouseholdStatus.POOR))
        for h in households
    )
    assert 0.04 <= sum(bool(p.disability_category) for p in persons) / len(persons) <= 0.08
    assert all(bool(p.migrant_work) == (p.migrant_months > 0) for p in persons)
    assert all(bool(p.disability_category) == (p.disability_grade is not None) for p in persons)
    assert all(bool(p.education) != bool(p.schooling) for p in persons)


def test_full_demo_gives_every_step_something_to_show(demo):
    from villagedesk.development.models import SupportRequest
    from villagedesk.directory.models import Contact
    from villagedesk.fieldwork.models import Problem, Visit
    from villagedesk.welfare.models import Enrolment, IncomeLine

    assert Contact.objects.exists() and SupportRequest.objects.exists()
    assert Visit.objects.exists() and Problem.objects.exists()
    assert IncomeLine.objects.exists() and Enrolment.objects.exists()


@pytest.mark.django_db
def test_registry_only_demo_holds_no_step_records():
    from villagedesk.directory.models import Contact
    from villagedesk.fieldwork.models import Visit

    seed(*SMALL, "--registry-only")
    assert Household.objects.count() == 60
    assert not Contact.objects.exists() and not Visit.objects.exists()


def test_the_demo_fills_the_facts_the_assistance_rules_test():
    """Drawn without the database over 3,000 homes: poverty status, causes, property, places
    of migrant work, three generations with migrant parents, supporters outside."""
    today = datetime.date(2025, 6, 1)
    generator = CountyGenerator(seed=9, today=today, county_code="534021", taken=set())
    village = Area(code="534021101201", level=Level.VILLAGE, name="石桥村")
    plan = VillagePlan(
        area=village,
        township=Area(code="534021101000", level=Level.TOWNSHIP, name="龙潭镇"),
        households=3000,
        groups=[VillageGroup(village=village, number=n, name=f"{n}组") for n in (1, 2, 3)],
    )
    generator.plan_village(plan)
    households, persons, supporters = [], [], []
    for chunk in generator.households(plan):
        households += chunk[0]
        persons += chunk[1]
        supporters += chunk[2]
    for household in households:
        household.clean_fields(exclude=["village", "group"])
        household.clean()
        registered = household.status in (HouseholdStatus.POOR, HouseholdStatus.EXITED)
        assert not registered or household.poverty_status
        assert bool(household.main_cause) == bool(household.poverty_status)
    assert any(h.other_cause_2 for h in households)
    assert 0.05 <= sum(h.owns_vehicle for h in households) / len(households) <= 0.2
    assert any(h.owns_business for h in households) and any(h.deposits for h in households)
    assert all(bool(p.migrant_place) == bool(p.migrant_work) for p in persons)
    assert any(p.employee_medical_insurance for p in persons)
    by_household = {}
    for person in persons:
        by_household.setdefault(id(person.household), []).append(person)
    migrant_parents = [
        members
        for members in by_household.values()
        if sum(
            m.relation in (Relation.SON, Relation.DAUGHTER_IN_LAW) and bool(m.migrant_work)
            for m in members
        )
        == 2
        and any(m.relation in (Relation.GRANDSON, Relation.GRANDDAUGHTER) for m in members)
    ]
    assert len(migrant_parents) >= 20
    assert len(supporters) >= 50
    assert all(s.supported.household is s.household for s in supporters)
    for supporter in supporters:
        supporter.clean_fields(exclude=["household", "supported"])


def test_the_seeded_demo_derives_families_and_holds_supporters(demo):
    from villagedesk.registry.models import Supporter

    sons = Person.objects.filter(relation=Relation.SON)
    assert sons.exists()
    assert not sons.filter(father__isnull=True, mother__isnull=True).exists()
    assert Person.objects.filter(spouse__isnull=False).exists()
    assert all(
        s.area_code == s.household.area_code for s in Supporter.objects.select_related("household")
    )


@pytest.mark.django_db
def test_every_village_has_a_team_and_fieldwork_in_a_full_demo():
    from villagedesk.fieldwork.models import DiaryDay, Problem, Visit

    seed("--villages", "4", "--households", "80", "--seed", "3")
    villages = list(Area.objects.filter(level=Level.VILLAGE).order_by("code"))
    for village in villages:
        (assignment,) = Assignment.objects.filter(area=village, role=Role.CADRE)
        assert Visit.objects.filter(village=village, visitor=assignment.user).exists()
        assert Problem.objects.filter(village=village, owner=assignment.user).count() == 6
        assert DiaryDay.objects.filter(village=village, member=assignment.user).exists()
    teams = User.objects.filter(username__startswith="team")
    assert sorted(teams.values_list("username", flat=True)) == [
        f"team{v.code}" for v in villages[2:]
    ]
    assert all(not user.has_usable_password() and user.display_name for user in teams)
