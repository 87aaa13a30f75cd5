import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from villagedesk.economy import services
from villagedesk.economy.models import (
    CollectiveIncome,
    CollectiveMember,
    Distribution,
    LandTransfer,
    RentReceipt,
)
from villagedesk.economy.tests.factories import (
    make_collective,
    make_cooperative,
    make_household,
    make_plot,
    make_transfer,
)
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import IncomeLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy_b(village_b, cadre_b):
    """One of every kind of record, in village B."""
    household = make_household(village_b)
    cooperative = make_cooperative(
        by=cadre_b, village=village_b, name="小河合作社", members=[(household, "1")]
    )
    distribution = services.distribution_record(
        by=cadre_b, cooperative=cooperative, year=2025, total=Decimal("100")
    )
    collective = make_collective(by=cadre_b, village=village_b, name="小河村股份经济合作社")
    member = services.collective_member_confirm(
        by=cadre_b,
        collective=collective,
        person=household.members.first(),
        basis="original",
        confirmed_on=datetime.date(2020, 1, 1),
    )
    income = services.collective_income_add(
        by=cadre_b,
        line=CollectiveIncome(
            collective=collective, year=2025, source="operation", amount=Decimal(5)
        ),
    )
    plot = make_plot(by=cadre_b, household=household)
    transfer = make_transfer(by=cadre_b, plot=plot)
    rent = services.rent_record(by=cadre_b, transfer=transfer, year=2025, amount=Decimal(10))
    return {
        "cooperative": cooperative,
        "member": cooperative.members.get(),
        "distribution": distribution,
        "collective_member": member,
        "income": income,
        "household": household,
        "plot": plot,
        "transfer": transfer,
        "rent": rent,
    }


def test_a_cadre_opens_no_economy_record_of_another_village(client, cadre_a, economy_b):
    client.force_login(cadre_a)
    b = economy_b
    pages = [
        reverse("economy:cooperative-detail", args=[b["cooperative"].pk]),
        reverse("economy:cooperative-edit", args=[b["cooperative"].pk]),
        reverse("economy:member-add", args=[b["cooperative"].pk]),
        reverse("economy:dividend-record", args=[b["cooperative"].pk]),
        reverse("economy:collective", args=[b["plot"].area_code]),
        reverse("economy:collective-edit", args=[b["plot"].area_code]),
        reverse("economy:collective-member-add", args=[b["plot"].area_code]),
        reverse("economy:collective-member-end", args=[b["collective_member"].pk]),
        reverse("economy:income-add", args=[b["plot"].area_code]),
        reverse("economy:village-land", args=[b["plot"].area_code]),
        reverse("economy:household-land", args=[b["household"].pk]),
        reverse("economy:plot-create", args=[b["household"].pk]),
        reverse("economy:plot-edit", args=[b["plot"].pk]),
        reverse("economy:transfer-create", args=[b["plot"].pk]),
        reverse("economy:transfer-edit", args=[b["transfer"].pk]),
        reverse("economy:rent-record", args=[b["transfer"].pk]),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
    removals = [
        reverse("economy:member-remove", args=[b["member"].pk]),
        reverse("economy:dividend-remove", args=[b["distribution"].pk]),
        reverse("economy:income-remove", args=[b["income"].pk]),
        reverse("economy:plot-remove", args=[b["plot"].pk]),
        reverse("economy:transfer-remove", args=[b["transfer"].pk]),
        reverse("economy:rent-remove", args=[b["rent"].pk]),
    ]
    for action in removals:
        assert client.post(action).status_code == 404, action
    assert Distribution.objects.exists() and RentReceipt.objects.exists()
    assert LandTransfer.objects.exists() and CollectiveMember.objects.exists()


def test_lists_show_nothing_of_another_village(client, cadre_a, economy_b):
    client.force_login(cadre_a)
    assert "小河合作社" not in client.get(reverse("economy:cooperative-list")).content.decode()
    rollup = client.get(reverse("economy:rollup")).content.decode()
    assert "小河村" not in rollup and "Xiaohe" not in rollup


def test_a_supervisor_sees_the_villages_side_by_side(client, county_supervisor, economy_b):
    client.force_login(county_supervisor)
    page = client.get(reverse("economy:rollup"))
    assert page.status_code == 200
    assert [row["village"].code for row in page.context["rows"]] == [
        "530128100001",
        "530128100002",
    ]
    assert "小河合作社" in client.get(reverse("economy:cooperative-list")).content.decode()


def test_the_household_page_links_to_its_land(client, cadre_a, village_a):
    household = make_household(village_a)
    client.force_login(cadre_a)
    page = client.get(household.get_absolute_url()).content.decode()
    assert reverse("economy:household-land", args=[household.pk]) in page


def test_a_cadre_records_a_dividend_on_the_cooperative_page(client, cadre_a, village_a):
    first, second = make_household(village_a), make_household(village_a)
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(first, "2"), (second, "1")]
    )
    client.force_login(cadre_a)
    url = reverse("economy:dividend-record", args=[cooperative.pk])
    data = {"year": 2025, "total": "100.00", "paid_on": "2026-01-20"}
    response = client.post(url, data)
    assert response.status_code == 302
    incomes = dict(IncomeLine.objects.filter(year=2025).values_list("household_id", "amount"))
    assert incomes == {first.pk: Decimal("66.67"), second.pk: Decimal("33.33")}
    page = client.get(cooperative.get_absolute_url()).content.decode()
    assert "66.67" in page


def test_a_transfer_larger_than_its_plot_is_refused_on_the_form(client, cadre_a, village_a):
    plot = make_plot(by=cadre_a, household=make_household(village_a), area="2.00")
    client.force_login(cadre_a)
    response = client.post(
        reverse("economy:transfer-create", args=[plot.pk]),
        {
            "counterparty": "某公司",
            "form": "lease",
            "area_mu": "2.50",
            "rent_per_mu": "500",
            "starts_on": "2025-01-01",
            "ends_on": "2029-12-31",
        },
    )
    assert response.status_code == 200
    assert "某公司" in response.content.decode()  # what was typed stays
    assert not LandTransfer.objects.exists()


def test_a_member_is_confirmed_on_the_collective_page(client, cadre_a, village_a):
    collective = make_collective(by=cadre_a, village=village_a)
    person = PersonFactory(household=make_household(village_a), name="李四", relation="son")
    client.force_login(cadre_a)
    url = reverse("economy:collective-member-add", args=[village_a.code])
    refused = client.post(url, {"person": person.pk, "basis": "", "shares": "1"})
    assert refused.status_code == 200 and not CollectiveMember.objects.exists()
    done = client.post(
        url, {"person": person.pk, "basis": "adoption", "confirmed_on": "2025-02-01", "shares": "1"}
    )
    assert done.status_code == 302
    page = client.get(collective.get_absolute_url()).content.decode()
    assert "李四" in page


def test_pages_open_for_the_village_team(client, cadre_a, village_a):
    household = make_household(village_a)
    cooperative = make_cooperative(by=cadre_a, village=village_a, members=[(household, "1")])
    make_collective(by=cadre_a, village=village_a)
    make_transfer(by=cadre_a, plot=make_plot(by=cadre_a, household=household))
    client.force_login(cadre_a)
    for page in [
        reverse("economy:rollup"),
        reverse("economy:cooperative-list"),
        reverse("economy:cooperative-create"),
        cooperative.get_absolute_url(),
        reverse("economy:collective", args=[village_a.code]),
        reverse("economy:capital-add", args=[village_a.code]),
        reverse("economy:spending-add", args=[village_a.code]),
        reverse("economy:village-land", args=[village_a.code]),
        reverse("economy:household-land", args=[household.pk]),
    ]:
        assert client.get(page).status_code == 200, page


def rows_of(page: str, section: str) -> int:
    """The rows of the first table body after the section's anchor."""
    start = page.index(section)
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return body.count("<tr>")


def test_members_and_a_dividends_parts_are_paged_fifty_at_a_time(client, cadre_a, village_a):
    households = HouseholdFactory.create_batch(53, village=village_a)
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(h, "1") for h in households]
    )
    for year in (2024, 2025):
        services.distribution_record(
            by=cadre_a, cooperative=cooperative, year=year, total=Decimal("530")
        )
    client.force_login(cadre_a)
    url = cooperative.get_absolute_url()
    first = client.get(url).content.decode()
    assert rows_of(first, 'id="members"') == 50
    assert rows_of(first, 'id="dividend-parts"') == 50
    assert "members_page=2" in first and "parts_page=2" in first
    last_members = client.get(url + "?members_page=2").content.decode()
    assert rows_of(last_members, 'id="members"') == 3
    last_parts = client.get(url + "?year=2024&parts_page=2").content.decode()
    assert rows_of(last_parts, 'id="dividend-parts"') == 3
    assert "<b>2024</b>" in last_parts
