"""Cooperatives, collectives, plots and transfers for tests, written through the services."""

import datetime
from decimal import Decimal

from villagedesk.economy import services
from villagedesk.economy.models import Collective, Cooperative, LandTransfer, Plot
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory


def make_household(village, **fields):
    household = HouseholdFactory(village=village, **fields)
    PersonFactory(household=household)
    return household


def make_cooperative(*, by, village, name="大河茶叶专业合作社", members=()):
    cooperative = services.cooperative_save(
        by=by, cooperative=Cooperative(village=village, name=name, kind="cooperative")
    )
    for household, shares in members:
        services.cooperative_member_set(
            by=by, cooperative=cooperative, household=household, shares=Decimal(shares)
        )
    return cooperative


def make_collective(*, by, village, name="大河村股份经济合作社"):
    return services.collective_save(by=by, collective=Collective(village=village, name=name))


def make_plot(*, by, household, area="5.00", name="门前田", kind="paddy"):
    return services.plot_save(
        by=by, plot=Plot(household=household, name=name, kind=kind, area_mu=Decimal(area))
    )


def make_transfer(*, by, plot, area="2.00", rent="600", starts=2023, ends=2027):
    return services.transfer_save(
        by=by,
        transfer=LandTransfer(
            plot=plot,
            counterparty="大河茶叶专业合作社",
            area_mu=Decimal(area),
            rent_per_mu=Decimal(rent),
            starts_on=datetime.date(starts, 1, 1),
            ends_on=datetime.date(ends, 12, 31),
        ),
    )
