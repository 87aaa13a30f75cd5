import pytest
from django.core.management import call_command
from django.db.models import Sum

from villagedesk.projects.models import STAGE_ORDER, Asset, AssetIncome, IndustryPlan, Project
from villagedesk.welfare.models import IncomeFlow, IncomeLine

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_stage_and_pays_households_once():
    call_command("seed_demo", "--villages", "2", "--households", "30", "--seed", "5", verbosity=0)
    stages = set(Project.objects.values_list("stage", flat=True))
    assert stages == {"", *STAGE_ORDER}
    assert IndustryPlan.objects.filter(reached_income__isnull=False).exists()
    assert set(Asset.objects.values_list("asset_class", flat=True)) >= {
        "operating",
        "public_welfare",
    }
    assert AssetIncome.objects.exists()
    assert IncomeFlow.objects.filter(kind="wage").exists()
    assert IncomeFlow.objects.filter(kind="property").exists()
    for flow in IncomeFlow.objects.order_by().values("household", "year", "kind").distinct():
        line = IncomeLine.objects.get(**flow)
        flows = IncomeFlow.objects.filter(**flow).aggregate(total=Sum("amount"))["total"]
        assert line.from_flows == flows and line.amount >= flows
