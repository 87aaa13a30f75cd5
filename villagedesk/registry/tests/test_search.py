from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from villagedesk.core.masking import mask_id_number, query_shown
from villagedesk.registry.selectors import HouseholdFilters, household_list
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(village_a):
    names = {"张三": "A1", "张珊珊": "A2", "赵四": "A3", "单雄": "A4", "李明": "A5"}
    persons = {}
    for name, number in names.items():
        household = HouseholdFactory(village=village_a, number=number)
        persons[name] = PersonFactory(household=household, name=name)
    return persons


def found(user, query):
    households = household_list(user=user, filters=HouseholdFilters(q=query))
    return sorted(m.name for h in households for m in h.members.all())


def test_pinyin_initials_find_the_person(cadre_a, people):
    # Initials match from the start: zs is 张三 and 赵四, and the start of 张珊珊 (zss).
    assert found(cadre_a, "zs") == ["张三", "张珊珊", "赵四"]
    assert found(cadre_a, "ZSS") == ["张珊珊"]
    assert found(cadre_a, "zhs") == []


def test_full_pinyin_finds_the_person(cadre_a, people):
    assert found(cadre_a, "zhangsan") == ["张三"]
    assert found(cadre_a, "zhang") == ["张三", "张珊珊"]
    assert found(cadre_a, "zhaosi") == ["赵四"]


def test_surname_reading_is_used_for_polyphonic_surnames(cadre_a, people):
    assert found(cadre_a, "shanxiong") == ["单雄"]


def test_chinese_name_matches_inside_the_name(cadre_a, people):
    assert found(cadre_a, "珊") == ["张珊珊"]
    assert found(cadre_a, "李 明") == ["李明"]


def test_identity_number_tail_finds_the_person(cadre_a, people):
    number = people["赵四"].id_number
    assert found(cadre_a, number[-4:]) == ["赵四"]
    assert found(cadre_a, number[-8:].lower()) == ["赵四"]


def test_a_number_is_looked_up_by_index_before_the_households_are_read(cadre_a, people):
    number = people["赵四"].id_number
    with CaptureQueriesContext(connection) as queries:
        assert found(cadre_a, number[-6:]) == ["赵四"]
    persons = [q["sql"] for q in queries if 'FROM "registry_person"' in q["sql"]]
    # One range of identity hashes gives the candidates; the households are then read by
    # their ids or number, never by asking of each household whether a member matches.
    assert '"registry_person"."id_number_hash" >=' in persons[0]
    households = [q["sql"] for q in queries if 'FROM "registry_household"' in q["sql"]]
    assert households and not any("registry_person" in sql for sql in households)


def test_household_number_is_searchable(cadre_a, people):
    household = HouseholdFactory(village=people["李明"].household.village, number="0042")
    PersonFactory(household=household, name="王芳")
    assert found(cadre_a, "0042") == ["王芳"]


def test_nothing_typed_lists_everyone(cadre_a, people):
    assert len(found(cadre_a, "")) == 5


def test_list_page_uses_a_fixed_number_of_queries(
    client, cadre_a, village_a, django_assert_max_num_queries
):
    for i in range(60):
        household = HouseholdFactory(village=village_a, number=f"N{i:03d}")
        PersonFactory(household=household, name="张三")
        PersonFactory(household=household, name="李四", relation="son", id_number=None)
    client.force_login(cadre_a)
    for size in (25, 50):
        # session, user, assignments, villages, groups, count, page, members, menu areas
        with django_assert_max_num_queries(10):
            response = client.get(reverse("registry:household-list"), {"size": size})
        assert response.status_code == 200


def test_group_and_status_filters(client, cadre_a, village_a):
    from villagedesk.areas.models import VillageGroup

    second = VillageGroup.objects.create(village=village_a, number=2, name="二组")
    in_first = HouseholdFactory(village=village_a, group=village_a.groups.get(number=1))
    PersonFactory(household=in_first, name="甲一")
    in_second = HouseholdFactory(village=village_a, group=second, status="exited")
    PersonFactory(household=in_second, name="乙二")
    client.force_login(cadre_a)
    url = reverse("registry:household-list")
    page = client.get(url, {"group": second.pk}).content.decode()
    assert "乙二" in page and "甲一" not in page
    page = client.get(url, {"status": "exited"}).content.decode()
    assert "乙二" in page and "甲一" not in page


def test_groups_are_offered_once_a_village_is_chosen(client, county_supervisor, village_a):
    client.force_login(county_supervisor)
    url = reverse("registry:household-list")
    assert "一组" not in client.get(url).content.decode()
    assert "一组" in client.get(url, {"village": village_a.code}).content.decode()


def shows(text: str, number: str) -> bool:
    """Whether a page shows seventeen characters of the number in a row."""
    return number[:17] in text or number[1:] in text


def test_a_whole_number_typed_is_searched_and_shown_back_masked(client, cadre_a, people):
    number = people["赵四"].id_number
    masked = mask_id_number(number)
    client.force_login(cadre_a)
    url = reverse("registry:household-list")
    response = client.get(url, {"q": f" {number[:9]} {number[9:].lower()} ", "page": "1"})
    page = response.content.decode()
    assert "赵四" in page and "张三" not in page
    assert not shows(page.upper(), number)
    assert f'value="{masked}"' in page
    assert response.context["query"] == urlencode({"q": masked})
    partial = client.get(url, {"q": number}, headers={"HX-Request": "true"})
    assert "赵四" in partial.content.decode()
    assert not shows(partial.content.decode(), number)
    assert partial["HX-Push-Url"] == f"{url}?{urlencode({'q': masked})}"


def test_the_masked_number_shown_back_finds_what_the_number_found(cadre_a, people, village_a):
    number = people["赵四"].id_number
    assert found(cadre_a, mask_id_number(number)) == ["赵四"]
    assert found(cadre_a, mask_id_number(number).lower()) == ["赵四"]
    assert found(cadre_a, mask_id_number(number[1:])) == ["赵四"], "a tail of 17 masked"
    assert found(cadre_a, "999999" + mask_id_number(number)[6:]) == []
    assert found(cadre_a, mask_id_number(number)[:-1] + "*") == []


def test_a_long_household_number_is_searched_and_shown_back_masked(client, cadre_a, village_a):
    household = HouseholdFactory(village=village_a, number="5301280010010042")
    PersonFactory(household=household, name="王芳")
    PersonFactory(household=HouseholdFactory(village=village_a, number="5301280010020042"))
    assert found(cadre_a, "5301280010010042") == ["王芳"]
    # Masked, the number is also the other's: what it finds is all it can tell apart.
    assert found(cadre_a, mask_id_number("5301280010010042")) == ["张三", "王芳"]
    client.force_login(cadre_a)
    page = client.get(reverse("registry:household-list"), {"q": "5301280010010042"})
    form = page.content.decode().split("<tbody>")[0]
    assert "5301280010010042" not in form
    assert f'value="{mask_id_number("5301280010010042")}"' in form


@pytest.mark.parametrize("typed", ["0042", "7890123X", "12345678901234", "张三", "zhangsan"])
def test_a_tail_a_name_or_a_short_number_is_shown_back_as_typed(client, cadre_a, people, typed):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:household-list"), {"q": typed}).content.decode()
    assert f'value="{typed}"' in page
    assert query_shown(typed) == typed
