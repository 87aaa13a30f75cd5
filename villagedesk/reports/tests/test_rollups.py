"""The supervisors' roll-ups (issue 18, "Roll-ups for supervisors"): every village's figures equal
those of the village's own pages and its playbook's measures, read from the figures the worker
keeps; a write makes the kept figures out of date and the worker brings them back; every column
sorts, the default order is by division code; the export is the page; another township's
villages are invisible; the page's queries do not grow with the villages."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level
from villagedesk.audit.models import AuditEvent
from villagedesk.fieldwork import services as fieldwork
from villagedesk.fieldwork.codes import OPEN_STATUSES
from villagedesk.fieldwork.models import Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit
from villagedesk.playbook.measures import MEASURES, measures_of
from villagedesk.registry import changes
from villagedesk.registry.models import Household
from villagedesk.registry.services import household_create
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.reports import rollups
from villagedesk.reports.models import VillageMonth
from villagedesk.welfare.models import Policy
from villagedesk.welfare.tests.factories import worker_runs

pytestmark = pytest.mark.django_db

IDENTITY_NUMBER = re.compile(r"\d{17}[\dX]")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo county, seeded once for the module (each test's writes are rolled back): three
    villages in two townships, with visits, problems, monitoring cases and the policies."""
    with django_db_blocker.unblock():
        call_command(
            "seed_demo", "--villages", "3", "--households", "90", "--seed", "5", verbosity=0
        )
        yield
        call_command("flush", "--noinput", verbosity=0)


@pytest.fixture
def county(demo, db):
    return Area.objects.get(level=Level.COUNTY)


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def shown(client, area, **query):
    """The roll-up page's answer, after the worker has run when the figures are kept, with its
    villages' table laid out afresh rather than kept, so that the roll-up it shows is in the
    context."""
    path = reverse("reports:rollup", args=[area.code])
    client.get(path, query)
    worker_runs()
    cache.clear()
    response = client.get(path, query)
    assert response.status_code == 200
    return response


def supervisor_of(area: Area, username: str) -> User:
    user = User.objects.create_user(username=username, password="x")
    role = Role.COUNTY_SUPERVISOR if area.level == Level.COUNTY else Role.TOWNSHIP_SUPERVISOR
    Assignment.objects.create(user=user, area=area, role=role, starts_on=datetime.date(2020, 1, 1))
    return user


# Figures: each village's equal its own pages'.


def village_pages(client, village: Area) -> dict:
    """The figures the village's own pages show, read from their answers."""
    profile = client.get(reverse("directory:profile", args=[village.code])).context["figures"]
    coverage = client.get(reverse("fieldwork:coverage"), {"village": village.code}).context[
        "coverage"
    ]
    board = client.get(reverse("fieldwork:problem-list"), {"village": village.code}).context[
        "columns"
    ]
    monitoring = client.get(reverse("welfare:monitoring"), {"area": village.code}).context
    gap_lines = 0
    for policy in Policy.objects.exclude(category="care"):
        answer = client.get(
            reverse("welfare:gap-report"), {"policy": policy.code, "area": village.code}
        )
        if "error" not in answer.context:
            gap_lines += len(answer.context["missing"]) + len(answer.context["wrong"])
    return {
        "households": profile.households,
        "persons": profile.persons,
        "coverage": (coverage.visited, coverage.households),
        "open_problems": sum(c.count for c in board if c.status in OPEN_STATUSES),
        "gap_lines": gap_lines,
        "monitored": monitoring["cases"].paginator.count,
    }


def test_every_village_shows_the_figures_of_its_own_pages(county):
    client = logged_in("county")
    response = shown(client, county)
    rows = response.context["rollup"].rows
    assert len(rows) == Area.objects.villages().count()
    assert response.context["rollup"].stored.up_to_date
    for row in rows:
        pages = village_pages(client, row.village)
        cells = row.cells
        assert cells["households"].value == pages["households"] > 0
        assert cells["persons"].value == pages["persons"]
        assert (cells["coverage"].value, cells["coverage"].of) == pages["coverage"]
        assert cells["open_problems"].value == pages["open_problems"]
        assert cells["gap_lines"].value == pages["gap_lines"]
        assert cells["monitored"].value == pages["monitored"]
    # The figures are not all zero: a mistake in any of them would show.
    for key in ("coverage", "open_problems", "gap_lines", "monitored"):
        assert any(row.cells[key].value for row in rows), key


def test_every_village_drills_down_to_its_playbook_and_its_glance(county):
    page = shown(logged_in("county"), county).content.decode()
    for village in Area.objects.villages():
        assert f'href="{reverse("playbook:village", args=[village.code])}"' in page
        assert f'href="{reverse("reports:village-glance", args=[village.code])}"' in page


def test_every_village_shows_the_measures_of_its_playbook(county):
    result = shown(logged_in("county"), county).context["rollup"]
    keys = [c.key for c in result.columns if c.step is not None]
    assert keys == list(MEASURES)
    for row in result.rows:
        (measures,) = measures_of([row.village.code]).values()
        for measure in measures:
            cell = row.cells[measure.key]
            assert (cell.value, cell.of) == (measure.numerator, measure.denominator), measure.key
        # The playbook's step 4 counts visit coverage as the coverage page does.
        coverage = row.cells["coverage"]
        assert (coverage.value, coverage.of) == (
            row.cells["households_visited"].value,
            row.cells["households_visited"].of,
        )
    assert any(row.cells["registry_complete"].value for row in result.rows)


def test_a_step_shows_its_own_measures(county):
    result = shown(logged_in("county"), county, step="5").context["rollup"]
    steps = {c.step for c in result.columns}
    assert steps == {None, 5}
    everything = shown(logged_in("county"), county, step="11").context["rollup"]
    assert len(everything.columns) == 6 + len(MEASURES)


def test_a_township_shows_its_own_villages_with_the_countys_figures(county):
    client = logged_in("county")
    by_county = {r.village.code: r.cells for r in shown(client, county).context["rollup"].rows}
    township = Area.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
    rows = shown(client, township).context["rollup"].rows
    assert {r.village.code for r in rows} == set(
        Area.objects.villages().within([township.prefix]).values_list("code", flat=True)
    )
    for row in rows:
        assert row.cells == by_county[row.village.code]


def test_the_total_row_sums_the_villages(county):
    result = shown(logged_in("county"), county).context["rollup"]
    for key in ("households", "persons", "open_problems", "gap_lines", "monitored", *MEASURES):
        assert result.totals[key].value == sum(r.cells[key].value for r in result.rows), key
        if result.totals[key].of is not None:
            assert result.totals[key].of == sum(r.cells[key].of for r in result.rows), key


# Kept figures: a write makes them out of date, the worker counts them again.


def test_a_visit_makes_the_kept_figures_out_of_date_and_the_worker_counts_them_again(county):
    client = logged_in("county")
    before = {r.village.code: r.cells for r in shown(client, county).context["rollup"].rows}
    cadre = User.objects.get(username="cadre1")
    village = cadre.current_assignments()[0].area
    household = (
        Household.objects.filter(village=village)
        .exclude(visits__visited_on__gte=timezone.localdate() - datetime.timedelta(days=89))
        .exclude(
            members__visits__visited_on__gte=timezone.localdate() - datetime.timedelta(days=89)
        )
        .first()
    )
    fieldwork.visit_record(
        by=cadre,
        visit=Visit(household=household, visited_on=timezone.localdate(), said="茶叶价格"),
        persons=[],
    )
    table = client.get(reverse("reports:rollup", args=[county.code])).context["table"]
    stale = client.get(reverse("reports:rollup", args=[county.code])).context
    assert not stale["stored"].up_to_date
    assert stale["table"] == table  # the last figures' table, until new ones are in
    assert "being computed in the background" in stale_page_text(client, county)
    assert worker_runs() == 1
    fresh = client.get(reverse("reports:rollup", args=[county.code])).context["rollup"]
    assert fresh.stored.up_to_date
    after = {r.village.code: r.cells for r in fresh.rows}
    assert after[village.code]["coverage"].value == before[village.code]["coverage"].value + 1


def test_the_table_is_kept_until_new_figures_are_in(county):
    client = logged_in("county")
    path = reverse("reports:rollup", args=[county.code])
    with CaptureQueriesContext(connection) as laid_out:
        first = shown(client, county, sort="persons")
    with CaptureQueriesContext(connection) as kept:
        again = client.get(path, {"sort": "persons"})
    assert first.context["rollup"].rows
    assert again.context["rollup"] is None  # no figure read, nothing laid out
    assert again.context["table"] == first.context["table"]
    assert len(kept) < len(laid_out)
    # Another order, step or language is another table.
    assert client.get(path, {"sort": "-persons"}).context["rollup"] is not None
    assert client.get(path, {"sort": "persons", "step": "4"}).context["rollup"] is not None
    chinese = client.get(path, {"sort": "persons"}, headers={"accept-language": "zh-hans"})
    assert chinese.context["rollup"] is not None


def stale_page_text(client, area) -> str:
    return client.get(reverse("reports:rollup", args=[area.code])).content.decode()


def test_a_new_problem_and_a_new_household_are_counted_after_the_refresh(county):
    client = logged_in("county")
    before = {r.village.code: r.cells for r in shown(client, county).context["rollup"].rows}
    cadre = User.objects.get(username="cadre1")
    village = cadre.current_assignments()[0].area
    fieldwork.problem_create(
        by=cadre,
        problem=Problem(village=village, title="桥梁损坏", category="infrastructure"),
        households=[],
        persons=[],
    )
    household_create(by=cadre, household=Household(village=village, number="990001"))
    assert worker_runs() == 0  # nobody asked yet
    after = {r.village.code: r.cells for r in shown(client, county).context["rollup"].rows}
    assert (
        after[village.code]["open_problems"].value
        == before[village.code]["open_problems"].value + 1
    )
    assert after[village.code]["households"].value == before[village.code]["households"].value + 1


def test_kept_figures_of_another_day_are_out_of_date(county):
    client = logged_in("county")
    shown(client, county)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        client = logged_in("county")
        result = client.get(reverse("reports:rollup", args=[county.code])).context["rollup"]
        assert not result.stored.up_to_date
        assert worker_runs() == 1


# The trend: each village's month kept.


def test_the_worker_keeps_each_villages_month_and_the_chart_sums_them(county):
    client = logged_in("county")
    response = shown(client, county)
    result = response.context["rollup"]
    month = timezone.localdate().replace(day=1)
    kept = VillageMonth.objects.filter(month=month)
    assert kept.count() == Area.objects.villages().count()
    chart = response.context["chart"]
    assert chart["months"][-1] == month.strftime("%Y-%m")
    assert len(chart["months"]) == rollups.TREND_MONTHS
    series = {s["name"]: s["data"] for s in chart["series"]}
    assert series["Open problems"][-1] == result.totals["open_problems"].value
    assert series["Monitoring cases"][-1] == result.totals["monitored"].value
    assert series["Visit coverage (%)"][-1] == result.totals["coverage"].share
    assert series["Open problems"][0] is None  # no month kept a year ago


def test_a_months_figures_are_kept_once_per_village_and_replaced_by_later_counts(county):
    client = logged_in("county")
    shown(client, county)
    cadre = User.objects.get(username="cadre1")
    village = cadre.current_assignments()[0].area
    household_count = VillageMonth.objects.get(village_code=village.code).households
    household_create(by=cadre, household=Household(village=village, number="990002"))
    shown(client, county)
    assert VillageMonth.objects.filter(village_code=village.code).count() == 1
    assert VillageMonth.objects.get(village_code=village.code).households == household_count + 1


# Sorting: any column, both ways; by division code unless asked.


def order_values(rows, key):
    if key == "code":
        return [r.village.code for r in rows]
    if key == "name":
        return [r.village.display_name for r in rows]
    return [r.cells[key].order for r in rows]


@pytest.mark.parametrize("key", rollups.sort_keys())
def test_every_column_sorts_both_ways(county, key):
    client = logged_in("county")
    up = order_values(shown(client, county, sort=key).context["rollup"].rows, key)
    down = order_values(shown(client, county, sort=f"-{key}").context["rollup"].rows, key)
    for values, descending in ((up, False), (down, True)):
        known = [v for v in values if v is not None]
        # A village without a share (nothing to count it over) comes last either way.
        assert values == sorted(known, reverse=descending) + [None] * (len(values) - len(known))


@pytest.mark.parametrize("sort", [None, "", "score", "-", "households;drop"])
def test_the_default_order_is_by_division_code(county, sort):
    client = logged_in("county")
    query = {} if sort is None else {"sort": sort}
    rows = shown(client, county, **query).context["rollup"].rows
    codes = [r.village.code for r in rows]
    assert codes == sorted(codes)


def test_a_sort_link_turns_the_order_around(county):
    html = shown(logged_in("county"), county, sort="persons").content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-persons"' in html
    assert '<a href="?sort=households"' in html


def test_sorting_puts_villages_without_a_share_last():
    village = Area(code="530128100201", level=Level.VILLAGE, name="甲")
    empty = Area(code="530128100202", level=Level.VILLAGE, name="乙")
    rows = [
        rollups.Row(empty, {"coverage": rollups.Cell(0, 0)}),
        rollups.Row(village, {"coverage": rollups.Cell(1, 2)}),
    ]
    for sort in ("coverage", "-coverage"):
        assert [r.village for r in rollups.sorted_rows(rows, sort)] == [village, empty]


# The export: the page's table, safe cells, no numbers, audited.


def sheet(content: bytes) -> list[list[str]]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return [[str(cell) for cell in row] for row in rows]


def test_the_export_is_the_page_in_its_order(county):
    client = logged_in("county")
    page = shown(client, county, sort="-gap_lines")
    response = client.get(
        reverse("reports:rollup-export", args=[county.code]), {"sort": "-gap_lines"}
    )
    assert response.status_code == 200
    rows = sheet(response.content)
    header, body = rollups.rollup_table(page.context["rollup"])
    assert rows[0] == header
    assert rows[1:] == body
    html = page.content.decode()
    for row in body[:-1]:
        assert f'<td class="place" data-label="{header[0]}">{row[0]}</td>' in html
        for text in row[2:]:
            assert text in html
    assert [r[0] for r in body[:-1]] == [r.village.code for r in page.context["rollup"].rows]


def test_an_export_cell_never_starts_a_formula_nor_holds_a_personal_number(county):
    village = Area.objects.villages().order_by("code").first()
    formula = '=HYPERLINK("http://x","点我")'
    Area.objects.filter(pk=village.pk).update(name=formula, name_en=formula)
    client = logged_in("county")
    shown(client, county)
    response = client.get(reverse("reports:rollup-export", args=[county.code]))
    rows = sheet(response.content)
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x","点我")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert not any(IDENTITY_NUMBER.search(cell) for cell in cells)


def test_an_export_is_recorded_in_the_audit_log(county):
    client = logged_in("county")
    shown(client, county)
    client.get(reverse("reports:rollup-export", args=[county.code]))
    event = AuditEvent.objects.get(kind="export", object_type="reports.rollup")
    assert event.area == county.code
    assert event.username == "county"
    assert event.details["rows"] == Area.objects.villages().count() + 1


def test_figures_not_computed_yet_are_not_exported(county):
    client = logged_in("county")
    response = client.get(reverse("reports:rollup-export", args=[county.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:rollup", args=[county.code])
    assert not AuditEvent.objects.filter(kind="export").exists()
    page = client.get(response["Location"]).content.decode()
    assert "export them again in a moment" in page
    assert "being computed in the background" in page


# Who sees which roll-up.


def test_a_township_supervisor_sees_their_township_and_nothing_else(county):
    first, second = Area.objects.filter(level=Level.TOWNSHIP).order_by("code")[:2]
    client = Client()
    client.force_login(supervisor_of(first, "township_one"))
    assert client.get(reverse("reports:rollup", args=[first.code])).status_code == 200
    assert [a.code for a in client.get(reverse("reports:rollup-index")).context["areas"]] == [
        first.code
    ]
    for area in (second, county):
        for name in ("reports:rollup", "reports:rollup-export"):
            assert client.get(reverse(name, args=[area.code])).status_code == 404
    assert not AuditEvent.objects.filter(kind="export").exists()


def test_a_village_or_an_unknown_code_is_no_roll_up(county):
    client = logged_in("county")
    village = Area.objects.villages().first()
    for code in (village.code, "999999999999", "abc", "5" * 40):
        assert client.get(reverse("reports:rollup", args=[code])).status_code == 404


def test_a_resident_cadre_has_no_roll_up_and_no_menu_entry(county):
    client = logged_in("cadre1")
    village = User.objects.get(username="cadre1").current_assignments()[0].area
    township = village.parent
    assert client.get(reverse("reports:rollup-index")).status_code == 404
    assert client.get(reverse("reports:rollup", args=[township.code])).status_code == 404
    assert reverse("reports:rollup-index") not in client.get("/").content.decode()
    assert reverse("reports:rollup-index") in logged_in("county").get("/").content.decode()


# Queries: fixed, whatever the number of villages.


def page_queries(client, area) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:rollup", args=[area.code])).status_code == 200
    return len(queries)


def villages_added(township: Area, count: int, by: User) -> None:
    """More villages in the township, each with households, members, visits, problems."""
    for n in range(count):
        code = f"{township.prefix}{900 + n}"
        village = Area.objects.create(
            code=code, level=Level.VILLAGE, parent=township, name=f"新{n}村"
        )
        for i in range(3):
            household = HouseholdFactory(village=village)
            PersonFactory(household=household, relation="head")
            make_visit(household=household, visitor=by, days_ago=i)
        make_problem(village=village, by=by)


def test_the_page_takes_the_same_queries_with_more_villages(county):
    client = logged_in("county")
    counts = []
    for more in (0, 3):
        villages_added(
            Area.objects.filter(level=Level.TOWNSHIP).first(),
            more,
            User.objects.get(username="cadre1"),
        )
        changes.data_changed([county.prefix])
        client.get(reverse("reports:rollup", args=[county.code]))
        worker_runs()
        counts.append(page_queries(client, county))
    assert Area.objects.villages().count() == 6
    assert counts[0] == counts[1]
