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
from villagedesk.directory.tests.factories import worker_runs

pytestmark = pytest.mark.django_db


def test_demo_directory_fills_every_village_and_stays_in_scope(
    django_capture_on_commit_callbacks,
):
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
    with django_capture_on_commit_callbacks(execute=True):
        summary = directory_demo_create(county=county, seed=3)
    assert summary.contacts == Contact.objects.count() > 0
    assert summary.links == Link.objects.count() > summary.contacts / 2
    assert PointOfInterest.objects.values("area_code").distinct().count() == 3
    assert help_demo_create(county=county) == 9

    cadre = User.objects.get(username="cadre1")
    assert worker_runs() == 1  # the county's figures, asked for by the demo
    reading = selectors.network_reading(user=cadre)
    ranks = list(selectors.network_ranks(user=cadre, reading=reading))
    assert reading.up_to_date and ranks[0].betweenness > 0
    # The county's figures, cut to the cadre's village, its township and the county.
    village = cadre.assignments.get().area
    places = {rank.contact.area_code for rank in ranks}
    assert village.code in places and village.parent.code in places
    assert all(code in {village.code, village.parent.code, county.code} for code in places)
    supervisor = User.objects.get(username="county")
    everyone = selectors.network_ranks(user=supervisor, reading=reading)
    assert everyone.exclude(contact__area_code__startswith=village.parent.prefix).exists()
    own = request_list(user=cadre)
    assert 0 < own.count() < SupportRequest.objects.count()
