"""The new registry facts on the household page and forms, and supporters outside the household:
shown, typed, refused with a message, and kept within the user's villages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from villagedesk.registry.codes import Relation, Sex
from villagedesk.registry.families import derive
from villagedesk.registry.models import Household, Supporter
from villagedesk.registry.tests.factories import PersonFactory, SupporterFactory
from villagedesk.registry.tests.test_pages import household_data, person_data

pytestmark = pytest.mark.django_db


def test_the_household_page_shows_the_new_facts(client, cadre_a, household_a):
    Household.objects.filter(pk=household_a.pk).update(
        status="exited",
        poverty_status="out_enjoying",
        main_cause="illness",
        other_cause_1="schooling",
        owns_vehicle=True,
        deposits=Decimal("12000"),
    )
    head = household_a.head()
    head.migrant_work, head.migrant_months, head.migrant_place = "out_of_province", 9, "东莞市"
    head.employee_medical_insurance = True
    head.save()
    derive([household_a.pk])
    client.force_login(cadre_a)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(household_a.get_absolute_url()).content.decode()
    for text in ("已脱贫享受政策", "因病", "因学", "东莞市", "12000.00"):
        assert text in page
    assert "张三、李梅" in page  # the son's parents, derived


def test_the_household_page_in_english_names_a_household_never_registered(
    client, cadre_a, household_a
):
    client.force_login(cadre_a)
    client.cookies["django_language"] = "en"
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "Never registered poor" in page
    assert "Household type" in page


def test_cadre_records_causes_and_property_facts(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = household_data(
        village_a,
        status="exited",
        poverty_status="out_enjoying",
        main_cause="disability",
        other_cause_1="lack_of_labour",
        owns_business="on",
        town_housing="on",
        deposits="30000.50",
    )
    response = client.post(reverse("registry:household-create"), data)
    assert response.status_code == 302
    household = Household.objects.get(number="A-100")
    assert (household.main_cause, household.other_causes) == ("disability", ["lack_of_labour"])
    assert (household.owns_business, household.town_housing, household.owns_vehicle) == (
        True,
        True,
        False,
    )
    assert household.deposits == Decimal("30000.50")


def test_a_repeated_cause_is_refused_and_the_form_keeps_what_was_typed(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = household_data(village_a, main_cause="illness", other_cause_1="illness")
    response = client.post(reverse("registry:household-create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "differs from the main cause" in page
    assert 'value="大河村一组 5 号"' in page
    assert not Household.objects.filter(number="A-100").exists()


def test_a_place_of_migrant_work_without_migrant_work_is_refused(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    response = client.post(url, person_data(migrant_place="昆明"))
    assert response.status_code == 200
    assert "before naming the place of migrant work" in response.content.decode()


def test_cadre_records_a_residence_permit_member(client, cadre_a, household_a):
    from villagedesk.registry.identity import check_character

    first17 = "81000019900101002"
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(
        name="陈美玲",
        document_type="hk_macao_residence",
        id_number=first17 + check_character(first17),
        sex="",
        birth_date="",
        relation="other",
        schooling="",
        education="bachelor",
        employee_medical_insurance="on",
    )
    assert client.post(url, data).status_code == 302
    person = household_a.members.get(name="陈美玲")
    assert (person.document_type, person.sex) == ("hk_macao_residence", Sex.FEMALE)
    assert person.employee_medical_insurance


def test_a_resident_number_typed_as_a_residence_permit_is_refused(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(document_type="taiwan_residence", id_number="11010519491231002X")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "830000" in response.content.decode()


def test_an_older_foreign_card_needs_sex_and_birth_date(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(
        document_type="foreign_permanent", id_number="USA310090101001", sex="", birth_date=""
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "does not give it" in response.content.decode()


def test_cadre_adds_a_supporter_outside_the_household(client, cadre_a, household_a):
    head = household_a.head()
    client.force_login(cadre_a)
    url = reverse("registry:supporter-create", args=[household_a.pk])
    data = {
        "supported": head.pk,
        "name": "张 大山",
        "relation": "child",
        "birth_date": "1990-04-05",
        "migrant_work": "out_of_province",
        "is_dibao": "on",
        "annual_income": "18000",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert (supporter.name, supporter.household, supporter.area_code) == (
        "张大山",
        household_a,
        household_a.area_code,
    )
    assert supporter.history.get().history_user == cadre_a
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "张大山" in page


def test_a_supporter_of_a_member_of_another_household_is_refused(
    client, cadre_a, household_a, village_a
):
    from villagedesk.registry.tests.factories import HouseholdFactory

    neighbour = PersonFactory(household=HouseholdFactory(village=village_a), name="赵六")
    client.force_login(cadre_a)
    url = reverse("registry:supporter-create", args=[household_a.pk])
    response = client.post(url, {"supported": neighbour.pk, "name": "赵七", "relation": "child"})
    assert response.status_code == 200
    assert not Supporter.objects.exists()


def test_cadre_edits_and_removes_a_supporter(client, cadre_a, household_a):
    supporter = SupporterFactory(supported=household_a.head())
    client.force_login(cadre_a)
    edit = reverse("registry:supporter-edit", args=[supporter.pk])
    data = {"supported": supporter.supported_id, "name": "张大河", "relation": "child"}
    assert client.post(edit, data).status_code == 302
    supporter.refresh_from_db()
    assert supporter.name == "张大河"
    delete = reverse("registry:supporter-delete", args=[supporter.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not Supporter.objects.exists()


@pytest.mark.parametrize("name", ["supporter-edit", "supporter-delete"])
def test_another_villages_supporter_is_404(client, cadre_a, household_b, name):
    supporter = SupporterFactory(supported=household_b.head())
    client.force_login(cadre_a)
    assert client.post(reverse(f"registry:{name}", args=[supporter.pk])).status_code == 404
    assert Supporter.objects.filter(pk=supporter.pk).exists()


def test_no_supporter_can_be_added_to_another_villages_household(client, cadre_a, household_b):
    client.force_login(cadre_a)
    url = reverse("registry:supporter-create", args=[household_b.pk])
    assert client.get(url).status_code == 404


def test_a_county_supervisor_sees_supporters_but_cannot_change_them(
    client, county_supervisor, household_a
):
    supporter = SupporterFactory(supported=household_a.head(), name="张大山")
    client.force_login(county_supervisor)
    assert "张大山" in client.get(household_a.get_absolute_url()).content.decode()
    response = client.post(reverse("registry:supporter-delete", args=[supporter.pk]))
    assert response.status_code == 403
    edit = reverse("registry:supporter-edit", args=[supporter.pk])
    assert client.get(edit).status_code == 403
    assert Supporter.objects.filter(pk=supporter.pk).exists()


def test_the_household_page_reads_members_families_and_supporters_in_few_queries(
    client, cadre_a, household_a, django_assert_max_num_queries
):
    for n in range(3):
        PersonFactory(
            household=household_a, name=f"孙{n}", relation=Relation.GRANDSON, education="primary"
        )
    SupporterFactory(supported=household_a.head())
    SupporterFactory(supported=household_a.head())
    derive([household_a.pk])
    client.force_login(cadre_a)
    with django_assert_max_num_queries(20):
        client.get(household_a.get_absolute_url())
