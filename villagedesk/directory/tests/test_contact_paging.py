"""The contact list is paged by keys, in the order of the names' pinyin."""

import re

import pytest
from django.urls import reverse

from villagedesk.directory.models import Contact
from villagedesk.directory.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("directory:contact-list")


@pytest.fixture
def contacts(village_a, village_b):
    """60 contacts in village A, twenty to a name, and one private contact of village B."""
    for i in range(60):
        ContactFactory(area=village_a, name=["王芳", "李明", "张伟"][i % 3], phone=f"138{i:08d}")
    ContactFactory(area=village_b, name="王芳乙", private=True)
    return Contact.objects.filter(area=village_a).order_by("name_pinyin", "id")


def ids_shown(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<a href="/directory/contacts/(\d+)/">', body)]


def link(body: str, name: str) -> str | None:
    found = re.search(rf'href="\?([^"]*{name}=[^"]*)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_next_pages_walk_every_contact_once_in_order_and_back(client, cadre_a, contacts):
    client.force_login(cadre_a)
    body = client.get(URL).content.decode()
    assert "60 people" in body
    pages = [ids_shown(body)]
    while (after := link(body, "after")) and len(pages) < 5:
        body = client.get(f"{URL}?{after}").content.decode()
        pages.append(ids_shown(body))
    assert [len(p) for p in pages] == [50, 10]
    assert sum(pages, []) == [c.pk for c in contacts]
    before = link(body, "before")
    assert ids_shown(client.get(f"{URL}?{before}").content.decode()) == pages[0]


def test_pages_keep_the_search(client, cadre_a, contacts):
    client.force_login(cadre_a)
    body = client.get(URL, {"q": "王芳"}).content.decode()
    assert len(ids_shown(body)) == 20 and link(body, "after") is None
    assert "王芳乙" not in body


@pytest.mark.parametrize(
    "key", ['["wang", "x"]', '["wang"]', "[1, 2]", "nonsense", '["", "99999999999999999999"]']
)
def test_a_key_that_is_not_one_shows_a_page_not_an_error(client, cadre_a, contacts, key):
    client.force_login(cadre_a)
    for name in ("after", "before"):
        assert client.get(URL, {name: key}).status_code == 200
