"""The home page: its figures are the registry's own counts, over the user's areas only."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from villagedesk.accounts.middleware import FOCUS_SESSION_KEY
from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.registry import changes, figures, services
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.reports import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["counted in the request", "kept for the county"])
def counted(request, monkeypatch):
    """Every figure holds whether the areas are counted in the request or read from the counts
    kept for each state of the county's data (`registry.figures`)."""
    if request.param == "kept for the county":
        monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", 0)
    return request.param


class PageFigures(HTMLParser):
    """The figures at the top (label → number) and the village table (code → label → number),
    read from the page as a user sees it."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, int] = {}
        self.villages: dict[str, dict[str, int]] = {}
        self._figure: list[str] | None = None
        self._row: dict[str, str] | None = None
        self._cell: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "figure" in (attrs.get("class") or "").split():
            self._figure = []
        elif tag == "tr":
            self._row = {}
        elif tag == "td" and self._row is not None:
            self._cell = attrs.get("data-label")
        if tag in {"b", "span", "td"}:
            self._text = ""

    def handle_data(self, data):
        self._text += data

    def handle_endtag(self, tag):
        if self._figure is not None and tag in {"b", "span"}:
            self._figure.append(self._text.strip())
            if len(self._figure) == 2:
                number, label = self._figure
                self.figures[label] = int(number.replace(",", ""))
                self._figure = None
        elif tag == "span" and self._row is not None and self._cell == "Village":
            self._row["code"] = self._text.strip()
        elif tag == "td" and self._row is not None and self._cell not in {None, "Village"}:
            self._row[self._cell] = self._text.strip()
        elif tag == "tr" and self._row:
            code = self._row.pop("code")
            self.villages[code] = {k: int(v.replace(",", "")) for k, v in self._row.items()}
            self._row = None


def home(client, user) -> PageFigures:
    client.force_login(user)
    return home_page(client)


def home_page(client) -> PageFigures:
    """The home page of the user already logged in, as figures."""
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    figures = PageFigures()
    figures.feed(response.content.decode())
    return figures


def households(village, statuses, members=2):
    for status in statuses:
        household = HouseholdFactory(village=village, status=status)
        for n in range(members):
            PersonFactory(household=household, relation="head" if n == 0 else "son")


@pytest.fixture
def registered(village_a, village_b):
    households(village_a, [HouseholdStatus.POOR, HouseholdStatus.POOR, HouseholdStatus.NOT_POOR])
    households(village_b, [HouseholdStatus.MONITORED, HouseholdStatus.EXITED], members=3)


def direct_counts(code: str) -> dict[str, int]:
    """What the village's row should say, counted straight from the table."""
    counts = {"Households": Household.objects.filter(village__code=code).count()}
    for status in HouseholdStatus:
        counts[str(status.label)] = Household.objects.filter(
            village__code=code, status=status
        ).count()
    return counts


def test_per_village_figures_equal_direct_counts(client, county_supervisor, registered):
    page = home(client, county_supervisor)
    codes = ["530128100001", "530128100002"]
    assert list(page.villages) == codes
    for code in codes:
        assert page.villages[code] == direct_counts(code)
    assert page.villages["530128100001"]["Registered poor"] == 2


def test_totals_equal_direct_counts(client, county_supervisor, registered):
    figures = home(client, county_supervisor).figures
    assert figures["Households"] == Household.objects.count() == 5
    assert figures["Persons"] == Person.objects.count() == 12
    for status in HouseholdStatus:
        assert figures[str(status.label)] == Household.objects.filter(status=status).count()


def test_a_cadre_sees_only_their_villages_figures(client, cadre_a, village_a, registered):
    page = home(client, cadre_a)
    assert page.figures["Households"] == 3
    assert page.figures["Persons"] == 6
    assert page.figures[str(HouseholdStatus.MONITORED.label)] == 0
    assert page.villages == {}  # one village: no table to compare villages
    client.force_login(cadre_a)
    response = client.get(reverse("reports:home"))
    assert [row.code for row in response.context["villages"]] == [village_a.code]
    assert "530128100002" not in response.content.decode()


def test_focus_on_one_village_narrows_the_figures(client, county_supervisor, registered):
    client.force_login(county_supervisor)
    session = client.session
    session[FOCUS_SESSION_KEY] = "530128100002"
    session.save()
    figures = PageFigures()
    figures.feed(client.get(reverse("reports:home")).content.decode())
    assert figures.figures["Households"] == 2
    assert figures.figures["Persons"] == 6


def test_the_home_page_costs_the_same_queries_for_many_villages(
    client, county_supervisor, township, registered, django_assert_max_num_queries
):
    home(client, county_supervisor)  # log in and warm caches (translations, sessions)
    with django_assert_max_num_queries(15) as counted:
        home_page(client)
    few = len(counted.captured_queries)
    for n in range(3, 13):
        village = Area.objects.create(
            code=f"530128100{n:03d}", level=Level.VILLAGE, name=f"村{n}", parent=township
        )
        VillageGroup.objects.create(village=village, number=1, name="一组")
        households(village, [HouseholdStatus.POOR], members=1)
    changes.data_changed([township.code])  # as the registry's services do
    home_page(client)  # the kept counts made again
    with django_assert_max_num_queries(few) as counted:
        page = home_page(client)
    assert len(page.villages) == 12


def test_the_home_page_searches_and_logs_a_visit_for_those_who_record(
    client, cadre_a, county_supervisor
):
    client.force_login(cadre_a)
    page = client.get(reverse("reports:home")).content.decode()
    assert f'action="{reverse("registry:household-list")}"' in page and 'name="q"' in page
    assert f'href="{reverse("fieldwork:visit-create")}"' in page
    assert f'href="{reverse("registry:import-start")}"' in page
    assert f'href="{reverse("development:help-list")}"' in page
    client.force_login(county_supervisor)
    page = client.get(reverse("reports:home")).content.decode()
    assert 'name="q"' in page
    assert f'href="{reverse("fieldwork:visit-create")}"' not in page
    assert f'href="{reverse("registry:import-start")}"' not in page


def test_totals_are_counted_in_full_when_the_village_table_is_cut(
    client, county_supervisor, registered, monkeypatch
):
    monkeypatch.setattr(selectors, "VILLAGE_ROWS", 1)
    client.force_login(county_supervisor)
    response = client.get(reverse("reports:home"))
    assert len(response.context["villages"]) == 1
    figures = PageFigures()
    figures.feed(response.content.decode())
    assert figures.figures["Households"] == Household.objects.count() == 5
    for status in HouseholdStatus:
        count = Household.objects.filter(status=status).count()
        assert figures.figures[str(status.label)] == count


def test_a_write_changes_the_figures_at_the_next_request(
    client, county_supervisor, cadre_a, village_a, registered
):
    assert home(client, county_supervisor).figures["Households"] == 5
    household = Household.objects.filter(village=village_a, status=HouseholdStatus.POOR).first()
    household.status = HouseholdStatus.EXITED
    services.household_update(by=cadre_a, household=household)
    page = home_page(client)
    assert page.figures[str(HouseholdStatus.POOR.label)] == 1
    assert page.villages["530128100001"] == direct_counts("530128100001")
