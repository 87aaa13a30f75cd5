"""The household list is paged by keys and counts cheaply, in two villages of one county."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from villagedesk.core import paging
from villagedesk.registry.models import Household
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("registry:household-list")


@pytest.fixture
def households(village_a, village_b):
    """30 households in village A and 30 in B; in B every third is exited."""
    for village, prefix in ((village_a, "A"), (village_b, "B")):
        for i in range(30):
            household = HouseholdFactory(
                village=village,
                number=f"{prefix}{i:02d}",
                status="exited" if prefix == "B" and i % 3 == 0 else "not_poor",
            )
            PersonFactory(household=household, name=f"户主{prefix}{i:02d}")
    return Household.objects.order_by("area_code", "number")


def numbers_shown(body: str) -> list[str]:
    return re.findall(r'<a href="/registry/households/\d+/">([AB]\d\d)</a>', body)


def link(body: str, name: str) -> str | None:
    found = re.search(rf'href="\?([^"]*{name}=[^"]*)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_next_pages_walk_every_household_once_in_order_and_back(
    client, county_supervisor, households
):
    client.force_login(county_supervisor)
    body = client.get(URL).content.decode()
    pages = [numbers_shown(body)]
    while (after := link(body, "after")) and len(pages) < 5:
        body = client.get(f"{URL}?{after}").content.decode()
        pages.append(numbers_shown(body))
    assert [len(p) for p in pages] == [25, 25, 10]
    assert sum(pages, []) == [h.number for h in households]
    assert "First page" in body and link(body, "after") is None
    back = []
    while (before := link(body, "before")) and len(back) < 5:
        body = client.get(f"{URL}?{before}").content.decode()
        back.append(numbers_shown(body))
    assert back == [pages[1], pages[0]]
    assert link(body, "before") is None


def test_pages_keep_the_filters(client, county_supervisor, households):
    client.force_login(county_supervisor)
    body = client.get(URL, {"status": "exited", "size": 25}).content.decode()
    assert numbers_shown(body) == [f"B{i:02d}" for i in range(0, 30, 3)]
    assert link(body, "after") is None
    body = client.get(URL, {"status": "not_poor", "size": 25}).content.decode()
    after = link(body, "after")
    assert "status=not_poor" in after
    rest = numbers_shown(client.get(f"{URL}?{after}").content.decode())
    assert rest == [f"A{i:02d}" for i in range(25, 30)] + [f"B{i:02d}" for i in range(30) if i % 3]


def test_a_cadre_pages_through_their_own_village_only(client, cadre_a, households):
    client.force_login(cadre_a)
    body = client.get(URL).content.decode()
    body = client.get(f"{URL}?{link(body, 'after')}").content.decode()
    assert numbers_shown(body) == [f"A{i:02d}" for i in range(25, 30)]
    # A key of the other village's rows shows nothing of that village.
    body = client.get(URL, {"before": '["530128100002", "B29"]'}).content.decode()
    assert not any(n.startswith("B") for n in numbers_shown(body))


@pytest.mark.parametrize(
    "key",
    [
        "nonsense",
        "",
        "[]",
        '["530128100001"]',
        "[1, 2]",
        '{"a": 1}',
        '["530128100001", "A05\' OR 1=1 --"]',
        '["<script>", "x"]',
        "[" + "9" * 400 + "]",
    ],
)
def test_a_key_that_is_not_one_shows_a_page_not_an_error(
    client, county_supervisor, households, key
):
    client.force_login(county_supervisor)
    for name in ("after", "before"):
        response = client.get(URL, {name: key})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


def test_a_page_deep_in_the_list_is_found_by_key_without_offset(
    client, county_supervisor, households
):
    client.force_login(county_supervisor)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL, {"after": '["530128100002", "B10"]'}).content.decode()
    assert numbers_shown(body)[0] == "B11"
    pages = [q["sql"] for q in queries if 'FROM "registry_household"' in q["sql"]]
    assert pages and not any("OFFSET" in sql for sql in pages)


def test_the_total_is_counted_exactly_up_to_the_bound(client, county_supervisor, households):
    client.force_login(county_supervisor)
    body = client.get(URL, {"status": "exited"}).content.decode()
    assert "10 households" in body and "about" not in body


def test_past_the_bound_the_total_is_estimated_and_says_so(
    client, county_supervisor, households, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_EXACT_UP_TO", 20)
    client.force_login(county_supervisor)
    body = client.get(URL).content.decode()
    if connection.vendor == "postgresql":
        assert re.search(r"about \d+ households", body)
    else:
        assert "more than 20 households" in body
    assert "about" not in client.get(URL, {"status": "exited"}).content.decode()


def test_the_estimate_is_the_planners_on_postgresql(households):
    total = paging.total(Household.objects.all())
    assert total == paging.Total(60)
    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is read on PostgreSQL only")
    from villagedesk.core.planner import row_estimate, statistics_refresh

    statistics_refresh("registry_household")
    assert row_estimate(Household.objects.all()) == 60
    assert 0 < row_estimate(Household.objects.filter(status="exited")) < 60
