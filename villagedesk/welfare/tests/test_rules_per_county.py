"""Counties adapt rules (README §9): a county's version applies in its own areas only, other
counties keep the default; only an administrator changes the default; every decision records the
rule version it used."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_area, make_user
from villagedesk.accounts.models import Role, User
from villagedesk.areas.models import Level
from villagedesk.welfare.evaluation import household_evaluation
from villagedesk.welfare.models import Policy
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.services import gap_check, rule_save
from villagedesk.welfare.tests.rulecases import DAY, figures_set, household_with, member

STRICTER = {"field": "per_capita_income", "op": "<", "value": 5000}
FROM = datetime.date(2025, 6, 1)


@pytest.fixture
def other_county(county):
    other = make_area("530129000000", Level.COUNTY, "寻甸县", county.parent)
    township = make_area("530129100000", Level.TOWNSHIP, "仁德街道", other)
    return make_area("530129100001", Level.VILLAGE, "北村", township)


@pytest.fixture
def two_counties(county, village_a, other_county):
    figures_set(county.parent)  # the city's figures, for both counties
    here = household_with(village_a, income={"wage": 5500})
    member(here, relation="head")
    there = household_with(other_county, income={"wage": 5500})
    member(there, relation="head")
    return county, here, there


def test_a_county_version_applies_in_its_areas_only(two_counties, county_supervisor):
    county, here, there = two_counties
    dibao = Policy.objects.get(code="dibao")
    rule_save(
        by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM, area=county
    )
    # 5,500 a person: below the default standard (6,000), not below the county's 5,000.
    own = policy_compiled(policy=dibao, area=here.village, day=DAY)
    assert here.pk not in set(own.queryset().values_list("pk", flat=True))
    assert own.version.area == county
    default = policy_compiled(policy=dibao, area=there.village, day=DAY)
    assert there.pk in set(default.queryset().values_list("pk", flat=True))
    assert default.version.area is None


def test_the_default_over_a_wider_area_leaves_out_counties_with_their_own(
    two_counties, county_supervisor
):
    county, here, there = two_counties
    dibao = Policy.objects.get(code="dibao")
    rule_save(
        by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM, area=county
    )
    city = county.parent
    selected = set(
        policy_compiled(policy=dibao, area=city, day=DAY).queryset().values_list("pk", flat=True)
    )
    assert selected == {there.pk}


def test_only_an_administrator_changes_the_default(two_counties, county_supervisor):
    county, here, _there = two_counties
    dibao = Policy.objects.get(code="dibao")
    with pytest.raises(PermissionDenied):
        rule_save(by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM)
    admin = User.objects.create_user(username="root", password="pw-for-tests-1", is_superuser=True)
    rule_save(by=admin, policy=dibao, definition=STRICTER, effective_from=FROM)
    assert dibao.rule_on(DAY).area is None and dibao.rule_on(DAY).version == 2


def test_an_administrator_by_role_changes_the_default(two_counties):
    county, _here, _there = two_counties
    admin = make_user("admin_role", Role.ADMINISTRATOR, county)
    dibao = Policy.objects.get(code="dibao")
    rule_save(by=admin, policy=dibao, definition=STRICTER, effective_from=FROM)
    assert dibao.rule_on(DAY).definition == STRICTER


def test_a_county_supervisor_cannot_write_another_countys_version(
    two_counties, county_supervisor, other_county
):
    dibao = Policy.objects.get(code="dibao")
    with pytest.raises(PermissionDenied):
        rule_save(
            by=county_supervisor,
            policy=dibao,
            definition=STRICTER,
            effective_from=FROM,
            area=other_county.parent.parent,
        )


def test_evaluations_and_gap_checks_record_the_version_used(
    two_counties, county_supervisor, cadre_a
):
    county, here, _there = two_counties
    dibao = Policy.objects.get(code="dibao")
    rule = rule_save(
        by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM, area=county
    )
    [line] = [p for p in household_evaluation(household=here, day=DAY, codes=["dibao"])["policies"]]
    assert line["rule"] == f"dibao v{rule.version} · {county.code}"
    check = gap_check(
        by=cadre_a,
        policy=dibao,
        household=here,
        person=None,
        kind="enrolled_not_eligible",
        reason="checked at home",
        fingerprint="x",
        rule=dibao.rule_on(DAY, here.village),
    )
    assert check.rule == rule
