"""Create and edit pages: bad input gets a clear message and keeps what was typed."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from villagedesk.registry.models import Household, Person, RevealLog
from villagedesk.registry.tests.factories import HouseholdFactory, make_id_number

pytestmark = pytest.mark.django_db


def person_data(**overrides):
    data = {
        "name": "王小红",
        "id_number": "",
        "sex": "female",
        "birth_date": "2010-02-03",
        "relation": "daughter",
        "ethnicity": "01",
        "education": "",
        "schooling": "grade_9",
        "labour": "none",
        "migrant_months": "0",
        "medical_insurance": "on",
    }
    data.update(overrides)
    return data


def household_data(village, **overrides):
    data = {
        "village": village.pk,
        "group": village.groups.first().pk,
        "number": "A-100",
        "address": "大河村一组 5 号",
        "phone": "13812345678",
        "status": "not_poor",
        "housing_safety": "safe",
        "water_safety": "safe",
    }
    data.update(overrides)
    return data


def test_cadre_adds_a_household(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(reverse("registry:household-create"), household_data(village_a))
    household = Household.objects.get(number="A-100")
    # A new household has no member yet: the next page adds its head.
    assert response["Location"] == reverse("registry:person-create", args=[household.pk])
    assert household.area_code == village_a.code
    assert household.history.first().history_user == cadre_a


def test_household_number_used_twice_in_a_village_is_refused(client, cadre_a, household_a):
    client.force_login(cadre_a)
    data = household_data(household_a.village, number=household_a.number)
    response = client.post(reverse("registry:household-create"), data)
    assert response.status_code == 200
    assert "already used in this village" in response.content.decode()
    assert Household.objects.filter(number=household_a.number).count() == 1


def test_double_submit_creates_one_household(client, cadre_a, village_a):
    client.force_login(cadre_a)
    for _ in range(2):
        client.post(reverse("registry:household-create"), household_data(village_a))
    assert Household.objects.filter(number="A-100").count() == 1


def test_cadre_cannot_add_a_household_to_another_village(client, cadre_a, village_b):
    client.force_login(cadre_a)
    response = client.post(reverse("registry:household-create"), household_data(village_b))
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_group_of_another_village_is_refused(client, cadre_a, village_a, village_b):
    client.force_login(cadre_a)
    data = household_data(village_a, group=village_b.groups.first().pk)
    client.post(reverse("registry:household-create"), data)
    assert not Household.objects.exists()


def test_bad_identity_number_keeps_everything_typed(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(id_number="110105194912310021", name="王小红")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "check character" in page
    assert 'value="王小红"' in page and 'value="110105194912310021"' in page
    assert household_a.members.count() == 3


def test_bad_identity_number_message_in_chinese(client, cadre_a, household_a):
    client.force_login(cadre_a)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("registry:person-create", args=[household_a.pk])
    page = client.post(url, person_data(id_number="110105194912310021")).content.decode()
    with translation.override("zh-hans"):
        assert "校验码" in page


def test_member_sex_and_birth_date_come_from_the_identity_number(client, cadre_a, household_a):
    import datetime

    number = make_id_number(datetime.date(2010, 2, 3), "female")
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    client.post(url, person_data(id_number=number.lower(), sex="", birth_date=""))
    person = Person.objects.get(name="王小红")
    assert person.sex == "female" and str(person.birth_date) == "2010-02-03"
    assert person.name_initials == "wxh"


def test_sex_contradicting_the_identity_number_is_refused(client, cadre_a, household_a):
    import datetime

    number = make_id_number(datetime.date(2010, 2, 3), "male")
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    page = client.post(url, person_data(id_number=number)).content.decode()
    assert "The identity number is of a" in page
    assert not Person.objects.filter(name="王小红").exists()


def test_identity_number_already_registered_is_refused(client, cadre_a, household_a, household_b):
    taken = household_b.members.first().id_number
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(id_number=taken, sex="", birth_date="", relation="other")
    page = client.post(url, data).content.decode()
    assert "cannot be registered here; ask the county office" in page.replace("&#x27;", "'")
    # The message must not leak who holds the number in the other village.
    assert "王五" not in page


def test_impossible_birth_date_is_refused(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    page = client.post(url, person_data(birth_date="2010-02-30")).content.decode()
    assert "Enter a valid date" in page
    page = client.post(url, person_data(birth_date="2099-01-01")).content.decode()
    assert "cannot be in the future" in page
    assert not Person.objects.filter(name="王小红").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"education": "junior"}, "not both"),
        ({"schooling": ""}, "Give the education"),
        ({"migrant_months": "5"}, "Say where the person works away"),
        ({"migrant_work": "in_county"}, "Give the months"),
        ({"disability_category": "visual"}, "Give the grade"),
        ({"migrant_months": "13"}, "less than or equal to 12"),
        ({"relation": "son"}, "is male"),
        ({"relation": "head", "sex": "male"}, "already has a head"),
        ({"phone": "12345"}, "11 digits"),
    ],
)
def test_ledger_checks_refuse_bad_members(client, cadre_a, household_a, overrides, message):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    page = client.post(url, person_data(**overrides)).content.decode()
    assert message in page
    assert not Person.objects.filter(name="王小红").exists()


def test_spouse_of_the_heads_own_sex_is_refused(client, cadre_a, household_b):
    client.force_login(cadre_a)
    # household_b is not cadre_a's: use a household of their own with a male head.
    from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

    household = HouseholdFactory(village=cadre_a.assignments.first().area, number="S-1")
    PersonFactory(household=household, name="刘强")
    url = reverse("registry:person-create", args=[household.pk])
    data = person_data(
        name="刘伟",
        sex="male",
        relation="spouse",
        birth_date="1981-01-01",
        schooling="",
        education="junior",
    )
    page = client.post(url, data).content.decode()
    assert "same sex" in page


def test_edit_keeps_the_recorded_number_when_left_empty(client, cadre_a, household_a):
    head = household_a.head()
    recorded = head.id_number
    client.force_login(cadre_a)
    page = client.get(reverse("registry:person-edit", args=[head.pk])).content.decode()
    assert recorded not in page
    data = person_data(
        name="张三丰",
        id_number="",
        sex="male",
        birth_date=str(head.birth_date),
        relation="head",
        education="junior",
        schooling="",
    )
    client.post(reverse("registry:person-edit", args=[head.pk]), data)
    head.refresh_from_db()
    assert head.name == "张三丰" and head.id_number == recorded


def test_numbers_are_masked_on_pages(client, cadre_a, household_a):
    client.force_login(cadre_a)
    numbers = [m.id_number for m in household_a.members.all()]
    for url in (household_a.get_absolute_url(), reverse("registry:household-list")):
        page = client.get(url).content.decode()
        for number in numbers:
            assert number not in page
            assert number[:6] + "********" + number[-4:] in page or url.endswith("households/")


def test_reveal_shows_the_number_and_is_logged(client, cadre_a, household_a):
    head = household_a.head()
    client.force_login(cadre_a)
    url = reverse("registry:person-reveal", args=[head.pk, "id_number"])
    response = client.post(url)
    assert head.id_number in response.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field) == (cadre_a, head, "id_number")


def test_village_committee_cannot_reveal(client, committee_a, household_a):
    head = household_a.head()
    client.force_login(committee_a)
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "reveal" not in page
    response = client.post(reverse("registry:person-reveal", args=[head.pk, "id_number"]))
    assert response.status_code == 403
    assert not RevealLog.objects.exists()


def test_reveal_needs_a_post(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-reveal", args=[household_a.head().pk, "id_number"])
    assert client.get(url).status_code == 405


def test_history_shows_who_changed_what_with_numbers_masked(client, cadre_a, household_a):
    head = household_a.head()
    client.force_login(cadre_a)
    data = person_data(
        name="张三",
        id_number="",
        sex="male",
        birth_date=str(head.birth_date),
        relation="head",
        education="senior",
        schooling="",
        phone="13900001111",
    )
    client.post(reverse("registry:person-edit", args=[head.pk]), data)
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "cadre_a" in page
    assert "Junior secondary → Senior secondary" in page
    assert "139****1111" in page and "13900001111" not in page


def test_a_persons_name_is_called_a_name_of_a_person_in_chinese(client, cadre_a, household_a):
    client.force_login(cadre_a)
    page = client.get(
        reverse("registry:person-create", args=[household_a.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert re.search(r'<label for="id_name"[^>]*>\s*姓名', page)
    assert not re.search(r'<label for="id_name"[^>]*>\s*名称', page)


def test_a_mistyped_identity_number_is_one_error_and_the_summary_links_to_it(
    client, cadre_a, household_a
):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    data = person_data(id_number="110105194912310021", sex="", birth_date="")
    response = client.post(url, data)
    form = response.context["form"]
    assert set(form.errors) == {"id_number"}
    page = response.content.decode()
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    assert 'href="#id_id_number"' in summary and "check character" in summary


def test_a_cadre_of_one_village_finds_it_chosen_and_the_next_number_suggested(
    client, cadre_a, county_supervisor, village_a, household_a
):
    HouseholdFactory(village=village_a, number="A-009")
    HouseholdFactory(village=village_a, number="0120")
    client.force_login(cadre_a)
    form = client.get(reverse("registry:household-create")).context["form"]
    assert form["village"].value() == village_a.pk
    assert form["number"].value() == "0121"  # the highest number's successor, zeros kept


def test_the_next_number_keeps_a_prefix_and_is_empty_without_numbers(village_a, village_b):
    from villagedesk.registry.selectors import household_number_next

    assert household_number_next(village=village_b) == ""
    HouseholdFactory(village=village_a, number="A-009")
    HouseholdFactory(village=village_a, number="A-010")
    HouseholdFactory(village=village_a, number="老户")
    assert household_number_next(village=village_a) == "A-011"


def test_the_first_member_of_a_household_is_offered_as_its_head_and_more_follow(
    client, cadre_a, village_a
):
    household = HouseholdFactory(village=village_a, number="A-200")
    client.force_login(cadre_a)
    page = client.get(household.get_absolute_url()).content.decode()
    assert "No head of household is recorded yet" in page
    url = reverse("registry:person-create", args=[household.pk])
    assert client.get(url).context["form"]["relation"].value() == "head"
    head = person_data(name="王大山", relation="head", sex="male", birth_date="1970-01-01")
    head.update(schooling="", education="primary", labour="ordinary")
    response = client.post(url, {**head, "then": "another"})
    assert response["Location"] == url
    assert client.get(url).context["form"]["relation"].value() != "head"
    response = client.post(url, person_data())
    assert response["Location"] == household.get_absolute_url()
    assert household.members.count() == 2
    assert "No head of household" not in client.get(household.get_absolute_url()).content.decode()
