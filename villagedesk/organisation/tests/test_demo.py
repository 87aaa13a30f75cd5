import pytest
from django.core.management import call_command

from villagedesk.areas.models import Area, Level
from villagedesk.organisation.codes import STAGES
from villagedesk.organisation.models import PartyMember, Talent, TenHouseholdGroup, Training
from villagedesk.organisation.selectors import group_coverage

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_stage_groups_for_one_village_talents_and_trainings():
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "3", verbosity=0)
    first, second = Area.objects.filter(level=Level.VILLAGE).order_by("code")
    members = list(PartyMember.objects.select_related("person__household", "village"))
    assert {m.stage for m in members} == set(STAGES)
    for member in members:
        member.full_clean()  # every seeded member keeps the Party's rules
    coverage = group_coverage(village=first)
    assert coverage.grouped == coverage.households > 0
    assert not TenHouseholdGroup.objects.filter(village=second).exists()
    assert TenHouseholdGroup.objects.filter(latitude__isnull=False).exists()
    assert Talent.objects.filter(area_code=first.code).count() >= 5
    assert Training.objects.filter(village=first).count() == 3
