import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from villagedesk.economy import selectors, services
from villagedesk.economy.models import DividendShare, LandTransfer
from villagedesk.economy.tests.factories import (
    make_collective,
    make_cooperative,
    make_household,
    make_plot,
    make_transfer,
)
from villagedesk.welfare import services as welfare
from villagedesk.welfare.models import IncomeFlow, IncomeLine

pytestmark = pytest.mark.django_db


def property_income(household, year):
    return (
        IncomeLine.objects.filter(household=household, year=year, kind="property")
        .values_list("amount", flat=True)
        .first()
    )


# Dividends


def test_a_dividend_is_split_by_shares_to_the_fen_and_sums_to_the_total(village_a, cadre_a):
    households = [make_household(village_a) for _ in range(3)]
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(h, "1") for h in households]
    )
    distribution = services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("1000.00")
    )
    amounts = sorted(distribution.parts.values_list("amount", flat=True))
    assert amounts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert sum(amounts) == distribution.total


def test_a_cooperative_without_members_shares_no_dividend(village_a, cadre_a):
    cooperative = make_cooperative(by=cadre_a, village=village_a)
    with pytest.raises(ValidationError):
        services.distribution_record(
            by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("100")
        )


def test_a_cadre_of_another_village_keeps_no_cooperative_here(village_a, cadre_a, cadre_b):
    cooperative = make_cooperative(by=cadre_a, village=village_a)
    with pytest.raises(PermissionDenied):
        services.cooperative_member_set(
            by=cadre_b, cooperative=cooperative, household=make_household(village_a), shares=1
        )


# Income flowing into the registry, exactly once


def test_a_dividend_becomes_property_income_of_the_member_household(village_a, cadre_a):
    household = make_household(village_a)
    cooperative = make_cooperative(by=cadre_a, village=village_a, members=[(household, "2")])
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("800")
    )
    assert property_income(household, 2025) == Decimal("800.00")
    flow = IncomeFlow.objects.get(household=household)
    assert flow.source_key == DividendShare.objects.get().flow_key


def test_recording_the_same_dividend_again_adds_nothing(village_a, cadre_a):
    household = make_household(village_a)
    cooperative = make_cooperative(by=cadre_a, village=village_a, members=[(household, "1")])
    for _ in range(3):
        services.distribution_record(
            by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("500")
        )
    assert property_income(household, 2025) == Decimal("500.00")
    assert IncomeFlow.objects.count() == 1
    assert IncomeLine.objects.filter(household=household).count() == 1


def test_a_changed_dividend_changes_the_income_and_keeps_what_was_typed(village_a, cadre_a):
    household = make_household(village_a)
    welfare.income_set(
        by=cadre_a, household=household, year=2025, amounts={"property": Decimal("300")}
    )
    cooperative = make_cooperative(by=cadre_a, village=village_a, members=[(household, "1")])
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("500")
    )
    assert property_income(household, 2025) == Decimal("800.00")
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("200")
    )
    assert property_income(household, 2025) == Decimal("500.00")


def test_removing_a_dividend_takes_its_part_and_leaves_the_typed_part(village_a, cadre_a):
    typed, untouched = make_household(village_a), make_household(village_a)
    welfare.income_set(by=cadre_a, household=typed, year=2025, amounts={"property": Decimal("300")})
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(typed, "1"), (untouched, "1")]
    )
    distribution = services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("1000")
    )
    services.distribution_remove(by=cadre_a, distribution=distribution)
    assert property_income(typed, 2025) == Decimal("300.00")
    assert property_income(untouched, 2025) is None
    assert not IncomeFlow.objects.exists()


def test_a_household_that_left_loses_its_part_when_the_year_is_recorded_again(village_a, cadre_a):
    stays, leaves = make_household(village_a), make_household(village_a)
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(stays, "1"), (leaves, "1")]
    )
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("1000")
    )
    services.cooperative_member_remove(by=cadre_a, member=cooperative.members.get(household=leaves))
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("1000")
    )
    assert property_income(stays, 2025) == Decimal("1000.00")
    assert property_income(leaves, 2025) is None


def test_dividends_and_rent_add_up_on_one_income_line(village_a, cadre_a):
    household = make_household(village_a)
    cooperative = make_cooperative(by=cadre_a, village=village_a, members=[(household, "1")])
    services.distribution_record(
        by=cadre_a, cooperative=cooperative, year=2025, total=Decimal("500")
    )
    transfer = make_transfer(by=cadre_a, plot=make_plot(by=cadre_a, household=household))
    rent = services.rent_record(by=cadre_a, transfer=transfer, year=2025, amount=Decimal("1200"))
    services.rent_record(by=cadre_a, transfer=transfer, year=2025, amount=Decimal("1200"))
    assert property_income(household, 2025) == Decimal("1700.00")
    services.rent_remove(by=cadre_a, rent=rent)
    assert property_income(household, 2025) == Decimal("500.00")


def test_removing_a_transfer_takes_its_rent_from_the_income(village_a, cadre_a):
    household = make_household(village_a)
    transfer = make_transfer(by=cadre_a, plot=make_plot(by=cadre_a, household=household))
    services.rent_record(by=cadre_a, transfer=transfer, year=2024, amount=Decimal("1200"))
    services.rent_record(by=cadre_a, transfer=transfer, year=2025, amount=Decimal("1250"))
    services.transfer_remove(by=cadre_a, transfer=transfer)
    assert not IncomeLine.objects.filter(household=household).exists()


def test_rent_is_recorded_only_for_a_year_of_the_term(village_a, cadre_a):
    household = make_household(village_a)
    transfer = make_transfer(by=cadre_a, plot=make_plot(by=cadre_a, household=household))
    with pytest.raises(ValidationError):
        services.rent_record(by=cadre_a, transfer=transfer, year=2030, amount=Decimal("1"))


# The collective's members


@pytest.fixture
def collective(village_a, cadre_a):
    return make_collective(by=cadre_a, village=village_a)


def confirm(collective, person, by, basis="birth", day=datetime.date(2025, 6, 1)):
    return services.collective_member_confirm(
        by=by, collective=collective, person=person, basis=basis, confirmed_on=day
    )


def test_a_person_is_confirmed_with_a_basis_and_a_date(collective, village_a, cadre_a):
    person = make_household(village_a).members.get()
    member = confirm(collective, person, cadre_a, basis="marriage")
    assert member.basis == "marriage"
    assert member.confirmed_on == datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    "basis, day, field",
    [
        ("", datetime.date(2025, 6, 1), "basis"),
        ("birth", None, "confirmed_on"),
        ("birth", datetime.date(1970, 1, 1), "confirmed_on"),
        ("birth", datetime.date(2099, 1, 1), "confirmed_on"),
    ],
)
def test_a_confirmation_needs_a_basis_and_a_possible_date(
    collective, village_a, cadre_a, basis, day, field
):
    person = make_household(village_a).members.get()
    with pytest.raises(ValidationError) as refused:
        services.collective_member_confirm(
            by=cadre_a, collective=collective, person=person, basis=basis, confirmed_on=day
        )
    assert field in refused.value.message_dict


def test_a_person_is_a_member_of_one_collective_at_a_time(
    collective, village_a, village_b, cadre_a, cadre_b
):
    person = make_household(village_a).members.get()
    confirm(collective, person, cadre_a)
    with pytest.raises(ValidationError) as refused:
        confirm(collective, person, cadre_a)
    assert "person" in refused.value.message_dict


def test_a_membership_ended_lets_the_person_be_confirmed_again(collective, village_a, cadre_a):
    person = make_household(village_a).members.get()
    member = confirm(collective, person, cadre_a, day=datetime.date(2025, 1, 1))
    services.collective_member_end(by=cadre_a, member=member, ended_on=datetime.date(2025, 3, 1))
    again = confirm(collective, person, cadre_a, basis="other")
    assert again.pk != member.pk


def test_only_a_person_of_the_village_is_confirmed(collective, village_b, cadre_a):
    stranger = make_household(village_b).members.get()
    with pytest.raises(ValidationError) as refused:
        confirm(collective, stranger, cadre_a)
    assert "person" in refused.value.message_dict


def test_the_database_holds_one_open_membership_per_person(collective, village_a, cadre_a):
    from django.db import IntegrityError, transaction

    from villagedesk.economy.models import CollectiveMember

    person = make_household(village_a).members.get()
    confirm(collective, person, cadre_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectiveMember.objects.create(
            collective=collective,
            person=person,
            basis="birth",
            confirmed_on=datetime.date(2025, 1, 1),
        )


# Land


def test_a_transfer_cannot_exceed_the_plot(village_a, cadre_a):
    plot = make_plot(by=cadre_a, household=make_household(village_a), area="3.00")
    with pytest.raises(ValidationError) as refused:
        make_transfer(by=cadre_a, plot=plot, area="3.50")
    assert "area_mu" in refused.value.message_dict


def test_transfers_of_one_term_together_cannot_exceed_the_plot(village_a, cadre_a):
    plot = make_plot(by=cadre_a, household=make_household(village_a), area="3.00")
    make_transfer(by=cadre_a, plot=plot, area="2.00", starts=2023, ends=2027)
    with pytest.raises(ValidationError):
        make_transfer(by=cadre_a, plot=plot, area="1.50", starts=2025, ends=2030)
    # After the first term ends the whole plot may go again.
    make_transfer(by=cadre_a, plot=plot, area="3.00", starts=2028, ends=2032)
    assert LandTransfer.objects.count() == 2


def test_a_plot_cannot_shrink_below_what_is_transferred(village_a, cadre_a):
    plot = make_plot(by=cadre_a, household=make_household(village_a), area="3.00")
    make_transfer(by=cadre_a, plot=plot, area="2.00")
    plot.area_mu = Decimal("1.00")
    with pytest.raises(ValidationError):
        services.plot_save(by=cadre_a, plot=plot)


def test_village_land_totals(village_a, village_b, cadre_a, cadre_b):
    first, second = make_household(village_a), make_household(village_a)
    paddy = make_plot(by=cadre_a, household=first, area="4.00", kind="paddy")
    make_plot(by=cadre_a, household=first, area="2.00", kind="dry")
    make_plot(by=cadre_a, household=second, area="4.00", kind="paddy")
    transfer = make_transfer(by=cadre_a, plot=paddy, area="2.50", starts=2024, ends=2028)
    make_transfer(by=cadre_a, plot=paddy, area="1.00", starts=2020, ends=2022)
    services.rent_record(by=cadre_a, transfer=transfer, year=2025, amount=Decimal("1500"))
    make_plot(by=cadre_b, household=make_household(village_b), area="9.00")
    totals = selectors.land_totals(code=village_a.code, day=datetime.date(2025, 7, 1), year=2025)
    assert totals.contracted == Decimal("10.00")
    assert totals.plots == 3
    assert totals.households == 2
    assert totals.transferred == Decimal("2.50")
    assert totals.transferred_share == Decimal("25.0")
    assert totals.rent_received == Decimal("1500.00")
    by_kind = {row["kind"]: (row["area"], row["transferred"]) for row in totals.by_kind}
    assert by_kind == {
        "dry": (Decimal("2.00"), 0),
        "paddy": (Decimal("8.00"), Decimal("2.50")),
    }


# The collective's income against the weak-village threshold


def test_operating_income_leaves_out_subsidies_and_meets_the_threshold(collective, county, cadre_a):
    from villagedesk.economy.models import CollectiveIncome
    from villagedesk.welfare.models import Parameter

    for source, amount in [("operation", 30000), ("contracting", 20000), ("subsidy", 90000)]:
        services.collective_income_add(
            by=cadre_a,
            line=CollectiveIncome(
                collective=collective, year=2025, source=source, amount=Decimal(amount)
            ),
        )
    Parameter.objects.create(
        name="collective_weak_income", area=county, year=2025, value=Decimal("100000")
    )
    figures = selectors.collective_years(collective=collective, years=[2024, 2025])
    assert figures.operating(2025) == Decimal("50000")
    assert figures.income_total(2025) == Decimal("140000")
    assert figures.weak(2025) is True
    assert figures.weak(2024) is None  # the area sets no threshold for 2024
