"""What was recorded by mistake is corrected or removed from the project's pages: a spending line
(still within its budget line), an asset's yearly income and a household's share of it (the
household's income follows, once)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from villagedesk.projects import services
from villagedesk.projects.models import (
    Asset,
    AssetIncome,
    Distribution,
    FundSource,
    Spending,
    Stage,
)
from villagedesk.projects.tests.factories import DECIDED, make_project, stages_done
from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.welfare.models import IncomeFlow, IncomeLine

pytestmark = pytest.mark.django_db


def spent(by, project, amount):
    return services.spending_save(
        by=by,
        spending=Spending(
            project=project,
            source=FundSource.CENTRAL,
            spent_on=DECIDED,
            amount=Decimal(amount),
            purpose="水泥",
        ),
    )


@pytest.fixture
def project(cadre_a, village_a):
    project = make_project(by=cadre_a, village=village_a)
    services.budget_set(by=cadre_a, project=project, amounts={FundSource.CENTRAL: Decimal(1000)})
    return project


def line_fields(amount, purpose="水泥"):
    return {"source": "central", "spent_on": "2025-05-01", "amount": amount, "purpose": purpose}


def test_a_spending_line_is_corrected_within_its_budget(client, cadre_a, project):
    line = spent(cadre_a, project, 600)
    spent(cadre_a, project, 300)
    client.force_login(cadre_a)
    page = client.get(project.get_absolute_url()).content.decode()
    url = reverse("projects:spending-edit", args=[project.pk, line.pk])
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url, line_fields("701", "水泥和钢筋"))
    assert response.status_code == 200
    assert "水泥和钢筋" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal(600)
    client.post(url, line_fields("700"))
    line.refresh_from_db()
    assert line.amount == Decimal(700)
    assert project.spending.count() == 2


def test_a_spending_line_is_removed(client, cadre_a, project):
    line = spent(cadre_a, project, 600)
    client.force_login(cadre_a)
    response = client.post(reverse("projects:spending-delete", args=[project.pk, line.pk]))
    assert response.status_code == 302
    assert not project.spending.exists()


def test_another_villages_spending_is_a_404(client, cadre_a, cadre_b, village_b):
    other = make_project(by=cadre_b, village=village_b, name="小河村饮水工程")
    services.budget_set(by=cadre_b, project=other, amounts={FundSource.CENTRAL: Decimal(1000)})
    line = spent(cadre_b, other, 500)
    client.force_login(cadre_a)
    edit = reverse("projects:spending-edit", args=[other.pk, line.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, line_fields("1")).status_code == 404
    remove = reverse("projects:spending-delete", args=[other.pk, line.pk])
    assert client.post(remove).status_code == 404
    line.refresh_from_db()
    assert line.amount == Decimal(500)


@pytest.fixture
def income(cadre_a, village_a):
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
    return services.asset_income_save(
        by=cadre_a,
        income=AssetIncome(
            asset=asset, year=2025, income=Decimal(40_000), to_households=Decimal(10_000)
        ),
    )


def property_lines(household):
    return list(
        IncomeLine.objects.filter(household=household, kind="property").values_list(
            "year", "amount"
        )
    )


def test_correcting_a_share_changes_the_households_income_once(client, cadre_a, village_a, income):
    household = HouseholdFactory(village=village_a)
    share = services.distribution_save(
        by=cadre_a, share=Distribution(income=income, household=household, amount=Decimal(800))
    )
    asset = income.asset
    client.force_login(cadre_a)
    url = reverse("projects:distribution-edit", args=[asset.pk, share.pk])
    assert url in client.get(asset.get_absolute_url()).content.decode()
    fields = {"income": income.pk, "household": household.pk}
    response = client.post(url, {**fields, "amount": "10001"})
    assert response.status_code == 200
    assert property_lines(household) == [(2025, Decimal(800))]
    client.post(url, {**fields, "amount": "650"})
    client.post(url, {**fields, "amount": "650"})
    assert property_lines(household) == [(2025, Decimal(650))]
    assert IncomeFlow.objects.filter(household=household).count() == 1
    assert Distribution.objects.filter(income=income).count() == 1


def test_correcting_the_year_of_an_income_moves_the_households_shares(
    client, cadre_a, village_a, income
):
    household = HouseholdFactory(village=village_a)
    services.distribution_save(
        by=cadre_a, share=Distribution(income=income, household=household, amount=Decimal(800))
    )
    asset = income.asset
    client.force_login(cadre_a)
    url = reverse("projects:asset-income-edit", args=[asset.pk, income.pk])
    assert url in client.get(asset.get_absolute_url()).content.decode()
    fields = {"income": "40000", "to_collective": "0", "to_jobs": "0"}
    response = client.post(url, {**fields, "year": "2024", "to_households": "799"})
    assert response.status_code == 200
    assert property_lines(household) == [(2025, Decimal(800))]
    client.post(url, {**fields, "year": "2024", "to_households": "9000"})
    income.refresh_from_db()
    assert (income.year, income.to_households) == (2024, Decimal(9000))
    assert property_lines(household) == [(2024, Decimal(800))]


def test_removing_an_income_removes_the_households_shares(client, cadre_a, village_a, income):
    household = HouseholdFactory(village=village_a)
    services.distribution_save(
        by=cadre_a, share=Distribution(income=income, household=household, amount=Decimal(800))
    )
    client.force_login(cadre_a)
    remove = reverse("projects:asset-income-delete", args=[income.asset.pk, income.pk])
    assert client.post(remove).status_code == 302
    assert not AssetIncome.objects.filter(pk=income.pk).exists()
    assert not IncomeFlow.objects.filter(household=household).exists()
    assert property_lines(household) == []


def test_another_villages_income_and_share_are_a_404(client, cadre_a, cadre_b, village_a, income):
    household = HouseholdFactory(village=village_a)
    share = services.distribution_save(
        by=cadre_a, share=Distribution(income=income, household=household, amount=Decimal(800))
    )
    asset = income.asset
    client.force_login(cadre_b)
    urls = [
        reverse("projects:asset-income-edit", args=[asset.pk, income.pk]),
        reverse("projects:asset-income-delete", args=[asset.pk, income.pk]),
        reverse("projects:distribution-edit", args=[asset.pk, share.pk]),
    ]
    for url in urls:
        assert client.post(url).status_code == 404
    assert property_lines(household) == [(2025, Decimal(800))]
