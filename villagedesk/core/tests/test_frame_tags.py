"""The frame's template tags that keep what they make: kept apart by language and script prefix."""

import json

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
