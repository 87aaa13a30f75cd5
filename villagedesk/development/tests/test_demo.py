import pytest
from django.core.management import call_command

from villagedesk.areas.models import Area, Level
from villagedesk.development.demo import request_problems_demo_link
from villagedesk.development.models import SupportRequest

pytestmark = pytest.mark.django_db


def test_demo_requests_answer_problems_of_their_own_village():
    call_command("seed_demo", "--villages", "2", "--households", "20", "--seed", "5", verbosity=0)
    county = Area.objects.get(level=Level.COUNTY)
    SupportRequest.problems.through.objects.all().delete()
    linked = request_problems_demo_link(county=county)
    assert linked == SupportRequest.problems.through.objects.count() > 0
    for request in SupportRequest.objects.prefetch_related("problems"):
        assert all(p.village_id == request.village_id for p in request.problems.all())
    assert request_problems_demo_link(county=county) == linked  # run twice, nothing repeated
    assert SupportRequest.problems.through.objects.count() == linked
