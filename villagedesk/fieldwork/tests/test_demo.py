import pytest
from django.core.management import call_command
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.fieldwork import selectors
from villagedesk.fieldwork.demo import fieldwork_demo_create

pytestmark = pytest.mark.django_db


def test_demo_fieldwork_fills_coverage_due_list_and_attendance():
    call_command(
        "seed_demo",
        "--villages",
        "2",
        "--households",
        "60",
        "--seed",
        "3",
        "--registry-only",
        verbosity=0,
    )
    county = Area.objects.get(level=Level.COUNTY)
    counts = fieldwork_demo_create(county=county, today=timezone.localdate(), seed=3)
    assert counts["visits"] > 0 and counts["problems"] == 12
    cadre = User.objects.get(username="cadre1")
    village = cadre.area_prefixes()[0].ljust(12, "0")
    today = timezone.localdate()
    coverage = selectors.coverage(
        user=cadre,
        village_code=village,
        period=selectors.Period(since=today.replace(year=today.year - 1), until=today),
    )
    assert 0 < coverage.visited < coverage.households
    assert selectors.due_list(user=cadre)[1] > 0
    rows = selectors.attendance_month(user=User.objects.get(username="county"), month=today)
    assert {row.member for row in rows} == {"李文斌", "王晓燕"}
