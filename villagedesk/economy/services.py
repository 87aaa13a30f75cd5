"""Writes of the village economy. Those who keep a village's records (`Capability.KEEP_REGISTRY`)
keep its cooperatives, its collective organisation and its households' land; every write is one
transaction.

Dividends and rent received by a household flow into its welfare income lines
(`welfare.services.income_flow_set`): each record's part of the line is kept with the record's
key, so saving it again changes nothing, a changed amount changes the line, removing the record
takes its part away, and what was typed on the line by hand stays."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.core.saving import validated_save
from villagedesk.economy.apportion import split_by_shares
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveMember,
    CollectiveSpending,
    Cooperative,
    CooperativeMember,
    Distribution,
    DividendShare,
    LandTransfer,
    Plot,
    RentReceipt,
)
from villagedesk.registry.changes import data_changed
from villagedesk.registry.models import Household, Person
from villagedesk.welfare import services as welfare
from villagedesk.welfare.codes import IncomeKind


def keeps(by: User, *codes: str) -> None:
    """Refuse unless the user keeps the records of every area named."""
    for code in codes:
        permissions.require(by, Capability.KEEP_REGISTRY, code)


def saved_code(model, pk) -> str:
    """The area code a saved row has in the database (the one an edit must be allowed in)."""
    return model.objects.filter(pk=pk).values_list("area_code", flat=True).first() or ""


# Cooperatives and their dividends


@transaction.atomic
def cooperative_save(*, by: User, cooperative: Cooperative) -> Cooperative:
    """Add or update a cooperative or business of a village the user keeps."""
    keeps(by, cooperative.village.code)
    if cooperative.pk:
        keeps(by, saved_code(Cooperative, cooperative.pk))
    validated_save(cooperative, by=by)
    return cooperative


@transaction.atomic
def cooperative_member_set(
    *,
    by: User,
    cooperative: Cooperative,
    household: Household,
    shares: Decimal,
    joined_on: datetime.date | None = None,
) -> CooperativeMember:
    """Make the household a member holding these shares, or change the shares it holds."""
    keeps(by, cooperative.area_code, household.area_code)
    member = CooperativeMember.objects.filter(
        cooperative=cooperative, household=household
    ).first() or CooperativeMember(cooperative=cooperative, household=household)
    member.shares = shares
    if joined_on is not None:
        member.joined_on = joined_on
    validated_save(member, by=by)
    return member


@transaction.atomic
def cooperative_member_remove(*, by: User, member: CooperativeMember) -> None:
    """Remove a member; dividends already paid to it stay."""
    keeps(by, member.cooperative.area_code)
    member.delete()


@transaction.atomic
def distribution_record(
    *,
    by: User,
    cooperative: Cooperative,
    year: int,
    total: Decimal,
    paid_on: datetime.date | None = None,
) -> Distribution:
    """Record the year's dividend of a cooperative and split it over its members by their
    shares to the fen, the parts summing to the total; each part becomes property income of its
    household for the year. Recording the year again splits it again over the members as they
    are now: a part changed changes the household's income, a household no longer a member
    loses its part."""
    keeps(by, cooperative.area_code)
    members = list(cooperative.members.select_related("household").order_by("household_id"))
    if not members:
        raise ValidationError(_("The cooperative has no members to share a dividend."))
    distribution = Distribution.objects.filter(cooperative=cooperative, year=year).first()
    distribution = distribution or Distribution(
        cooperative=cooperative, village=cooperative.village, year=year
    )
    distribution.total = total
    if paid_on is not None:
        distribution.paid_on = paid_on
    validated_save(distribution, by=by)
    amounts = split_by_shares(
        distribution.total, {member.household_id: member.shares for member in members}
    )
    parts = {part.household_id: part for part in distribution.parts.all()}
    for member in members:
        part = parts.pop(member.household_id, None) or DividendShare(
            distribution=distribution, household=member.household
        )
        part.household = member.household
        part.shares = member.shares
        part.amount = amounts[member.household_id]
        validated_save(part, by=by)
        welfare.income_flow_set(
            by=by,
            household=member.household,
            year=year,
            kind=IncomeKind.PROPERTY,
            source_key=part.flow_key,
            label=dividend_label(distribution),
            amount=part.amount,
            link=cooperative.get_absolute_url(),
        )
    for gone in parts.values():
        dividend_share_remove(by=by, part=gone)
    data_changed([cooperative.area_code, *(m.household.area_code for m in members)])
    return distribution


def dividend_label(distribution: Distribution) -> str:
    return f"{distribution.cooperative.name} {distribution.year}"


def dividend_share_remove(*, by: User, part: DividendShare) -> None:
    welfare.income_flow_set(
        by=by,
        household=part.household,
        year=part.distribution.year,
        kind=IncomeKind.PROPERTY,
        source_key=part.flow_key,
        label="",
        amount=None,
    )
    part.delete()


@transaction.atomic
def distribution_remove(*, by: User, distribution: Distribution) -> None:
    """Remove a year's dividend; each household's income loses its part."""
    keeps(by, distribution.area_code)
    codes = [distribution.area_code]
    for part in distribution.parts.select_related("household", "distribution"):
        codes.append(part.household.area_code)
        dividend_share_remove(by=by, part=part)
    distribution.delete()
    data_changed(codes)


# The collective economic organisation


@transaction.atomic
def collective_save(*, by: User, collective: Collective) -> Collective:
    """Set up or rename the collective economic organisation of a village the user keeps."""
    keeps(by, collective.village.code)
    if collective.pk:
        keeps(by, saved_code(Collective, collective.pk))
    validated_save(collective, by=by)
    return collective


@transaction.atomic
def collective_member_confirm(
    *,
    by: User,
    collective: Collective,
    person: Person,
    basis: str,
    confirmed_on: datetime.date | None,
    shares: Decimal = Decimal(0),
) -> CollectiveMember:
    """Record a person's confirmation as a member of the village's collective organisation.

    A confirmation names its basis and the day the members' assembly confirmed it, not a day
    still to come nor one before the person was born; the person is registered in the
    collective's village; and a person belongs to one collective organisation at a time (the
    2024 law ends a membership when another is gained), so a person still a member anywhere is
    refused until that membership is ended."""
    keeps(by, collective.area_code)
    errors = {}
    if not basis:
        errors["basis"] = _("Say on what basis the person is confirmed.")
    if confirmed_on is None:
        errors["confirmed_on"] = _("Give the day the members' assembly confirmed the person.")
    elif confirmed_on > timezone.localdate():
        errors["confirmed_on"] = _("A confirmation is not dated in the future.")
    elif confirmed_on < person.birth_date:
        errors["confirmed_on"] = _("A person is confirmed after birth.")
    if person.area_code != collective.area_code:
        errors["person"] = _("Only a person registered in the village can be confirmed.")
    current = (
        CollectiveMember.objects.filter(person=person, ended_on__isnull=True)
        .select_related("collective")
        .first()
    )
    if current is not None:
        errors["person"] = _(
            "This person is already a member of %(collective)s; end that membership first."
        ) % {"collective": current.collective.name}
    if errors:
        raise ValidationError(errors)
    member = CollectiveMember(
        collective=collective,
        person=person,
        basis=basis,
        confirmed_on=confirmed_on,
        shares=shares,
    )
    validated_save(member, by=by)
    return member


@transaction.atomic
def collective_member_end(
    *, by: User, member: CollectiveMember, ended_on: datetime.date
) -> CollectiveMember:
    """End a membership (death, membership gained elsewhere, withdrawal) on a day after its
    confirmation; the row stays, with its history."""
    keeps(by, member.area_code)
    if member.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    member.ended_on = ended_on
    validated_save(member, by=by)
    return member


@transaction.atomic
def collective_income_add(*, by: User, line: CollectiveIncome) -> CollectiveIncome:
    """Add a line of the collective's income for a year."""
    keeps(by, line.collective.area_code)
    validated_save(line, by=by)
    return line


@transaction.atomic
def collective_spending_add(*, by: User, line: CollectiveSpending) -> CollectiveSpending:
    """Add a line of the collective's spending for a year."""
    keeps(by, line.collective.area_code)
    validated_save(line, by=by)
    return line


@transaction.atomic
def collective_line_remove(*, by: User, line: CollectiveIncome | CollectiveSpending) -> None:
    """Remove a line of the collective's income or spending."""
    keeps(by, line.area_code)
    line.delete()


@transaction.atomic
def capital_add(*, by: User, capital: CollectiveCapital) -> CollectiveCapital:
    """Add an entry to the collective's three-capitals register."""
    keeps(by, capital.collective.area_code)
    validated_save(capital, by=by)
    return capital


@transaction.atomic
def capital_remove(*, by: User, capital: CollectiveCapital) -> None:
    """Take an entry off the three-capitals register."""
    keeps(by, capital.area_code)
    capital.delete()


# Land


def transferred_peak(transfers) -> Decimal:
    """The largest area the transfers hold at one time (terms include both days): the most
    that is transferred on any day one of them starts."""
    transfers = list(transfers)
    peak = Decimal(0)
    for transfer in transfers:
        at_start = sum(
            (
                other.area_mu
                for other in transfers
                if other.starts_on <= transfer.starts_on <= other.ends_on
            ),
            Decimal(0),
        )
        peak = max(peak, at_start)
    return peak


@transaction.atomic
def plot_save(*, by: User, plot: Plot) -> Plot:
    """Add or update a contracted plot of a household the user keeps; a plot keeps at least the
    area its transfers hold at one time."""
    keeps(by, plot.household.area_code)
    if plot.pk:
        keeps(by, saved_code(Plot, plot.pk))
        peak = transferred_peak(plot.transfers.all())
        if plot.area_mu is not None and plot.area_mu < peak:
            raise ValidationError(
                {
                    "area_mu": _("%(peak)s mu of this plot are transferred; it cannot be smaller.")
                    % {"peak": peak}
                }
            )
    validated_save(plot, by=by)
    return plot


@transaction.atomic
def plot_remove(*, by: User, plot: Plot) -> None:
    """Remove a plot, with its transfers; the rent they brought leaves the household's income."""
    keeps(by, plot.area_code)
    for transfer in plot.transfers.all():
        transfer_remove(by=by, transfer=transfer)
    plot.delete()


@transaction.atomic
def transfer_save(*, by: User, transfer: LandTransfer) -> LandTransfer:
    """Add or update the transfer of (part of) a plot. The area transferred at one time, this
    transfer with the plot's others whose terms overlap it, never exceeds the plot's area."""
    plot = transfer.plot
    keeps(by, plot.area_code)
    if transfer.pk:
        keeps(by, saved_code(LandTransfer, transfer.pk))
    transfer.household = plot.household
    if transfer.area_mu is not None and transfer.starts_on and transfer.ends_on:
        others = plot.transfers.exclude(pk=transfer.pk)
        peak = transferred_peak([*others, transfer])
        if peak > plot.area_mu:
            raise ValidationError(
                {
                    "area_mu": _(
                        "The plot has %(area)s mu; with its other transfers in the same term "
                        "this would transfer %(peak)s mu."
                    )
                    % {"area": plot.area_mu, "peak": peak}
                }
            )
    validated_save(transfer, by=by)
    for rent in transfer.rents.all():
        welfare.income_flow_set(
            by=by,
            household=transfer.household,
            year=rent.year,
            kind=IncomeKind.PROPERTY,
            source_key=rent.flow_key,
            label=rent_label(transfer),
            amount=rent.amount,
            link=transfer.get_absolute_url(),
        )
    return transfer


@transaction.atomic
def transfer_remove(*, by: User, transfer: LandTransfer) -> None:
    """Remove a transfer; the rent it brought leaves the household's income."""
    keeps(by, transfer.area_code)
    for rent in transfer.rents.all():
        rent_remove(by=by, rent=rent)
    transfer.delete()


def rent_label(transfer: LandTransfer) -> str:
    return f"{transfer.plot.name} → {transfer.counterparty}"


@transaction.atomic
def rent_record(
    *,
    by: User,
    transfer: LandTransfer,
    year: int,
    amount: Decimal,
    received_on: datetime.date | None = None,
) -> RentReceipt:
    """Record (or correct) the rent the household received for a transfer in a year; it is the
    household's property income of that year."""
    keeps(by, transfer.area_code)
    if not transfer.starts_on.year <= year <= transfer.ends_on.year:
        raise ValidationError({"year": _("Rent is received for a year of the transfer's term.")})
    rent = RentReceipt.objects.filter(transfer=transfer, year=year).first() or RentReceipt(
        transfer=transfer, household=transfer.household, year=year
    )
    rent.amount = amount
    if received_on is not None:
        rent.received_on = received_on
    validated_save(rent, by=by)
    welfare.income_flow_set(
        by=by,
        household=transfer.household,
        year=year,
        kind=IncomeKind.PROPERTY,
        source_key=rent.flow_key,
        label=rent_label(transfer),
        amount=rent.amount,
        link=transfer.get_absolute_url(),
    )
    return rent


@transaction.atomic
def rent_remove(*, by: User, rent: RentReceipt) -> None:
    """Remove a year's rent; the household's income loses it."""
    keeps(by, rent.area_code)
    welfare.income_flow_set(
        by=by,
        household=rent.household,
        year=rent.year,
        kind=IncomeKind.PROPERTY,
        source_key=rent.flow_key,
        label="",
        amount=None,
    )
    rent.delete()
