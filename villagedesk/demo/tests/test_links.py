"""Every link a user is shown leads somewhere they may go.

From the home page of the seeded demo county, each demo user follows the links of every page they
reach (at most a few pages of each URL name, so that a list of a hundred households costs a few
loads). A link that answers 403, 404 or a server error, or that opens a bare fragment meant to be
swapped into a page, is a link the page should not have shown to that user.

A fragment a page loads on arrival sits below every button and field of the page: arriving while
a thumb is on its way to a button, it would otherwise move the button away and let the tap land on
something else.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from villagedesk.accounts.models import User

PAGES_PER_NAME = 2
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")


PRESSED = {"button", "input", "select", "textarea"}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.loads_on_arrival = False
        self.pressed_below_a_fragment: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        href = attributes.get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
            self.hrefs.append(href)
        if "load" in (attributes.get("hx-trigger") or "").split():
            self.loads_on_arrival = True
        elif self.loads_on_arrival and tag in PRESSED and attributes.get("type") != "hidden":
            self.pressed_below_a_fragment.append(tag)


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(client: Client) -> tuple[int, dict[str, int], list[str], list[str]]:
    """How many links were followed, the failed ones with their status, the fragments opened as
    pages (each named with the page that links to it), and the pages with a button or field below
    a fragment they load on arrival."""
    seen: dict[str, int] = {}
    broken: dict[str, int] = {}
    per_name: dict[str | None, int] = {}
    fragments: list[str] = []
    shifting: list[str] = []
    queue = deque([("/", "/")])
    while queue:
        url, came_from = queue.popleft()
        if url in seen:
            continue
        parts = urlsplit(url)
        if parts.netloc or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        name = url_name(parts.path)
        if per_name.get(name, 0) >= PAGES_PER_NAME:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code >= 400:
            broken[f"{url} (linked from {came_from})"] = response.status_code
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if response.get("Content-Disposition"):
            continue
        body = response.content.decode()
        if "<html" not in body[:200].lower():
            fragments.append(f"{url} (linked from {came_from})")
            continue
        links = Links()
        links.feed(body)
        if links.pressed_below_a_fragment:
            shifting.append(f"{url}: {links.pressed_below_a_fragment}")
        for href in links.hrefs:
            queue.append((urljoin(url, href).split("#")[0], url))
    return len(seen), broken, fragments, shifting


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "5", verbosity=0)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("username", ["cadre1", "county"])
def test_every_link_shown_to_a_user_leads_somewhere_they_may_go(demo, username):
    for language in ("zh-hans", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(User.objects.get(username=username))
        followed, broken, fragments, shifting = walk(client)
        assert followed > 30
        assert broken == {}
        assert fragments == []
        assert shifting == []
