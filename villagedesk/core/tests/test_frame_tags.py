"""The frame's template tags that keep what they make: kept apart by language and script prefix."""

import json

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation

from villagedesk.core.templatetags.offline import offline_words


def rendered(text: str) -> str:
    return Template("{% load addresses offline %}" + text).render(Context())


def words_sent(page: str) -> dict[str, str]:
    start = page.index(">") + 1
    return json.loads(page[start : page.index("</script>")])


def test_the_offline_words_are_in_the_language_of_each_page():
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            assert words_sent(rendered("{% offline_words_script %}")) == offline_words()
    with translation.override("en"):
        english = rendered("{% offline_words_script %}")
    with translation.override("zh-hans"):
        assert rendered("{% offline_words_script %}") != english


def test_a_fixed_address_follows_the_script_prefix_the_site_is_served_under():
    assert rendered("{% fixed_url 'reports:home' %}") == reverse("reports:home") == "/"
    try:
        set_script_prefix("/villagedesk/")
        assert rendered("{% fixed_url 'accounts:logout' %}") == reverse("accounts:logout")
        assert rendered("{% fixed_url 'reports:home' %}") == "/villagedesk/"
    finally:
        set_script_prefix("/")
    assert rendered("{% fixed_url 'reports:home' %}") == "/"


def test_an_address_of_one_row_is_the_one_reverse_gives_for_each_id_and_prefix():
    for pk in (1, 7, 42, 2**63 - 1):
        expected = reverse("registry:household-detail", args=[pk])
        assert rendered(f"{{% id_url 'registry:household-detail' {pk} %}}") == expected
    visits = rendered("{% id_url 'fieldwork:household-visits' 3 %}")
    assert visits == "/fieldwork/households/3/visits/"
    try:
        set_script_prefix("/villagedesk/")
        assert rendered("{% id_url 'registry:household-detail' 9 %}") == (
            "/villagedesk/registry/households/9/"
        )
    finally:
        set_script_prefix("/")
    assert rendered("{% id_url 'registry:household-detail' 9 %}") == "/registry/households/9/"


def test_an_address_of_one_row_takes_only_a_whole_number():
    with pytest.raises(ValueError):
        rendered("{% id_url 'registry:household-detail' '9/../../admin' %}")


def test_an_address_of_one_area_is_the_one_reverse_gives_for_each_code_and_prefix():
    for code in ("534021101201", "534021", "000123", "5"):
        expected = reverse("reports:village-glance", args=[code])
        assert rendered(f"{{% code_url 'reports:village-glance' '{code}' %}}") == expected
    assert rendered("{% code_url 'reports:village-glance' '000123' %}") == (
        "/reports/villages/000123/"
    )
    try:
        set_script_prefix("/villagedesk/")
        assert rendered("{% code_url 'reports:village-glance' '534021101201' %}") == (
            "/villagedesk/reports/villages/534021101201/"
        )
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("code", ["53/../admin", "５３４０", "534021 ", "", "a1"])
def test_an_address_of_one_area_takes_only_digits(code):
    with pytest.raises(ValueError):
        rendered(f"{{% code_url 'reports:village-glance' '{code}' %}}")


def test_an_address_of_one_area_takes_a_code_as_text_not_a_number():
    with pytest.raises(ValueError):
        rendered("{% code_url 'reports:village-glance' 534021 %}")
