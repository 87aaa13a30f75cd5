"""A cadre on a phone finds a household by pinyin initials and fixes a member's identity number,
and registers a new household head first, adding its members one after another."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.accounts.models import User
from villagedesk.registry.codes import Relation
from villagedesk.registry.models import Household, Person
from villagedesk.registry.selectors import household_list
from villagedesk.registry.tests.factories import HouseholdFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wrong_check_character(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def test_cadre_searches_opens_and_fixes_a_member(live_server, phone_page):
    call_command("seed_demo", "--villages", "2", "--households", "40", "--seed", "11", verbosity=0)
    cadre = User.objects.get(username="cadre1")
    household = household_list(user=cadre).first()
    head = household.head()
    member = next((m for m in household.members.all() if m.relation != Relation.HEAD), head)
    new_number = make_id_number(member.birth_date, member.sex, area="999999")
    page = phone_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text(
        "cadre1" if not cadre.display_name else cadre.display_name
    )

    page.goto(f"{live_server.url}/registry/households/")
    page.fill("#id_q", head.name_initials)
    result = page.locator("#results").get_by_role("link", name=head.name, exact=True).first
    expect(result).to_be_visible()
    result.click()
    expect(page.locator("h1")).to_contain_text(household.number)

    page.locator(f"#p{member.pk}").get_by_role("link", name="编辑").click()
    page.fill("#id_name", member.name + "改")
    page.fill("#id_id_number", wrong_check_character(new_number))
    page.click("button.primary")
    expect(page.locator(".field.invalid")).to_contain_text("校验码")
    expect(page.locator("#id_name")).to_have_value(member.name + "改")
    expect(page.locator("#id_id_number")).to_have_value(wrong_check_character(new_number))

    page.fill("#id_id_number", new_number)
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("h1")).to_contain_text(household.number)

    member = Person.objects.get(pk=member.pk)
    assert member.name.endswith("改")
    assert member.id_number == new_number


# Room for the test database to be made when this is the run's first test, on a busy machine.
@pytest.mark.timeout(120)
def test_household_registered_head_first_then_its_members(
    live_server, phone_in_each_language, cadre_a, village_a
):
    page, language = phone_in_each_language
    HouseholdFactory(village=village_a, number="0007")
    head_number = make_id_number(datetime.date(1968, 4, 2), "male")
    wife_number = make_id_number(datetime.date(1970, 9, 15), "female")
    with translation.override(language):
        add_household = gettext("Add household")
        saved_then_head = gettext("Household %(number)s saved. Now add its head and members.") % {
            "number": "0008"
        }
        add_another = gettext("Save and add another member")
        wife_saved = gettext("%(name)s saved.") % {"name": "李秀英"}

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/registry/households/")
    page.get_by_role("link", name=add_household).click()
    # The cadre's only village is chosen and the number after the village's highest suggested.
    expect(page.locator("#id_village")).to_have_value(str(village_a.pk))
    expect(page.locator("#id_number")).to_have_value("0008")
    page.select_option("#id_group", str(village_a.groups.get().pk))
    page.fill("#id_address", "大河村一组18号")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(saved_then_head)

    # The first member of a household with no head is its head.
    expect(page.locator("#id_relation")).to_have_value(Relation.HEAD)
    page.fill("#id_name", "王国富")
    page.fill("#id_id_number", head_number)
    page.select_option("#id_education", "primary")
    page.get_by_role("button", name=add_another).click()
    expect(page.locator(".messages")).to_contain_text("王国富")
    expect(page.locator("#id_relation")).not_to_have_value(Relation.HEAD)

    page.fill("#id_name", "李秀英")
    page.fill("#id_id_number", wife_number)
    page.select_option("#id_relation", Relation.SPOUSE)
    page.select_option("#id_education", "junior")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(wife_saved)

    household = Household.objects.get(area_code=village_a.code, number="0008")
    head, wife = household.members.order_by("pk")
    expect(page.locator("h1")).to_contain_text("0008")
    expect(page.locator(f"#p{head.pk}")).to_contain_text("王国富")
    expect(page.locator(f"#p{wife.pk}")).to_contain_text("李秀英")
    assert (head.relation, head.sex, head.birth_date) == (
        Relation.HEAD,
        "male",
        datetime.date(1968, 4, 2),
    )
    assert (wife.relation, wife.id_number) == (Relation.SPOUSE, wife_number)
    assert pages_wider_than_the_phone(page) == []
