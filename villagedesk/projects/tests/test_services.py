"""Projects keep their rules in the services: stages in order and dated in order, spending within
each source's budget, beneficiaries of the project's own village counted from the registry, and
what a project pays a household in its income once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from villagedesk.areas.models import PointOfInterest
from villagedesk.projects import selectors, services
from villagedesk.projects.models import (
    Asset,
    AssetIncome,
    Beneficiary,
    BenefitWay,
    Distribution,
    FundSource,
    Project,
    Spending,
    Stage,
    WagePayment,
)
from villagedesk.projects.tests.factories import DECIDED, make_project, stages_done
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.welfare.models import IncomeLine, MonitoredHousehold
from villagedesk.welfare.services import income_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(cadre_a, village_a):
    return make_project(by=cadre_a, village=village_a)


def stage(project, name):
    return project.stages.get(stage=name)


# Approval


def test_a_project_needs_what_approved_it(cadre_a, village_a):
    with pytest.raises(ValidationError):
        services.project_save(
            by=cadre_a, project=Project(village=village_a, name="饮水", kind="roads", year=2025)
        )


def test_a_new_project_has_its_seven_stages_none_done(project):
    assert [s.stage for s in selectors.stages_of(project)] == list(Stage)
    assert project.stage == ""


def test_coordinates_put_the_project_on_the_village_map(cadre_a, village_a):
    project = make_project(
        by=cadre_a, village=village_a, latitude=Decimal("25.55"), longitude=Decimal("102.47")
    )
    point = PointOfInterest.objects.get(pk=project.point_id)
    assert point.village == village_a and point.name == project.name
    project.latitude = project.longitude = None
    services.project_save(by=cadre_a, project=project)
    assert not PointOfInterest.objects.filter(pk=point.pk).exists()


def test_another_villages_team_cannot_write_the_project(cadre_b, project):
    with pytest.raises(PermissionDenied):
        services.stage_record(
            by=cadre_b, project=project, stage=Stage.APPROVAL, planned_on=None, done_on=DECIDED
        )


# Stages


def test_a_stage_cannot_be_done_before_the_one_before_it(cadre_a, project):
    with pytest.raises(ValidationError) as refused:
        services.stage_record(
            by=cadre_a, project=project, stage=Stage.NOTICE, planned_on=None, done_on=DECIDED
        )
    assert "done_on" in refused.value.error_dict
    assert stage(project, Stage.NOTICE).done_on is None


def test_a_stage_may_be_done_the_same_day_as_the_one_before(cadre_a, project):
    services.stage_record(
        by=cadre_a, project=project, stage=Stage.APPROVAL, planned_on=None, done_on=DECIDED
    )
    services.stage_record(
        by=cadre_a, project=project, stage=Stage.NOTICE, planned_on=None, done_on=DECIDED
    )
    project.refresh_from_db()
    assert project.stage == Stage.NOTICE


def test_a_stage_cannot_be_dated_a_day_before_the_one_before(cadre_a, project):
    services.stage_record(
        by=cadre_a, project=project, stage=Stage.APPROVAL, planned_on=None, done_on=DECIDED
    )
    with pytest.raises(ValidationError):
        services.stage_record(
            by=cadre_a,
            project=project,
            stage=Stage.NOTICE,
            planned_on=None,
            done_on=DECIDED - datetime.timedelta(days=1),
        )


def test_planned_dates_keep_the_order_too(cadre_a, project):
    services.stage_record(
        by=cadre_a, project=project, stage=Stage.NOTICE, planned_on=DECIDED, done_on=None
    )
    with pytest.raises(ValidationError) as refused:
        services.stage_record(
            by=cadre_a,
            project=project,
            stage=Stage.APPROVAL,
            planned_on=DECIDED + datetime.timedelta(days=1),
            done_on=None,
        )
    assert "planned_on" in refused.value.error_dict


def test_a_stage_cannot_be_undone_while_the_next_is_done(cadre_a, project):
    stages_done(by=cadre_a, project=project, until=Stage.NOTICE)
    with pytest.raises(ValidationError):
        services.stage_record(
            by=cadre_a, project=project, stage=Stage.APPROVAL, planned_on=None, done_on=None
        )


def test_redating_an_earlier_stage_after_a_later_one_is_refused(cadre_a, project):
    stages_done(by=cadre_a, project=project, until=Stage.NOTICE)
    with pytest.raises(ValidationError):
        services.stage_record(
            by=cadre_a,
            project=project,
            stage=Stage.APPROVAL,
            planned_on=None,
            done_on=DECIDED + datetime.timedelta(days=5),
        )


# Budget and spending


def spend(by, project, amount, source=FundSource.CENTRAL):
    return services.spending_save(
        by=by,
        spending=Spending(
            project=project,
            source=source,
            spent_on=DECIDED,
            amount=Decimal(amount),
            purpose="水泥",
        ),
    )


def test_spending_totals_by_source_against_the_budget(cadre_a, project):
    services.budget_set(
        by=cadre_a,
        project=project,
        amounts={FundSource.CENTRAL: Decimal(100_000), FundSource.COLLECTIVE: Decimal(20_000)},
    )
    spend(cadre_a, project, 60_000)
    spend(cadre_a, project, 40_000)
    spend(cadre_a, project, 5_000, FundSource.COLLECTIVE)
    funds = selectors.project_funds(project)
    rows = {row.source: (row.planned, row.spent, row.left) for row in funds.rows}
    assert rows == {
        "central": (Decimal(100_000), Decimal(100_000), Decimal(0)),
        "collective": (Decimal(20_000), Decimal(5_000), Decimal(15_000)),
    }
    assert (funds.planned, funds.spent) == (Decimal(120_000), Decimal(105_000))


def test_an_overspend_is_refused_by_one_yuan(cadre_a, project):
    services.budget_set(by=cadre_a, project=project, amounts={FundSource.CENTRAL: Decimal(1000)})
    spend(cadre_a, project, 999)
    with pytest.raises(ValidationError) as refused:
        spend(cadre_a, project, 2)
    assert "amount" in refused.value.error_dict
    spend(cadre_a, project, 1)
    assert selectors.project_funds(project).spent == Decimal(1000)


def test_spending_from_a_source_without_budget_is_refused(cadre_a, project):
    with pytest.raises(ValidationError):
        spend(cadre_a, project, 1, FundSource.SOCIETY)


def test_a_budget_cannot_be_cut_below_what_was_spent(cadre_a, project):
    services.budget_set(by=cadre_a, project=project, amounts={FundSource.CENTRAL: Decimal(1000)})
    spend(cadre_a, project, 800)
    with pytest.raises(ValidationError):
        services.budget_set(by=cadre_a, project=project, amounts={FundSource.CENTRAL: Decimal(799)})
    services.budget_set(by=cadre_a, project=project, amounts={FundSource.CENTRAL: Decimal(800)})


# Beneficiaries


def add(by, project, household, way=BenefitWay.WAGES):
    return services.beneficiary_save(
        by=by, beneficiary=Beneficiary(project=project, household=household, way=way)
    )


def test_counts_of_out_of_poverty_and_monitored_come_from_the_registry(cadre_a, project, village_a):
    exited = HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED)
    exited_with_case = HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED)
    monitored = HouseholdFactory(village=village_a, status=HouseholdStatus.MONITORED)
    ordinary = HouseholdFactory(village=village_a, status=HouseholdStatus.NOT_POOR)
    closed_case = HouseholdFactory(village=village_a, status=HouseholdStatus.NOT_POOR)
    MonitoredHousehold.objects.create(
        household=exited_with_case,
        year=2025,
        category="unstable",
        found_by="screening",
        first_lead_on=DECIDED,
    )
    MonitoredHousehold.objects.create(
        household=closed_case,
        year=2024,
        category="unstable",
        found_by="screening",
        first_lead_on=DECIDED,
        risk_eliminated_on=DECIDED,
        elimination="assisted",
    )
    for household in (exited, exited_with_case, monitored, ordinary, closed_case):
        add(cadre_a, project, household)
    assert selectors.beneficiary_counts(project.beneficiaries.all()) == {
        "households": 5,
        "exited": 2,
        "monitored": 2,
    }
    # The counts follow the registry: a household changing type changes them.
    monitored.status = HouseholdStatus.NOT_POOR
    monitored.save()
    assert selectors.beneficiary_counts(project.beneficiaries.all())["monitored"] == 1


def test_a_household_of_another_village_cannot_benefit(cadre_a, project, village_b):
    with pytest.raises(ValidationError):
        add(cadre_a, project, HouseholdFactory(village=village_b))


# Income flows


def wage(by, beneficiary, amount, day=datetime.date(2025, 6, 30)):
    return services.wage_save(
        by=by, payment=WagePayment(beneficiary=beneficiary, paid_on=day, amount=Decimal(amount))
    )


def wage_line(household, year=2025):
    return IncomeLine.objects.filter(household=household, year=year, kind="wage").first()


def test_wages_become_the_households_wage_income_once(cadre_a, project, village_a):
    household = HouseholdFactory(village=village_a)
    beneficiary = add(cadre_a, project, household)
    payment = wage(cadre_a, beneficiary, 3000)
    services.wage_save(by=cadre_a, payment=payment)  # saved again
    assert wage_line(household).amount == Decimal(3000)
    wage(cadre_a, beneficiary, 1500)
    assert wage_line(household).amount == Decimal(4500)
    payment.amount = Decimal(2000)
    services.wage_save(by=cadre_a, payment=payment)
    assert wage_line(household).amount == Decimal(3500)
    services.wage_delete(by=cadre_a, payment=payment)
    assert wage_line(household).amount == Decimal(1500)


def test_wages_do_not_overwrite_what_was_typed(cadre_a, project, village_a):
    household = HouseholdFactory(village=village_a)
    income_set(by=cadre_a, household=household, year=2025, amounts={"wage": Decimal(12000)})
    beneficiary = add(cadre_a, project, household)
    wage(cadre_a, beneficiary, 3000)
    assert wage_line(household).amount == Decimal(15000)
    services.beneficiary_delete(by=cadre_a, beneficiary=beneficiary)
    assert wage_line(household).amount == Decimal(12000)


def handed_over_asset(by, project, asset_class="operating"):
    stages_done(by=by, project=project, until=Stage.HANDOVER)
    return services.asset_save(
        by=by,
        asset=Asset(
            project=project,
            name="茶叶初制所",
            asset_class=asset_class,
            owner="大河村股份经济合作社",
            custodian="大河村委会",
            value=Decimal(300_000),
            handed_over_on=DECIDED + datetime.timedelta(days=6),
        ),
    )


def test_assets_come_only_after_the_handover(cadre_a, project):
    stages_done(by=cadre_a, project=project, until=Stage.SETTLEMENT)
    with pytest.raises(ValidationError):
        services.asset_save(
            by=cadre_a,
            asset=Asset(
                project=project,
                name="茶叶初制所",
                asset_class="operating",
                owner="村集体",
                custodian="村委会",
                value=Decimal(1),
                handed_over_on=DECIDED + datetime.timedelta(days=6),
            ),
        )


def test_only_operating_assets_earn(cadre_a, project):
    asset = handed_over_asset(cadre_a, project, asset_class="public_welfare")
    with pytest.raises(ValidationError):
        services.asset_income_save(
            by=cadre_a, income=AssetIncome(asset=asset, year=2025, income=Decimal(100))
        )


def test_more_shared_out_than_earned_is_refused(cadre_a, project):
    asset = handed_over_asset(cadre_a, project)
    with pytest.raises(ValidationError):
        services.asset_income_save(
            by=cadre_a,
            income=AssetIncome(
                asset=asset,
                year=2025,
                income=Decimal(100),
                to_households=Decimal(60),
                to_collective=Decimal(41),
            ),
        )


def test_a_households_share_becomes_its_property_income_once(cadre_a, project, village_a):
    asset = handed_over_asset(cadre_a, project)
    income = services.asset_income_save(
        by=cadre_a,
        income=AssetIncome(
            asset=asset,
            year=2025,
            income=Decimal(30_000),
            to_households=Decimal(12_000),
            to_collective=Decimal(15_000),
            to_jobs=Decimal(3_000),
        ),
    )
    household = HouseholdFactory(village=village_a)
    share = services.distribution_save(
        by=cadre_a,
        share=Distribution(income=income, household=household, amount=Decimal(800)),
    )
    services.distribution_save(by=cadre_a, share=share)
    line = IncomeLine.objects.get(household=household, year=2025, kind="property")
    assert (line.amount, line.from_flows) == (Decimal(800), Decimal(800))
    share.amount = Decimal(900)
    services.distribution_save(by=cadre_a, share=share)
    line.refresh_from_db()
    assert line.amount == Decimal(900)
    services.distribution_delete(by=cadre_a, share=share)
    assert not IncomeLine.objects.filter(household=household).exists()


def test_shares_never_pass_what_went_to_households(cadre_a, project, village_a):
    asset = handed_over_asset(cadre_a, project)
    income = services.asset_income_save(
        by=cadre_a,
        income=AssetIncome(
            asset=asset, year=2025, income=Decimal(1000), to_households=Decimal(1000)
        ),
    )
    first, second = HouseholdFactory.create_batch(2, village=village_a)
    services.distribution_save(
        by=cadre_a, share=Distribution(income=income, household=first, amount=Decimal(600))
    )
    with pytest.raises(ValidationError):
        services.distribution_save(
            by=cadre_a, share=Distribution(income=income, household=second, amount=Decimal(401))
        )
    assert not IncomeLine.objects.filter(household=second).exists()
