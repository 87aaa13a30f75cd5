"""Counties adapt rules (README §9): a county's version applies in its own areas only, other
counties keep the default; an evaluation over a wider area evaluates each county with its own
version and the rest with the default; only an administrator changes the default; every
decision records the rule version it used."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_area, make_user
from villagedesk.accounts.models import Role, User
from villagedesk.areas.models import Level
from villagedesk.registry.models import Household
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.evaluation import household_evaluation, policy_evaluation
from villagedesk.welfare.models import Parameter, Policy
from villagedesk.welfare.rules import explain_rows
from villagedesk.welfare.selectors import gap_lines, gap_rollup, policy_compiled
from villagedesk.welfare.services import gap_check, rule_save
from villagedesk.welfare.tests.rulecases import (
    DAY,
    born,
    enrol,
    figures_set,
    household_with,
    member,
)

# The county's own 低保 line, below the default's standard of 6,000 a person a year.
STRICTER = {"field": "per_capita_income", "op": "<", "value": 5000}
FROM = datetime.date(2025, 6, 1)
LISTS = ("eligible", "eligible_not_enrolled", "enrolled_not_eligible")


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


def single(village, wage):
    household = household_with(village, income={"wage": wage})
    member(household, relation="head")
    return household


@pytest.fixture
def city_of_two(county, village_a, other_county, county_supervisor):
    """A city of two counties: 禄劝 keeps its own stricter 低保 version (under 5,000), 寻甸 the
    default (under the 6,000 standard the province sets). In each, one household under its
    county's line and one over it but under the other county's: enrolled over the line, not
    enrolled under it."""
    figures_set(county.parent.parent)
    dibao = Policy.objects.get(code="dibao")
    own = rule_save(
        by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM, area=county
    )
    h = {
        "luquan_under": single(village_a, 4900),
        "luquan_over": single(village_a, 5500),
        "xundian_under": single(other_county, 5500),
        "xundian_over": single(other_county, 6100),
    }
    enrol("dibao", h["luquan_over"])
    enrol("dibao", h["xundian_over"])
    return dibao, own, h


def listed(report: dict) -> dict[str, set[int]]:
    return {kind: {row["household"] for row in report[kind]} for kind in LISTS}


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


@pytest.mark.parametrize("where", ["province", "city", "luquan", "xundian"])
def test_each_county_is_evaluated_with_its_own_version_from_any_area_above(
    city_of_two, county, other_county, where
):
    dibao, own, h = city_of_two
    area = {
        "province": county.parent.parent,
        "city": county.parent,
        "luquan": county,
        "xundian": other_county.parent.parent,
    }[where]
    luquan = where in {"province", "city", "luquan"}
    xundian = where in {"province", "city", "xundian"}
    report = policy_evaluation(policy=dibao, area=area, day=DAY)
    assert report["error"] is None
    expected_under = {
        h[k].pk for k, on in (("luquan_under", luquan), ("xundian_under", xundian)) if on
    }
    expected_over = {
        h[k].pk for k, on in (("luquan_over", luquan), ("xundian_over", xundian)) if on
    }
    assert listed(report) == {
        "eligible": expected_under,
        "eligible_not_enrolled": expected_under,
        "enrolled_not_eligible": expected_over,
    }
    versions = {row["household"]: row["rule"] for kind in LISTS for row in report[kind]}
    default = f"dibao v{own.version - 1}"
    assert versions == {
        **({h["luquan_under"].pk: own.label, h["luquan_over"].pk: own.label} if luquan else {}),
        **({h["xundian_under"].pk: default, h["xundian_over"].pk: default} if xundian else {}),
    }
    assert own.label == f"dibao v{own.version} · {county.code}"
    # Each household over its line fails its own county's standard.
    failing = {
        row["household"]: {c["standard"] for c in row["failing"]}
        for row in report["enrolled_not_eligible"]
    }
    if luquan:
        assert "5000" in failing[h["luquan_over"].pk]
    if xundian:
        assert "6,000" in failing[h["xundian_over"].pk]


def test_the_counts_of_the_city_are_those_of_its_counties_added(city_of_two, county, other_county):
    dibao, _own, _h = city_of_two
    city = county.parent
    counties = [county, other_county.parent.parent]

    def counts(area):
        report = policy_evaluation(policy=dibao, area=area, day=DAY)
        return {kind: len(report[kind]) for kind in LISTS}

    parts = [counts(area) for area in counties]
    assert counts(city) == {kind: sum(part[kind] for part in parts) for kind in LISTS}
    assert counts(city) == {"eligible": 2, "eligible_not_enrolled": 2, "enrolled_not_eligible": 2}
    compiled = policy_compiled(policy=dibao, area=city, day=DAY)
    assert compiled.queryset().count() == 2
    assert compiled.outside(Household.objects.values("pk")).count() == 2


def test_a_city_evaluation_reads_households_once_a_list_and_once_a_version_to_explain(
    city_of_two, county
):
    dibao, _own, _h = city_of_two
    with CaptureQueriesContext(connection) as queries:
        policy_evaluation(policy=dibao, area=county.parent, day=DAY)
    reads = [q for q in queries.captured_queries if 'FROM "registry_household"' in q["sql"]]
    # Eligible, eligible not enrolled, enrolled not eligible; the last explained per version.
    assert len(reads) == 3 + 2


def test_a_combined_list_is_ordered_and_paged_like_one(city_of_two, county):
    _dibao, _own, h = city_of_two
    compiled = policy_compiled(policy=Policy.objects.get(code="dibao"), area=county.parent, day=DAY)
    rows = compiled.outside(Household.objects.values("pk")).order_by("-pk")
    assert list(rows.values_list("pk", flat=True)) == sorted(
        [h["luquan_over"].pk, h["xundian_over"].pk], reverse=True
    )
    assert [row.pk for row in rows[1:2]] == [min(h["luquan_over"].pk, h["xundian_over"].pk)]
    explained = explain_rows(compiled, rows)
    assert {pk: e.rule for pk, e in explained.items()} == {
        h["luquan_over"].pk: compiled.part_for(county.code).name,
        h["xundian_over"].pk: "dibao v1",
    }


def test_the_gap_rollup_of_the_city_shows_each_village_under_its_version(
    city_of_two, county, village_a, other_county, county_supervisor
):
    dibao, own, _h = city_of_two
    city_user = make_user("city", Role.COUNTY_SUPERVISOR, county.parent)
    rows = {
        r.area.code: (r.eligible, r.not_enrolled, r.not_eligible, r.rule.label)
        for r in gap_rollup(user=city_user, policy=dibao, area=county.parent, day=DAY)
    }
    assert rows[village_a.code] == (1, 1, 1, own.label)
    assert rows[other_county.code] == (1, 1, 1, "dibao v1")
    # 禄劝's supervisor sees 禄劝's villages only, all under its version.
    mine = gap_rollup(user=county_supervisor, policy=dibao, area=county, day=DAY)
    assert {r.area.code[:6] for r in mine} == {county.prefix}
    assert {r.rule for r in mine} == {own}


def test_the_gap_report_page_of_a_city_user_shows_both_counties(
    city_of_two, county, village_a, other_county, client
):
    _dibao, own, _h = city_of_two
    client.force_login(make_user("city", Role.COUNTY_SUPERVISOR, county.parent))
    query = f"policy=dibao&area={county.parent.code}&year=2025"
    page = client.get(f"/welfare/gaps/?{query}")
    assert page.status_code == 200
    rows = {r.area.code: r for r in page.context["rollup"]}
    assert set(rows) >= {village_a.code, other_county.code}
    assert (rows[village_a.code].not_eligible, rows[other_county.code].not_eligible) == (1, 1)
    text = page.content.decode()
    # Each village's version by its number and the area whose own version it is, not by codes.
    assert f'<td data-label="Rule">v{own.version} · {county.name_en}</td>' in text
    assert '<td data-label="Rule">v1</td>' in text
    assert own.label not in text and "dibao v1" not in text
    exported = client.get(f"/welfare/gaps/export/?{query}")
    assert exported.status_code == 200


def test_the_village_gap_lines_follow_the_village_countys_version(
    city_of_two, county, village_a, other_county
):
    dibao, own, h = city_of_two
    city_user = make_user("city", Role.COUNTY_SUPERVISOR, county.parent)
    for village, expected in (
        (village_a, {(GapKind.ELIGIBLE_NOT_ENROLLED, h["luquan_under"].pk, own.label)}),
        (other_county, {(GapKind.ELIGIBLE_NOT_ENROLLED, h["xundian_under"].pk, "dibao v1")}),
    ):
        lines = gap_lines(user=city_user, policy=dibao, area=village, day=DAY)
        missing = {
            (x.kind, x.household.pk, x.explanation.rule)
            for x in lines
            if x.kind == GapKind.ELIGIBLE_NOT_ENROLLED
        }
        assert missing == expected


def test_a_person_policy_takes_each_countys_version_for_each_person(
    county, village_a, other_county, county_supervisor
):
    """Premium aid, paid to persons: the default from 60, 禄劝's own from 65."""
    figures_set(county.parent)
    admin = User.objects.create_user(username="root", password="pw-for-tests-1", is_superuser=True)
    aid = Policy.objects.get(code="medical_premium_aid")
    default = rule_save(
        by=admin,
        policy=aid,
        definition={"field": "age", "op": ">=", "value": 60},
        effective_from=FROM,
    )
    own = rule_save(
        by=county_supervisor,
        policy=aid,
        definition={"field": "age", "op": ">=", "value": 65},
        effective_from=FROM,
        area=county,
    )
    luquan = household_with(village_a)
    luquan_62 = member(luquan, relation="head", birth_date=born(62))
    luquan_66 = member(luquan, relation="spouse", birth_date=born(66))
    xundian = household_with(other_county)
    xundian_62 = member(xundian, relation="head", birth_date=born(62))
    enrol("medical_premium_aid", luquan, luquan_62)
    report = policy_evaluation(policy=aid, area=county.parent, day=DAY)
    assert {row["person"]: row["rule"] for row in report["eligible"]} == {
        luquan_66.pk: own.label,
        xundian_62.pk: default.label,
    }
    [wrong] = report["enrolled_not_eligible"]
    assert (wrong["person"], wrong["rule"]) == (luquan_62.pk, own.label)


@pytest.fixture
def local_standards(county, village_a, other_county, county_supervisor):
    """The 低保 standard: 6,000 from the province, 5,000 in 禄劝, 5,200 in its township 屏山;
    禄劝's own version reads the standard as the default does, with one more condition."""
    figures_set(county.parent.parent)
    for area, value in ((county, 5000), (village_a.parent, 5200)):
        Parameter.objects.create(name="dibao_standard", area=area, year=DAY.year, value=value)
    other_township = make_area("530128101000", Level.TOWNSHIP, "中屏镇", county)
    other_village = make_area("530128101001", Level.VILLAGE, "中村", other_township)
    rule_save(
        by=county_supervisor,
        policy=Policy.objects.get(code="dibao"),
        definition={
            "all": [
                {"field": "per_capita_income", "op": "<", "value": {"param": "dibao_standard"}},
                {"field": "size", "op": ">=", "value": 1},
            ]
        },
        effective_from=FROM,
        area=county,
    )
    # 5,100 a person everywhere: under 屏山's 5,200 and 寻甸's 6,000, over 禄劝's 5,000.
    return {
        "pingshan": single(village_a, 5100),
        "zhongping": single(other_village, 5100),
        "xundian": single(other_county, 5100),
    }


@pytest.mark.parametrize("where", ["province", "city", "luquan"])
def test_parameters_resolve_for_the_most_specific_area_within_each_county(
    local_standards, county, where
):
    h = local_standards
    area = {"province": county.parent.parent, "city": county.parent, "luquan": county}[where]
    dibao = Policy.objects.get(code="dibao")
    compiled = policy_compiled(policy=dibao, area=area, day=DAY)
    chosen = set(compiled.queryset().values_list("pk", flat=True))
    expected = {h["pingshan"].pk} | ({h["xundian"].pk} if where != "luquan" else set())
    assert chosen == expected
    standards = {
        pk: next(line.expected for line in e.lines if "per-capita net income" in line.text)
        for pk, e in explain_rows(compiled, compiled.base()).items()
    }
    assert standards[h["pingshan"].pk] == "5,200"
    assert standards[h["zhongping"].pk] == "5,000"
    if where != "luquan":
        assert standards[h["xundian"].pk] == "6,000"


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


def test_the_rule_page_offers_a_county_supervisor_neither_the_default_nor_another_county(
    city_of_two, county, other_county, county_supervisor, client
):
    dibao, own, _h = city_of_two
    client.force_login(county_supervisor)
    for area in (other_county.parent.parent.code, ""):
        page = client.post(
            "/welfare/policies/dibao/rule/",
            {
                "definition": '{"field": "per_capita_income", "op": "<", "value": 1}',
                "effective_from": "2025-09-01",
                "area": area,
                "save": "1",
            },
        )
        assert page.status_code == 200
    assert list(dibao.rules.order_by("version")) == [dibao.rule_on(DAY), own]


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
