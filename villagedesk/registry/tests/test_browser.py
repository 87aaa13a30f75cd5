"""A cadre on a phone finds a household by pinyin initials and fixes a member's identity number."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from villagedesk.accounts.models import User
from villagedesk.registry.codes import Relation
from villagedesk.registry.models import Person
from villagedesk.registry.selectors import household_list
from villagedesk.registry.tests.factories import make_id_number

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
