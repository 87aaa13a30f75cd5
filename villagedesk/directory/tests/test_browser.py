"""The village profile's map draws its points with every request off this machine refused."""

import datetime

import pytest
from playwright.sync_api import expect

from villagedesk.accounts.models import User
from villagedesk.areas.models import PointOfInterest, VillageNote
from villagedesk.directory.models import Contact
from villagedesk.directory.tests.factories import worker_runs
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


POINTS = [
    ("office", "大河村村委会", 25.5512, 102.4671),
    ("school", "大河小学", 25.5531, 102.4702),
    ("clinic", "村卫生室", 25.5498, 102.4655),
    ("water", "龙潭水源点", 25.5570, 102.4630),
    ("bus_stop", "大河公交站", 25.5489, 102.4720),
]


def block_outside(page, live_server_url: str) -> list[str]:
    """Abort every request not to the test server; return the list of what was refused."""
    refused: list[str] = []

    def route(route):
        if route.request.url.startswith(live_server_url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return refused


def login(page, url, username="cadre_a"):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(lambda address: "/login/" not in address)


@pytest.fixture
def village_with_points(cadre_a, village_a):
    for category, name, lat, lng in POINTS:
        PointOfInterest.objects.create(
            village=village_a, category=category, name=name, latitude=lat, longitude=lng
        )
    VillageNote.objects.create(
        village=village_a, topic="history", title="建村由来", body="明末迁来，依河而居。"
    )
    for n, surname in enumerate("张李张王张李杨张刘陈"):
        household = HouseholdFactory(village=village_a, status="poor" if n < 2 else "not_poor")
        PersonFactory(
            household=household,
            name=f"{surname}{'明华'[n % 2]}{n}",
            sex=("male", "female")[n % 2],
            birth_date=datetime.date(1950 + n * 6, 3, 1),
            labour=("ordinary", "skilled", "weak", "none")[n % 4],
            migrant_work=("", "in_county", "out_of_province")[n % 3],
            migrant_months=(0, 6, 10)[n % 3],
            id_number=None,
        )
    return village_a


def test_map_draws_points_with_no_network(
    live_server, browser, cadre_a, village_with_points, keep_screenshot
):
    url = f"{live_server.url}/directory/profile/{village_with_points.code}/"
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 375, "height": 812}),
    ):
        context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
        context.set_default_timeout(10_000)
        page = context.new_page()
        refused = block_outside(page, live_server.url)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        login(page, live_server.url)
        page.goto(url)
        if page.locator("html").get_attribute("lang") != "zh-CN":
            page.locator("form.language button").click()
            page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        markers = page.locator("#village-map path.leaflet-interactive")
        expect(markers).to_have_count(len(POINTS))
        expect(page.locator("#village-map .poi-label")).to_have_count(len(POINTS))
        expect(page.locator("#village-map")).to_contain_text("大河小学")
        zoom = page.locator("#village-map .leaflet-control-zoom")
        expect(zoom.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "放大")
        expect(zoom.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "缩小")
        expect(page.locator("#chart-pyramid canvas")).to_have_count(1)
        expect(page.locator("h1")).to_contain_text("村情")
        assert errors == []
        assert refused == []  # nothing even tried to leave the machine
        keep_screenshot(page, f"village-profile-zh-{name}", full_page=True)
        # Keep the top bar off the picture of the map.
        page.locator(".topbar").evaluate("bar => { bar.style.position = 'static'; }")
        keep_screenshot(page.locator("#map"), f"village-map-zh-{name}")
        context.close()


def test_map_with_tiles_still_draws_points_when_tiles_are_blocked(
    live_server, browser, cadre_a, village_with_points, settings
):
    settings.MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    refused = block_outside(page, live_server.url)
    login(page, live_server.url)
    page.goto(f"{live_server.url}/directory/profile/{village_with_points.code}/")
    expect(page.locator("#village-map path.leaflet-interactive")).to_have_count(len(POINTS))
    assert refused and all("tiles.example.invalid" in u for u in refused)
    context.close()


def test_county_map_fetches_its_points_when_scrolled_to(
    live_server, browser, county_supervisor, county, village_with_points
):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = block_outside(page, live_server.url)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/directory/profile/{county.code}/")
    expect(page.locator("#chart-pyramid canvas")).to_have_count(1)
    assert "大河小学" not in page.content()
    assert not any("points.json" in url for url in fetched)
    page.locator("#village-map").scroll_into_view_if_needed()
    markers = page.locator("#village-map path.leaflet-interactive")
    expect(markers).to_have_count(len(POINTS))
    assert [url for url in fetched if "points.json" in url] == [
        f"{live_server.url}/directory/profile/{county.code}/points.json"
    ]
    assert errors == [] and refused == []
    context.close()


def test_new_team_sees_whom_to_meet_first_and_finds_people_by_initials(
    live_server, browser, keep_screenshot
):
    from django.core.management import call_command

    # The full demo includes the directory's offices, people and links.
    call_command("seed_demo", "--villages", "3", "--households", "30", "--seed", "7", verbosity=0)
    assert worker_runs() == 1  # the county's network figures, asked for by the demo
    village = User.objects.get(username="cadre1").assignments.get().area
    above = (village.parent.code, village.parent.parent.code)
    near = Contact.objects.filter(area_code__in=(village.code, *above)).count()
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 375, "height": 812}),
    ):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        refused = block_outside(page, live_server.url)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "cadre1")
        page.fill("#id_password", "demo12345")
        page.click("form:has(#id_password) button[type=submit]")
        page.wait_for_url(lambda address: "/login/" not in address)
        page.goto(f"{live_server.url}/directory/network/")
        expect(page.locator("#network-chart canvas")).to_have_count(1)
        expect(page.locator("#ranking tbody tr").first).to_contain_text("")
        # The cadre's village, township and county only, however central others are.
        assert page.locator("#ranking tbody tr").count() == min(near, 30)
        page.wait_for_timeout(1500)  # let the force layout settle for the picture
        keep_screenshot(page, f"contact-network-zh-{name}", full_page=True)

        page.goto(f"{live_server.url}/directory/")
        page.fill("#id_q", "xcz")
        expect(page.locator("#results tbody tr").first).to_contain_text("乡村振兴")
        keep_screenshot(page, f"directory-search-zh-{name}", full_page=True)
        assert refused == []
        context.close()
