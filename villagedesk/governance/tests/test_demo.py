import pytest
from django.core.management import call_command

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.governance import selectors
from villagedesk.governance.models import Matter, Meeting, PublicNotice, Step, Task

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_matters_at_every_step_and_tasks_on_the_due_list():
    call_command("seed_demo", "--villages", "2", "--households", "20", "--seed", "5", verbosity=0)
    villages = Area.objects.filter(level=Level.VILLAGE)
    for village in villages:
        steps = set(Matter.objects.filter(village=village).values_list("step", flat=True))
        assert steps == {"", *Step.values}
        assert Meeting.objects.filter(village=village, quorate=False).exists()
        assert Meeting.objects.filter(village=village, kind="party_class").exists()
        assert Meeting.objects.filter(village=village, kind="party_day").exists()
        attended = Meeting.party_members.through.objects.filter(meeting__village=village)
        assert attended.exists()
        assert PublicNotice.objects.filter(village=village, category="finance").exists()
    assert Task.objects.filter(problem__isnull=False).exists()
    items, total = selectors.task_due_list(user=User.objects.get(username="cadre1"))
    assert total >= 1 and items[0].title
