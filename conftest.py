"""Shared test personas: two villages of one county, and the people who work in them."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import Resolver404, resolve

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level, VillageGroup


@pytest.fixture(autouse=True)
def fast_and_plain(settings):
    # Figures kept per state of a county's data (`registry.figures`) are keyed by its
    # generation, which a test's rolled-back writes bring back to where it was.
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def live_server_quiet_at_the_end(request, fast_and_plain):
    """A test served live ends only when its server has answered every request in flight.

    A browser's service worker keeps pages in the background after the test is done with it. An
    answer still being written when the test's settings are restored, or when its database is
    emptied, meets the next test's state: on SQLite the server even shares the test's connection.
    So the test's browser contexts are closed and the server's request threads are waited for
    before anything of the test is undone.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server").thread.httpd
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if browser is not None:
        for context in list(browser.contexts):
            context.close()
    requests_answered(server)


def requests_answered(server, timeout=60.0):
    """Wait until the live server has no request thread running, a request accepted in the
    meantime included."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = [thread for thread in list(server._threads) if thread.is_alive()]
        if not running:
            time.sleep(0.05)
            if not any(thread.is_alive() for thread in list(server._threads)):
                return
            continue
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
    raise AssertionError("the live server still answers requests a minute after the test")


def is_edit_page(path: str) -> bool:
    try:
        return (resolve(urlsplit(path).path).url_name or "").endswith("-edit")
    except Resolver404:
        return False


class FormClient(Client):
    """A test client that sends forms as a browser does: with the guard the form page carries.

    A POST to an edit page (a URL named `*-edit`) that names neither carries the `version` its
    form shows, when there is one; any other POST naming neither carries a fresh `form_token`.
    Tests of the guards themselves send their own (a stale version, a token sent twice).
    """

    def post(self, path, data=None, *args, **kwargs):
        if isinstance(data, dict):
            from villagedesk.core.concurrency import form_token_new

            data = dict(data)
            if is_edit_page(path) and "version" not in data and "form_token" not in data:
                page = self.get(path, secure=kwargs.get("secure", False))
                content = b"" if page.streaming else page.content
                found = re.search(rb'name="version" value="(\d+)"', content)
                if page.status_code == 200 and found:
                    data["version"] = found.group(1).decode()
            if "version" not in data:
                data.setdefault("form_token", form_token_new())
        return super().post(path, data, *args, **kwargs)


@pytest.fixture
def client():
    return FormClient()


def make_area(code, level, name, parent=None, name_en=""):
    return Area.objects.create(code=code, level=level, name=name, parent=parent, name_en=name_en)


@pytest.fixture
def county(db):
    province = make_area("530000000000", Level.PROVINCE, "云南省", name_en="Yunnan")
    city = make_area("530100000000", Level.CITY, "昆明市", province, "Kunming")
    return make_area("530128000000", Level.COUNTY, "禄劝彝族苗族自治县", city, "Luquan")


@pytest.fixture
def township(county):
    return make_area("530128100000", Level.TOWNSHIP, "屏山街道", county, "Pingshan")


@pytest.fixture
def village_a(township):
    village = make_area("530128100001", Level.VILLAGE, "大河村", township, "Dahe")
    VillageGroup.objects.create(village=village, number=1, name="一组")
    return village


@pytest.fixture
def village_b(township):
    village = make_area("530128100002", Level.VILLAGE, "小河村", township, "Xiaohe")
    VillageGroup.objects.create(village=village, number=1, name="一组")
    return village


def make_user(username, role, area):
    user = User.objects.create_user(username=username, password="pw-for-tests-1")
    Assignment.objects.create(user=user, area=area, role=role, starts_on=datetime.date(2020, 1, 1))
    return user


@pytest.fixture
def cadre_a(village_a):
    return make_user("cadre_a", Role.CADRE, village_a)


@pytest.fixture
def cadre_b(village_b):
    return make_user("cadre_b", Role.CADRE, village_b)


@pytest.fixture
def committee_a(village_a):
    return make_user("committee_a", Role.VILLAGE_COMMITTEE, village_a)


@pytest.fixture
def county_supervisor(county, village_a, village_b):
    return make_user("supervisor", Role.COUNTY_SUPERVISOR, county)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def keep_screenshot():
    """Save a page's (or an element's) picture under $SCREENSHOTS when it is set.

    `make screenshots` sets it to docs/screenshots; a plain test run writes nothing.
    """
    import os
    from pathlib import Path

    folder = os.environ.get("SCREENSHOTS")

    def keep(target, name, **options):
        if folder:
            target.screenshot(path=str(Path(folder) / f"{name}.png"), **options)

    return keep


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls of the test are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


PHONE_WIDTH = 375
PHONE_LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}

# Every page the phone loads, and every part htmx swaps in, notes its width when wider than the
# phone; the notes outlive navigation in the tab's session storage.
WIDTH_WATCH = """
(() => {
  const note = () => {
    const width = document.documentElement.scrollWidth;
    if (width <= window.innerWidth) return;
    const notes = JSON.parse(sessionStorage.getItem("wider-than-phone") || "[]");
    notes.push(`${location.pathname}${location.search}: ${width} px`);
    sessionStorage.setItem("wider-than-phone", JSON.stringify(notes));
  };
  window.addEventListener("load", note);
  document.addEventListener("htmx:afterSettle", note);
})();
"""


def phone_context(browser, language, **options):
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 812},
        locale=PHONE_LOCALES[language],
        device_scale_factor=2,
        **options,
    )
    context.set_default_timeout(10_000)
    context.add_init_script(WIDTH_WATCH)
    return context


def pages_wider_than_the_phone(page) -> list[str]:
    """The pages (and htmx swaps) this phone's tab loaded that were wider than the phone, the
    page now shown measured once more as it stands."""
    notes = page.evaluate("JSON.parse(sessionStorage.getItem('wider-than-phone') || '[]')")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        notes.append(f"{page.url} (now): {width} px")
    return notes


@pytest.fixture
def phone_page(browser):
    """A 375-px phone viewport speaking Chinese."""
    context = phone_context(browser, "zh-hans")
    yield context.new_page()
    context.close()


@pytest.fixture(params=list(PHONE_LOCALES))
def phone_in_each_language(browser, request):
    """A 375-px phone viewport, once speaking Chinese and once English: `(page, language)`."""
    context = phone_context(browser, request.param)
    yield context.new_page(), request.param
    context.close()
