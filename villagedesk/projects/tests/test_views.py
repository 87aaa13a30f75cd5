"""The project pages: scoped to the user's villages, forms that keep what was typed when a
service refuses, and the household picker limited to the project's village."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from villagedesk.projects import services
from villagedesk.projects.models import (
    Asset,
    AssetIncome,
    Beneficiary,
    IndustryPlan,
    Project,
    Stage,
)
from villagedesk.projects.tests.factories import DECIDED, make_project, stages_done
from villagedesk.registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_b(cadre_b, village_b):
    return make_project(by=cadre_b, village=village_b, name="小河村饮水工程")


def test_another_villages_project_is_a_404(client, cadre_a, project_b):
    client.force_login(cadre_a)
    for name in ("project-detail", "project-edit", "budget-edit", "beneficiary-create"):
        assert client.get(reverse(f"projects:{name}", args=[project_b.pk])).status_code == 404
    assert "小河村饮水工程" not in client.get(reverse("projects:project-list")).content.decode()


def test_another_villages_asset_and_plan_are_a_404(client, cadre_a, cadre_b, project_b):
    stages_done(by=cadre_b, project=project_b, until=Stage.HANDOVER)
    asset = services.asset_save(
        by=cadre_b,
        asset=Asset(
            project=project_b,
            name="蓄水池",
            asset_class="public_welfare",
            owner="村集体",
            custodian="村委会",
            value=Decimal(1000),
            handed_over_on=datetime.date(2025, 6, 1),
        ),
    )
    plan = IndustryPlan.objects.create(village=project_b.village, year=2025, industries="茶叶")
    client.force_login(cadre_a)
    assert client.get(reverse("projects:asset-detail", args=[asset.pk])).status_code == 404
    assert client.get(reverse("projects:plan-edit", args=[plan.pk])).status_code == 404


def test_a_cadre_creates_a_project_and_reaches_its_page(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("projects:project-create"),
        {
            "village": village_a.pk,
            "name": "村组道路硬化",
            "kind": "roads",
            "year": 2025,
            "decided_on": "2025-03-01",
            "decision_number": "禄乡振〔2025〕3号",
        },
    )
    project = Project.objects.get(name="村组道路硬化")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "村组道路硬化" in page and 'id="stage-approval"' in page


def test_a_project_without_its_decision_keeps_what_was_typed(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("projects:project-create"),
        {"village": village_a.pk, "name": "村组道路硬化", "kind": "roads", "year": 2025},
    )
    assert response.status_code == 200
    assert not Project.objects.exists()
    assert 'value="村组道路硬化"' in response.content.decode()


def test_a_stage_done_early_is_refused_on_the_form(client, cadre_a, village_a):
    project = make_project(by=cadre_a, village=village_a)
    client.force_login(cadre_a)
    response = client.post(
        reverse("projects:stage-edit", args=[project.pk, Stage.TENDER]),
        {"planned_on": "", "done_on": "2025-04-01"},
    )
    assert response.status_code == 200
    assert 'value="2025-04-01"' in response.content.decode()
    assert project.stages.get(stage=Stage.TENDER).done_on is None


def test_the_household_picker_offers_only_the_projects_village(
    client, cadre_a, village_a, village_b
):
    project = make_project(by=cadre_a, village=village_a)
    own = HouseholdFactory(village=village_a, number="A0001")
    other = HouseholdFactory(village=village_b, number="B0001")
    client.force_login(cadre_a)
    url = reverse("projects:beneficiary-create", args=[project.pk])
    page = client.get(url).content.decode()
    assert "A0001" in page and "B0001" not in page
    response = client.post(url, {"household": other.pk, "way": "wages"})
    assert response.status_code == 200 and not Beneficiary.objects.exists()
    client.post(url, {"household": own.pk, "way": "wages"})
    assert Beneficiary.objects.get().household == own


def test_a_distribution_shows_on_the_households_explanation(client, cadre_a, village_a):
    project = make_project(by=cadre_a, village=village_a)
    stages_done(by=cadre_a, project=project, until=Stage.HANDOVER)
    asset = services.asset_save(
        by=cadre_a,
        asset=Asset(
            project=project,
            name="光伏电站",
            asset_class="operating",
            owner="村集体",
            custodian="村委会",
            value=Decimal(500_000),
            handed_over_on=DECIDED + datetime.timedelta(days=6),
        ),
    )
    income = services.asset_income_save(
        by=cadre_a,
        income=AssetIncome(
            asset=asset, year=2025, income=Decimal(40_000), to_households=Decimal(10_000)
        ),
    )
    household = HouseholdFactory(village=village_a)
    client.force_login(cadre_a)
    client.post(
        reverse("projects:distribution-create", args=[asset.pk]),
        {"income": income.pk, "household": household.pk, "amount": "750"},
    )
    page = client.get(
        reverse("welfare:household-explain", args=[household.pk]) + "?year=2025"
    ).content.decode()
    assert "光伏电站" in page and "750" in page


def test_the_rollup_counts_projects_by_stage_and_funds(client, cadre_a, village_a, county):
    project = make_project(by=cadre_a, village=village_a)
    services.budget_set(by=cadre_a, project=project, amounts={"central": Decimal(5000)})
    stages_done(by=cadre_a, project=project, until=Stage.TENDER)
    client.force_login(cadre_a)
    response = client.get(reverse("projects:rollup"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.projects == 1
    assert next(r for r in figures.by_stage if r["stage"] == Stage.TENDER)["total"] == 1
    assert figures.funds.planned == Decimal(5000)


def test_a_plan_is_created_and_reviewed(client, cadre_a, village_a):
    client.force_login(cadre_a)
    client.post(
        reverse("projects:plan-create"),
        {
            "village": village_a.pk,
            "year": 2025,
            "industries": "茶叶、核桃",
            "target_households": 80,
            "target_income": "400000",
        },
    )
    plan = IndustryPlan.objects.get()
    client.post(
        reverse("projects:plan-edit", args=[plan.pk]),
        {
            "village": village_a.pk,
            "year": 2025,
            "industries": "茶叶、核桃",
            "target_households": 80,
            "target_income": "400000",
            "reached_households": 72,
            "reached_income": "360000",
            "review": "核桃受霜冻减产。",
        },
    )
    plan.refresh_from_db()
    assert plan.reviewed and plan.income_reached_share == 90
    assert "90%" in client.get(reverse("projects:plan-list")).content.decode()


def test_the_budget_is_set_on_its_page_and_a_cut_below_spending_refused(client, cadre_a, village_a):
    project = make_project(by=cadre_a, village=village_a)
    client.force_login(cadre_a)
    url = reverse("projects:budget-edit", args=[project.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"central": "5000", "villagers": "800"})
    assert dict(project.budget.values_list("source", "amount")) == {
        "central": Decimal(5000),
        "villagers": Decimal(800),
    }
    client.post(
        reverse("projects:spending-create", args=[project.pk]),
        {"source": "central", "spent_on": "2025-05-01", "amount": "3000", "purpose": "水泥"},
    )
    response = client.post(url, {"central": "2999"})
    assert response.status_code == 200
    assert project.budget.get(source="central").amount == Decimal(5000)
