import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.organisation import services
from villagedesk.organisation.codes import TalentKind
from villagedesk.organisation.models import GroupHousehold, Talent, TenHouseholdGroup
from villagedesk.organisation.selectors import group_care, group_coverage
from villagedesk.organisation.tests.factories import GroupFactory
from villagedesk.registry.codes import DisabilityCategory, Relation
from villagedesk.registry.services import household_update
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

GROUPS = reverse("organisation:group-list")
NEW = reverse("organisation:group-create")


@pytest.fixture
def households_a(village_a):
    return [
        HouseholdFactory(village=village_a, group=village_a.groups.first(), number=f"A-{n:03d}")
        for n in range(1, 5)
    ]


def test_a_group_takes_households_of_its_village(cadre_a, village_a, households_a, person_a):
    group = TenHouseholdGroup(village=village_a, name="一组联户", head=person_a)
    services.group_save(by=cadre_a, group=group, households=households_a[:3])
    assert GroupHousehold.objects.filter(group=group).count() == 3


def test_a_household_in_another_group_is_refused(cadre_a, village_a, households_a):
    first = TenHouseholdGroup(village=village_a, name="第一组")
    services.group_save(by=cadre_a, group=first, households=households_a[:2])
    second = TenHouseholdGroup(village=village_a, name="第二组")
    with pytest.raises(ValidationError) as caught:
        services.group_save(by=cadre_a, group=second, households=households_a[1:3])
    assert "A-002 (第一组)" in caught.value.message_dict["households"][0]
    assert GroupHousehold.objects.filter(household=households_a[2]).count() == 0
    assert not TenHouseholdGroup.objects.filter(name="第二组").exists()


def test_the_database_refuses_a_household_in_two_groups(village_a, households_a):
    one, two = GroupFactory(village=village_a), GroupFactory(village=village_a)
    GroupHousehold.objects.create(group=one, household=households_a[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupHousehold.objects.create(group=two, household=households_a[0])


def test_a_household_of_another_village_is_refused(cadre_a, village_a, village_b):
    other = HouseholdFactory(village=village_b, number="B-009")
    with pytest.raises(ValidationError):
        services.group_save(
            by=cadre_a, group=TenHouseholdGroup(village=village_a, name="组"), households=[other]
        )


def test_a_head_of_another_village_is_refused(cadre_a, village_a, households_a, person_b):
    group = TenHouseholdGroup(village=village_a, name="组", head=person_b)
    with pytest.raises(ValidationError):
        services.group_save(by=cadre_a, group=group, households=households_a[:1])


def test_editing_a_group_keeps_its_own_households(cadre_a, village_a, households_a):
    group = TenHouseholdGroup(village=village_a, name="组")
    services.group_save(by=cadre_a, group=group, households=households_a[:2])
    services.group_save(by=cadre_a, group=group, households=households_a[1:3])
    kept = set(GroupHousehold.objects.values_list("household__number", flat=True))
    assert kept == {"A-002", "A-003"}


def test_coverage_is_households_in_a_group_over_all(cadre_a, village_a, households_a):
    services.group_save(
        by=cadre_a,
        group=TenHouseholdGroup(village=village_a, name="组"),
        households=households_a[:3],
    )
    coverage = group_coverage(village=village_a)
    assert (coverage.grouped, coverage.households, coverage.percent) == (3, 4, 75)


def test_care_sheet_flags_needs_and_masks_numbers(cadre_a, village_a, households_a):
    old = PersonFactory(
        household=households_a[0],
        name="老人",
        relation=Relation.HEAD,
        birth_date=datetime.date(1950, 1, 1),
        phone="13912345678",
    )
    child = PersonFactory(
        household=households_a[1],
        name="孩子",
        relation=Relation.HEAD,
        birth_date=datetime.date(2018, 1, 1),
        education="",
        schooling="primary",
        disability_category=DisabilityCategory.PHYSICAL,
        disability_grade=2,
    )
    PersonFactory(household=households_a[1], name="妈妈", relation=Relation.SPOUSE)
    group = TenHouseholdGroup(village=village_a, name="组")
    services.group_save(by=cadre_a, group=group, households=households_a[:2])
    sheet = {m.name: m for entry in group_care(group=group) for m in entry.members}
    assert "aged 65 or over" in sheet["老人"].needs
    assert "lives alone" in sheet["老人"].needs
    assert sheet["老人"].phone == "139****5678"
    assert sheet["老人"].id_number == old.id_number[:6] + "********" + old.id_number[-4:]
    assert "child under 16" in sheet["孩子"].needs
    assert any("2" in need for need in sheet["孩子"].needs if need.startswith("Physical"))
    assert "lives alone" not in sheet["孩子"].needs
    assert child.id_number not in str(sheet)


def test_group_pages_of_another_village_are_not_found(client, cadre_a, village_b):
    group = GroupFactory(village=village_b)
    client.force_login(cadre_a)
    assert client.get(reverse("organisation:group-detail", args=[group.pk])).status_code == 404
    assert client.get(reverse("organisation:group-edit", args=[group.pk])).status_code == 404


def test_the_group_page_records_a_group(client, committee_a, village_a, households_a, person_a):
    client.force_login(committee_a)
    response = client.post(
        NEW,
        {
            "village": village_a.code,
            "name": "三组联户",
            "head": person_a.pk,
            "households": [h.pk for h in households_a[:2]],
            "latitude": "25.5",
            "longitude": "102.5",
        },
    )
    group = TenHouseholdGroup.objects.get()
    assert response.status_code == 302
    assert group.head == person_a
    assert group.latitude == Decimal("25.5")


def test_the_group_page_says_a_household_is_taken(client, cadre_a, village_a, households_a):
    taken = TenHouseholdGroup(village=village_a, name="第一组")
    services.group_save(by=cadre_a, group=taken, households=households_a[:1])
    client.force_login(cadre_a)
    response = client.post(
        NEW, {"village": village_a.code, "name": "第二组", "households": [households_a[0].pk]}
    )
    assert response.status_code == 200
    assert TenHouseholdGroup.objects.count() == 1


def test_the_map_gets_names_as_text(client, cadre_a, village_a, households_a):
    group = TenHouseholdGroup(
        village=village_a,
        name="<img src=x onerror=alert(1)>",
        latitude=Decimal("25.5"),
        longitude=Decimal("102.5"),
    )
    services.group_save(by=cadre_a, group=group, households=households_a[:1])
    client.force_login(cadre_a)
    body = client.get(GROUPS, {"village": village_a.code}).content.decode()
    assert "<img src=x" not in body
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in body
    assert 'id="coverage"' in body


def test_a_new_group_offers_the_first_village_groups_free_households(
    client, cadre_a, village_a, households_a
):
    second = village_a.groups.create(number=2, name="二组")
    HouseholdFactory(village=village_a, group=second, number="A-200")
    services.group_save(
        by=cadre_a,
        group=TenHouseholdGroup(village=village_a, name="组"),
        households=households_a[:1],
    )
    client.force_login(cadre_a)
    body = client.get(NEW).content.decode()
    assert "A-002" in body
    assert "A-001" not in body
    assert "A-200" not in body
    assert "A-200" in client.get(NEW, {"village_group": second.pk}).content.decode()


def test_a_household_moved_away_leaves_its_group_and_its_talents_go_with_it(
    client, cadre_a, cadre_b, village_a, village_b, township
):
    """Village A's team no longer sees a household moved to village B, on its groups' care
    sheets or in its talent pool; B's team sees its talent."""
    mover = User.objects.create_user(username="township_cadre")
    Assignment.objects.create(
        user=mover, area=township, role=Role.CADRE, starts_on=datetime.date(2020, 1, 1)
    )
    moving = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-777")
    head = PersonFactory(household=moving, name="搬走者", relation=Relation.HEAD)
    staying = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-778")
    group = TenHouseholdGroup(village=village_a, name="甲组")
    services.group_save(by=cadre_a, group=group, households=[moving, staying])
    services.talent_save(by=cadre_a, talent=Talent(person=head, kind=TalentKind.values[0]))
    moving.village = village_b
    moving.group = village_b.groups.first()
    household_update(by=mover, household=moving)
    assert list(group.memberships.values_list("household__number", flat=True)) == ["A-778"]
    client.force_login(cadre_a)
    assert "搬走者" not in client.get(reverse("organisation:group-detail", args=[group.pk])).text
    assert "搬走者" not in client.get(reverse("organisation:talent-list")).text
    client.force_login(cadre_b)
    assert "搬走者" in client.get(reverse("organisation:talent-list")).text
