"""Every create form of the directory and the village profile adds one row when sent twice, and
every edit form refuses a save from an out-of-date form, showing what was saved meanwhile."""

import pytest
from django.urls import reverse

from villagedesk.areas.models import PointOfInterest, VillageNote
from villagedesk.core.tests.guards import (
    STALE_REFUSAL,
    answered_as_repeat,
    saved_meanwhile,
    sent_stale,
    sent_twice,
)
from villagedesk.directory.models import Contact, Link, Organisation, Position
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(village_a):
    contact = ContactFactory(area=village_a, name="孙立")
    return {
        "village": village_a,
        "contact": contact,
        "other": ContactFactory(area=village_a, name="周红", phone="13912345678"),
        "organisation": OrganisationFactory(area=village_a, name="合作社"),
        "point": PointOfInterest.objects.create(
            village=village_a, category="school", name="小学", latitude=25.5, longitude=102.5
        ),
        "note": VillageNote.objects.create(
            village=village_a, topic="customs", title="火把节", body="六月"
        ),
    }


CREATES = {
    "contact": (
        lambda e: reverse("directory:contact-create"),
        None,
        lambda e: {"name": "钱多", "kind": "current", "phone": "", "area": e["village"].pk},
        lambda: Contact.objects.filter(name="钱多"),
    ),
    "organisation": (
        lambda e: reverse("directory:organisation-create"),
        None,
        lambda e: {"name": "村卫生室", "kind": "cooperative", "level": 5, "area": e["village"].pk},
        lambda: Organisation.objects.filter(name="村卫生室"),
    ),
    "link": (
        lambda e: e["contact"].get_absolute_url(),
        lambda e: reverse("directory:link-create", args=[e["contact"].pk]),
        lambda e: {"target": e["other"].pk, "kind": "introduced_by"},
        lambda: Link.objects.all(),
    ),
    "position": (
        lambda e: e["organisation"].get_absolute_url(),
        lambda e: reverse("directory:position-create", args=[e["organisation"].pk]),
        lambda e: {"title": "会计", "duties": ""},
        lambda: Position.objects.filter(title="会计"),
    ),
    "point of interest": (
        lambda e: reverse("directory:point-create", args=[e["village"].code]),
        None,
        lambda e: {
            "category": "clinic",
            "name": "卫生室",
            "latitude": "25.6",
            "longitude": "102.6",
        },
        lambda: PointOfInterest.objects.filter(name="卫生室"),
    ),
    "village note": (
        lambda e: reverse("directory:note-create", args=[e["village"].code]),
        None,
        lambda e: {"topic": "history", "title": "建村", "body": "明朝"},
        lambda: VillageNote.objects.filter(title="建村"),
    ),
}


@pytest.mark.parametrize("form", CREATES)
def test_a_create_form_sent_twice_adds_one_row(client, cadre_a, entries, form):
    form_url, post_url, data, rows = CREATES[form]
    client.force_login(cadre_a)
    first, again = sent_twice(
        client, form_url(entries), data(entries), post_url=post_url and post_url(entries)
    )
    assert rows().count() == 1
    assert answered_as_repeat(client, first, again)


EDITS = {
    "contact": (
        "contact",
        lambda e: {"name": "孙立新", "kind": "current", "phone": "", "area": e["village"].pk},
        {"name": "孙力"},
    ),
    "organisation": (
        "organisation",
        lambda e: {
            "name": "大河合作社",
            "kind": "cooperative",
            "level": 5,
            "area": e["village"].pk,
        },
        {"name": "小河合作社"},
    ),
    "point of interest": (
        "point",
        lambda e: {
            "category": "school",
            "name": "中心小学",
            "latitude": "25.5",
            "longitude": "102.5",
        },
        {"name": "完小"},
    ),
    "village note": (
        "note",
        lambda e: {"topic": "customs", "title": "火把节习俗", "body": "六月"},
        {"title": "插花节"},
    ),
}


@pytest.mark.parametrize("form", EDITS)
def test_an_edit_from_an_older_version_is_refused(client, cadre_a, committee_a, entries, form):
    key, data, theirs = EDITS[form]
    entry = entries[key]
    url = reverse(
        f"directory:{key}-edit" if key != "note" else "directory:note-edit", args=[entry.pk]
    )
    client.force_login(cadre_a)
    response = sent_stale(
        client,
        url,
        data(entries),
        meanwhile=lambda: saved_meanwhile(entry, by=committee_a, **theirs),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert STALE_REFUSAL in page
    [(field, value)] = theirs.items()
    assert value in page and data(entries)[field] in page
    entry.refresh_from_db()
    assert getattr(entry, field) == value
