"""Who may do what, where: capabilities of roles held over areas, asked of one module."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level

pytestmark = pytest.mark.django_db

C = Capability

# The table as the project means it (docs/permissions.md is generated from the code; this is the
# specification the code is held to).
EXPECTED = {
    Role.CADRE: {
        C.SEE,
        C.KEEP_REGISTRY,
        C.KEEP_DIRECTORY,
        C.RECORD_FIELDWORK,
        C.KEEP_DIARY,
        C.READ_PEOPLE_NOTES,
        C.WRITE_PEOPLE_NOTES,
        C.REVEAL,
        C.EXPORT_PERSONAL_DATA,
        C.MAKE_REPORTS,
    },
    Role.VILLAGE_COMMITTEE: {C.SEE, C.KEEP_REGISTRY, C.KEEP_DIRECTORY, C.RECORD_FIELDWORK},
    Role.TOWNSHIP_SUPERVISOR: {
        C.SEE,
        C.KEEP_DIRECTORY,
        C.READ_PEOPLE_NOTES,
        C.REVEAL,
        C.EXPORT_PERSONAL_DATA,
        C.SUPERVISE,
        C.PUBLISH_GUIDANCE,
        C.MAKE_REPORTS,
    },
    Role.COUNTY_SUPERVISOR: {
        C.SEE,
        C.KEEP_DIRECTORY,
        C.READ_PEOPLE_NOTES,
        C.REVEAL,
        C.EXPORT_PERSONAL_DATA,
        C.SUPERVISE,
        C.KEEP_RULES,
        C.PUBLISH_GUIDANCE,
        C.MAKE_REPORTS,
    },
    # An administrator does everything but is no member of a village's team.
    Role.ADMINISTRATOR: set(C) - {C.KEEP_DIARY},
}

OTHER_TOWNSHIP = "530128200000"
OTHER_TOWNSHIP_VILLAGE = "530128200001"


def today():
    return timezone.localdate()


def person(username, *assignments, superuser=False):
    """A fresh user (no cached assignments) holding each (role, area, starts_on, ends_on)."""
    user = User.objects.create_user(username=username, is_superuser=superuser)
    for role, area, *period in assignments:
        starts_on, ends_on = (period + [None, None])[:2]
        Assignment.objects.create(
            user=user,
            area=area,
            role=role,
            starts_on=starts_on or datetime.date(2020, 1, 1),
            ends_on=ends_on,
        )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def other_township(county):
    return Area.objects.create(
        code=OTHER_TOWNSHIP, level=Level.TOWNSHIP, name="翠华镇", parent=county
    )


@pytest.fixture
def other_village(other_township):
    return Area.objects.create(
        code=OTHER_TOWNSHIP_VILLAGE, level=Level.VILLAGE, name="翠华村", parent=other_township
    )


def test_every_role_is_in_the_table():
    assert set(permissions.ROLE_CAPABILITIES) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_grants_exactly_its_capabilities(role):
    assert permissions.ROLE_CAPABILITIES[role] == frozenset(EXPECTED[role])


@pytest.mark.parametrize("capability", list(Capability))
def test_roles_with_a_capability_are_those_that_grant_it(capability):
    granting = {role for role, held in EXPECTED.items() if capability in held}
    assert permissions.roles_with(capability) == frozenset(granting)


@pytest.mark.parametrize("role", list(Role))
def test_a_role_over_a_village_holds_its_capabilities_there_and_no_others(role, village_a):
    user = person("u", (role, village_a))
    for capability in Capability:
        expected = capability in EXPECTED[role]
        assert permissions.holds(user, capability, village_a.code) is expected, capability
        assert permissions.holds_anywhere(user, capability) is expected, capability


def test_a_role_over_a_village_holds_nothing_in_the_next_village(village_a, village_b):
    user = person("u", (Role.ADMINISTRATOR, village_a))
    for capability in Capability:
        assert not permissions.holds(user, capability, village_b.code), capability


def test_a_capability_over_a_township_holds_in_its_villages_not_in_a_sibling_township(
    township, village_a, village_b, other_township, other_village
):
    user = person("u", (Role.TOWNSHIP_SUPERVISOR, township))
    assert permissions.holds(user, C.REVEAL, township.code)
    assert permissions.holds(user, C.REVEAL, village_a.code)
    assert permissions.holds(user, C.REVEAL, village_b.code)
    assert not permissions.holds(user, C.REVEAL, other_township.code)
    assert not permissions.holds(user, C.REVEAL, other_village.code)
    assert not permissions.holds(user, C.REVEAL, township.parent.code)
    assert permissions.prefixes(user, C.REVEAL) == ["530128100"]


def test_capabilities_held_over_two_villages_hold_in_each(village_a, village_b, other_village):
    user = person("u", (Role.CADRE, village_a), (Role.CADRE, other_village))
    assert permissions.holds(user, C.KEEP_REGISTRY, village_a.code)
    assert permissions.holds(user, C.KEEP_REGISTRY, other_village.code)
    assert not permissions.holds(user, C.KEEP_REGISTRY, village_b.code)
    assert permissions.prefixes(user, C.KEEP_REGISTRY) == [village_a.code, other_village.code]


def test_a_capability_comes_only_from_the_roles_that_grant_it(county, village_a):
    # A county supervisor sees the whole county but keeps no village's registry there; the
    # village's committee keeps it but may not reveal.
    user = person("u", (Role.COUNTY_SUPERVISOR, county), (Role.VILLAGE_COMMITTEE, village_a))
    assert permissions.prefixes(user, C.SEE) == ["530128"]
    assert permissions.prefixes(user, C.KEEP_REGISTRY) == [village_a.code]
    assert permissions.prefixes(user, C.REVEAL) == ["530128"]
    assert permissions.prefixes(user, C.WRITE_PEOPLE_NOTES) == []
    assert not permissions.holds_anywhere(user, C.WRITE_PEOPLE_NOTES)


def test_an_ended_assignment_grants_nothing(village_a):
    yesterday = today() - datetime.timedelta(days=1)
    user = person("u", (Role.CADRE, village_a, datetime.date(2020, 1, 1), yesterday))
    assert not permissions.holds(user, C.SEE, village_a.code)
    assert not permissions.holds_anywhere(user, C.SEE)
    assert permissions.prefixes(user, C.SEE) == []


def test_an_assignment_not_yet_begun_grants_nothing(village_a):
    user = person("u", (Role.CADRE, village_a, today() + datetime.timedelta(days=1)))
    assert not permissions.holds(user, C.SEE, village_a.code)


def test_an_assignment_ending_today_still_holds(village_a):
    user = person("u", (Role.CADRE, village_a, datetime.date(2020, 1, 1), today()))
    assert permissions.holds(user, C.SEE, village_a.code)


def test_current_assignments_are_those_in_force_today_by_area_code(county, village_a, village_b):
    yesterday, tomorrow = today() - datetime.timedelta(days=1), today() + datetime.timedelta(days=1)
    user = person(
        "u",
        (Role.CADRE, village_b, today()),
        (Role.COUNTY_SUPERVISOR, county),
        (Role.VILLAGE_COMMITTEE, village_a, datetime.date(2020, 1, 1), today()),
        (Role.ADMINISTRATOR, county, datetime.date(2020, 1, 1), yesterday),
        (Role.ADMINISTRATOR, village_a, tomorrow),
    )
    current = user.current_assignments()
    assert [(a.role, a.area) for a in current] == [
        (Role.COUNTY_SUPERVISOR, county),
        (Role.VILLAGE_COMMITTEE, village_a),
        (Role.CADRE, village_b),
    ]
    assert {a.pk for a in current} == set(
        Assignment.objects.current().filter(user=user).values_list("pk", flat=True)
    )


def test_no_assignment_holds_nothing(village_a):
    user = person("u")
    for capability in Capability:
        assert not permissions.holds(user, capability, village_a.code)
        assert not permissions.holds_anywhere(user, capability)
        assert permissions.prefixes(user, capability) == []


def test_a_superuser_keeps_the_rules_everywhere_without_an_assignment(village_a, other_village):
    user = person("root", superuser=True)
    assert permissions.prefixes(user, C.KEEP_RULES) == [""]
    assert permissions.holds(user, C.KEEP_RULES, village_a.code)
    assert permissions.holds(user, C.KEEP_RULES, other_village.code)
    assert permissions.holds_anywhere(user, C.KEEP_RULES)


def test_a_superuser_needs_an_assignment_for_everything_but_the_rules(village_a):
    user = person("root", superuser=True)
    for capability in set(Capability) - {C.KEEP_RULES}:
        assert permissions.prefixes(user, capability) == [], capability
        assert not permissions.holds(user, capability, village_a.code), capability


def test_keeping_the_rules_is_not_everywhere_for_a_county_supervisor(county, other_village):
    user = person("u", (Role.COUNTY_SUPERVISOR, county))
    assert permissions.prefixes(user, C.KEEP_RULES) == ["530128"]
    assert not permissions.holds(user, C.KEEP_RULES, "110000000000")


def test_only_an_administrator_keeps_the_default_rules(county):
    yesterday = today() - datetime.timedelta(days=1)
    assert permissions.keeps_default_rules(person("root", superuser=True))
    assert permissions.keeps_default_rules(person("a", (Role.ADMINISTRATOR, county)))
    both = person("b", (Role.COUNTY_SUPERVISOR, county), (Role.ADMINISTRATOR, county))
    assert permissions.keeps_default_rules(both)
    assert not permissions.keeps_default_rules(person("c", (Role.COUNTY_SUPERVISOR, county)))
    ended = person("d", (Role.ADMINISTRATOR, county, datetime.date(2020, 1, 1), yesterday))
    assert not permissions.keeps_default_rules(ended)
    assert not permissions.keeps_default_rules(person("e"))


def test_require_raises_permission_denied_where_not_held(village_a, village_b):
    user = person("u", (Role.VILLAGE_COMMITTEE, village_a))
    assert permissions.require(user, C.KEEP_REGISTRY, village_a.code) is None
    with pytest.raises(PermissionDenied):
        permissions.require(user, C.KEEP_REGISTRY, village_b.code)
    with pytest.raises(PermissionDenied):
        permissions.require(user, C.REVEAL, village_a.code)


def test_require_anywhere_raises_permission_denied_when_held_nowhere(village_a):
    user = person("u", (Role.VILLAGE_COMMITTEE, village_a))
    assert permissions.require_anywhere(user, C.RECORD_FIELDWORK) is None
    with pytest.raises(PermissionDenied):
        permissions.require_anywhere(user, C.SUPERVISE)


def test_assignments_granting_a_capability_are_those_of_its_roles_of_any_period(
    village_a, village_b
):
    ended = datetime.date(2021, 1, 1)
    former = person("former", (Role.CADRE, village_a, datetime.date(2020, 1, 1), ended))
    person("committee", (Role.VILLAGE_COMMITTEE, village_a))
    person("admin", (Role.ADMINISTRATOR, village_a))
    member = person("member", (Role.CADRE, village_b))
    granting = permissions.assignments_granting(C.KEEP_DIARY)
    assert sorted(a.user.username for a in granting) == ["former", "member"]
    assert {a.user for a in granting} == {former, member}
    assert permissions.assignments_granting(C.SEE).count() == 4


@pytest.fixture
def villages_of_the_county(village_a, village_b, other_village):
    return [village_a, village_b, other_village]


def codes(areas):
    return [area.code for area in areas]


def test_village_list_is_every_village_in_view_by_code(county, villages_of_the_county):
    user = person("u", (Role.COUNTY_SUPERVISOR, county))
    assert codes(permissions.village_list(user)) == [
        "530128100001",
        "530128100002",
        OTHER_TOWNSHIP_VILLAGE,
    ]


def test_village_list_leaves_out_areas_above_villages_and_outside_the_view(
    township, villages_of_the_county
):
    user = person("u", (Role.TOWNSHIP_SUPERVISOR, township))
    assert codes(permissions.village_list(user)) == ["530128100001", "530128100002"]


def test_village_list_follows_the_area_in_focus(county, village_b, villages_of_the_county):
    user = person("u", (Role.COUNTY_SUPERVISOR, county))
    user.focus_prefix = village_b.prefix
    assert codes(permissions.village_list(user)) == [village_b.code]


def test_village_list_with_a_capability_keeps_only_the_villages_where_it_is_held(
    county, village_a, villages_of_the_county
):
    user = person("u", (Role.COUNTY_SUPERVISOR, county), (Role.CADRE, village_a))
    assert codes(permissions.village_list(user, C.KEEP_REGISTRY)) == [village_a.code]
    assert codes(permissions.village_list(user, C.REVEAL)) == codes(permissions.village_list(user))
    assert len(permissions.village_list(user)) == 3


def test_village_list_with_a_capability_stays_within_the_focus(
    county, village_a, village_b, villages_of_the_county
):
    user = person("u", (Role.COUNTY_SUPERVISOR, county), (Role.CADRE, village_a))
    user.focus_prefix = village_b.prefix
    assert codes(permissions.village_list(user, C.REVEAL)) == [village_b.code]
    assert list(permissions.village_list(user, C.KEEP_REGISTRY)) == []


def test_village_list_of_a_user_without_areas_is_empty(villages_of_the_county):
    user = person("u")
    assert list(permissions.village_list(user)) == []
    assert list(permissions.village_list(user, C.SEE)) == []


def test_village_list_of_a_superuser_keeping_rules_is_limited_by_the_view(
    village_a, villages_of_the_county
):
    user = person("root", (Role.CADRE, village_a), superuser=True)
    assert codes(permissions.village_list(user, C.KEEP_RULES)) == [village_a.code]


def permissions_table() -> str:
    out = io.StringIO()
    call_command("permissions_table", stdout=out)
    return out.getvalue()


def test_permissions_table_marks_each_role_and_capability_from_the_code():
    lines = permissions_table().splitlines()
    header, rule, *rows = lines
    assert header.count("|") == len(Role) + 2
    assert "Resident cadre" in header and "Administrator" in header
    assert set(rule) <= {"|", "-", ":"}
    assert len(rows) == len(Capability)
    for capability, row in zip(Capability, rows, strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert f"`{capability.value}`" in cells[0]
        marks = [cell == "✓" for cell in cells[1:]]
        assert marks == [capability in EXPECTED[role] for role in Role], capability


def test_docs_permissions_table_is_the_commands_output(settings):
    document = (settings.BASE_DIR / "docs" / "permissions.md").read_text(encoding="utf-8")
    table = [line for line in document.splitlines() if line.startswith("|")]
    assert table == permissions_table().splitlines(), (
        "docs/permissions.md is out of date: run "
        "`.venv/bin/python manage.py permissions_table` and paste its table"
    )
