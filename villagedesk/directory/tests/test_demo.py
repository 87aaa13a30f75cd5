import pytest
from django.core.management import call_command

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level, PointOfInterest
from villagedesk.development.demo import help_demo_create
from villagedesk.development.models import SupportRequest
from villagedesk.development.selectors import request_list
from villagedesk.directory import selectors
from villagedesk.directory.demo import directory_demo_create
from villagedesk.directory.models import Contact, Link

pytestmark = pytest.mark.django_db


def test_demo_directory_fills_every_village_and_stays_in_scope():
    call_command(
        "seed_demo",
        "--villages",
        "3",
        "--households",
        "30",
        "--seed",
        "3",
        "--registry-only",
        verbosity=0,
    )
    county = Area.objects.get(level=Level.COUNTY)
    summary = directory_demo_create(county=county, seed=3)
    assert summary.contacts == Contact.objects.count() > 0
    assert summary.links == Link.objects.count() > summary.contacts / 2
    assert PointOfInterest.objects.values("area_code").distinct().count() == 3
    assert help_demo_create(county=county) == 9

    cadre = User.objects.get(username="cadre1")
    view = selectors.contact_network(user=cadre)
    assert view.ranking and view.ranking[0].betweenness > 0
    own = request_list(user=cadre)
    assert 0 < own.count() < SupportRequest.objects.count()
