"""Every page, as every demo user, in Chinese and in English, fits a phone and says it plainly.

The demo county is seeded once for the module. Each demo login opens every URL pattern of the
project by GET, keyed by a record of its own village (the county's supervisor takes the first
village's), and, for a page with a filter form, that page again filtered to its village. Each answer
is then held to four rules:

- an error answer (403, 404) is the product's own page, never Django's bare one, and no answer is a
  server error;
- a Chinese page shows no label left in English: no text that is a msgid the catalogue translates,
  and no English word but a short list of codes and names that stay as they are;
- a table or list of more than 50 rows has a pager and says how many rows there are in all;
- in a 375-px Chromium, no page is wider than the screen (marked `browser`).
"""

import gettext
import mimetypes
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client, override_settings
from django.urls import reverse

from villagedesk.accounts.models import Assignment, User
from villagedesk.areas.models import Area, Level
from villagedesk.demo.tests.test_every_url import (
    API_NAMESPACE,
    KEYS,
    NOT_AREA_KEYED,
    NOT_AREA_PAGES,
    TOO_LARGE,
    key_names,
    key_value,
    records_of,
    url_patterns,
)
from villagedesk.registry.models import Household
from villagedesk.welfare.demo import DEMO_SOURCE

USERS = ("county", "cadre1", "cadre2", "admin")
LANGUAGES = ("zh-hans", "en")
PHONE = 375
LONG_LIST = 50
LAYOUT = 'class="topbar"'
# Answers that are files, not pages: the walk does not open them.
FILES = {
    "fieldwork:diary-photo",
    "fieldwork:visit-photo",
    "directory:point-photo",
    "library:attachment-download",
}


@dataclass
class Answer:
    url: str
    status: int
    html: str
    document: bool


@dataclass
class Walk:
    answers: dict[tuple[str, str], list[Answer]]
    clients: dict[tuple[str, str], Client]


def own_village(user: User) -> Area:
    area = Assignment.objects.filter(user=user).order_by("pk").first().area
    if area.level == Level.VILLAGE:
        return area
    return Area.objects.filter(level=Level.VILLAGE, code__startswith=area.prefix).order_by("code")[
        0
    ]


def urls_of(rows: dict, village: Area) -> list[str]:
    urls = []
    for name, pattern in url_patterns():
        if name in NOT_AREA_PAGES or name in FILES or name.startswith(API_NAMESPACE):
            continue
        keys = key_names(pattern) if hasattr(pattern, "regex") else set()
        if not keys:
            urls.append(reverse(name))
        elif name in NOT_AREA_KEYED:
            urls.append(reverse(name, kwargs=NOT_AREA_KEYED[name]))
        elif name in KEYS:
            model = KEYS[name]
            urls.append(reverse(name, kwargs={k: key_value(model, rows[model], k) for k in keys}))
    household = rows[Household].pk
    urls.append(
        reverse("registry:household-detail", args=[household]).replace(
            str(household), str(TOO_LARGE)
        )
    )
    return urls


def answer_of(client: Client, url: str) -> Answer:
    response = client.get(url)
    html = ""
    if "text/html" in response.get("Content-Type", "") and not response.streaming:
        html = response.content.decode()
    return Answer(url, response.status_code, html, "<html" in html[:300].lower())


def filtered(url: str, answer: Answer, village: Area) -> str | None:
    if (
        answer.status == 200
        and answer.document
        and 'method="get"' in answer.html
        and "?" not in url
    ):
        return f"{url}?village={village.code}&area={village.code}"
    return None


# The walk runs in the setup of the first test that asks for it: over every page of every app,
# for four users in two languages, it needs more than the default minute on a loaded machine.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker):
    plain = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )
    with plain, django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo", "--villages", "2", "--households", "200", "--seed", "5", verbosity=0
        )
        rows = {}
        for username in ("cadre1", "cadre2"):
            user = User.objects.get(username=username)
            rows[own_village(user).code] = records_of(own_village(user), owner=user, text="示例")
        answers, clients = {}, {}
        for username in USERS:
            user = User.objects.get(username=username)
            village = own_village(user)
            for language in LANGUAGES:
                client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
                client.force_login(user)
                seen = []
                for url in urls_of(rows[village.code], village):
                    answer = answer_of(client, url)
                    seen.append(answer)
                    if more := filtered(url, answer, village):
                        seen.append(answer_of(client, more))
                answers[username, language] = seen
                clients[username, language] = client
        walked = transaction.get_connection()
        yield Walk(answers, clients)
        # Once Playwright's event loop runs in this thread, Django hands it another connection:
        # the walk's own is the one whose transaction is rolled back.
        connections[DEFAULT_DB_ALIAS] = walked
        transaction.set_rollback(True)


CASES = [pytest.param(u, lang, id=f"{u}-{lang}") for u in USERS for lang in LANGUAGES]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "language"), CASES)
def test_no_answer_is_a_bare_error_page(walk, username, language):
    bare = [
        f"{a.url}: {a.status}"
        for a in walk.answers[username, language]
        if a.status >= 500 or (a.status >= 400 and a.status != 405 and LAYOUT not in a.html)
    ]
    assert bare == []


class Text(HTMLParser):
    """The text a reader sees of an HTML page, node by node, with the attributes read aloud or
    shown on hover; leaving out scripts and styles and anything marked as another language."""

    HIDDEN = {"script", "style", "template", "code", "pre", "textarea"}
    SHOWN = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.skipping: tuple[str, int] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping = (tag, self.skipping[1] + 1)
            return
        if tag in self.HIDDEN or (attrs.get("lang") or "zh").lower()[:2] != "zh":
            self.skipping = (tag, 1)
            return
        for name in self.SHOWN:
            if attrs.get(name):
                self.nodes.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.nodes.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[0]:
            depth = self.skipping[1] - 1
            self.skipping = (tag, depth) if depth else None

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def text_nodes(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.nodes


def translated_msgids() -> set[str]:
    """The English msgids the project's Chinese catalogue translates into something else."""
    path = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog
    msgids = set()
    for key, translation in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]
        if msgid and translation and translation != msgid and re.search("[A-Za-z]{2}", msgid):
            msgids.add(" ".join(msgid.split()))
    return msgids


# Latin words a Chinese page shows as they are: names of formats and standards, and units.
KEPT_WORDS = {"Excel", "vCard", "JSON", "TOTP", "MB", "PDF", "Word", "API"}
# A file's extension (`.xlsx`) is a name too.
ENGLISH_WORD = re.compile(r"(?<![.\w])[A-Za-z]{2,}")
# Text a user typed (here, the demo's) is shown as it was typed.
TYPED = {DEMO_SOURCE}


def english_labels(html: str, msgids: set[str]) -> list[str]:
    """The text nodes of a Chinese page that are English labels."""
    return [
        node
        for node in text_nodes(html)
        if node not in TYPED and (node in msgids or set(ENGLISH_WORD.findall(node)) - KEPT_WORDS)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
def test_no_chinese_page_shows_an_english_label(walk, username):
    msgids = translated_msgids()
    found = {}
    for answer in walk.answers[username, "zh-hans"]:
        for node in english_labels(answer.html, msgids):
            found.setdefault(node, answer.url)
    assert found == {}, "\n".join(f"{u}: {n}" for n, u in found.items())


class Lists(HTMLParser):
    """The number of rows of each table body and list of a page, and whether it has a pager."""

    def __init__(self):
        super().__init__()
        self.open: list[list] = []
        self.sizes: list[int] = []
        self.pager = False

    def handle_starttag(self, tag, attrs):
        if "pager" in (dict(attrs).get("class") or "").split():
            self.pager = True
        if tag in ("tbody", "ul", "ol"):
            self.open.append([tag, 0])
        elif tag in ("tr", "li") and self.open:
            self.open[-1][1] += 1

    def handle_endtag(self, tag):
        if tag in ("tbody", "ul", "ol") and self.open and self.open[-1][0] == tag:
            self.sizes.append(self.open.pop()[1])


def unpaginated(html: str) -> int | None:
    """The number of rows of the page's longest list when it is over LONG_LIST and the page
    has no pager or no count of at least as many rows; else None."""
    lists = Lists()
    lists.feed(html)
    longest = max(lists.sizes, default=0)
    if longest <= LONG_LIST:
        return None
    counts = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", " ".join(text_nodes(html)))]
    if lists.pager and any(n >= longest for n in counts):
        return None
    return longest


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "language"), CASES)
def test_no_list_of_more_than_50_rows_is_shown_whole(walk, username, language):
    long = {
        a.url: rows
        for a in walk.answers[username, language]
        if a.html and (rows := unpaginated(a.html))
    }
    assert long == {}


class Served(BaseHTTPRequestHandler):
    """The walked answers of one user and language (`server.answers`, by path) and the static
    files, as a server would send them: the browser loads pages without a database behind."""

    def do_GET(self):
        if self.path.startswith(settings.STATIC_URL):
            found = finders.find(urlsplit(self.path).path.removeprefix(settings.STATIC_URL))
            body = Path(found).read_bytes() if found else None
            kind = mimetypes.guess_type(self.path)[0] or "application/octet-stream"
        else:
            html = self.server.answers.get(self.path)
            body = html.encode() if html else None
            kind = "text/html; charset=utf-8"
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Served)
    server.answers = {}
    # A page left before all its files arrived closes their connections: not an error.
    server.handle_error = lambda request, address: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# A page's width with every folded section unfolded, as a reader may unfold any of them.
OPENED_WIDTH = """() => {
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  return document.documentElement.scrollWidth;
}"""


@pytest.fixture
def one_connection():
    """Keep Django on the test's connection once Playwright's event loop runs in this thread
    (Django would open another, which does not see the test database)."""
    connection = transaction.get_connection()
    yield
    connections[DEFAULT_DB_ALIAS] = connection


@pytest.mark.browser
@pytest.mark.timeout(300)
@pytest.mark.django_db
@pytest.mark.parametrize(("username", "language"), CASES)
def test_no_page_is_wider_than_a_phone(walk, site, one_connection, request, username, language):
    # Started after the walk, which needs the test's connection.
    browser = request.getfixturevalue("browser")
    answers = walk.answers[username, language]
    site.answers = {a.url: a.html for a in answers if a.html}
    origin = f"http://127.0.0.1:{site.server_port}"
    context = browser.new_context(
        viewport={"width": PHONE, "height": 812},
        locale="zh-CN" if language == "zh-hans" else "en-GB",
    )
    context.set_default_timeout(10_000)
    # Map tiles and anything else from another site are not fetched.
    context.route(re.compile(f"^(?!{re.escape(origin)}/)"), lambda route: route.abort())
    page = context.new_page()
    wide = {}
    for answer in answers:
        if not answer.document:
            continue
        page.goto(origin + answer.url, wait_until="load")
        if 'hx-trigger="load"' in answer.html:
            page.wait_for_load_state("networkidle")
        width = page.evaluate(OPENED_WIDTH)
        if width > PHONE:
            wide[answer.url] = width
    context.close()
    assert wide == {}
