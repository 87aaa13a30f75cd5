"""Error pages are the product's own: its layout, the user's language, a way back home."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

LAYOUT = 'class="topbar"'
HOME = 'href="/"'


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Page not found"), ("zh-hans", "页面不存在")],
)
def test_an_unknown_address_answers_in_the_layout_and_language(client, cadre_a, language, heading):
    client.force_login(cadre_a)
    response = client.get("/registry/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in page and HOME in page and heading in page
    assert 'name="viewport"' in page


def test_a_household_outside_ones_areas_is_the_same_404_page(client, cadre_a, village_b):
    from villagedesk.registry.tests.factories import HouseholdFactory

    elsewhere = HouseholdFactory(village=village_b)
    client.force_login(cadre_a)
    response = client.get(reverse("registry:household-detail", args=[elsewhere.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Not allowed"), ("zh-hans", "无权操作")],
)
def test_a_refused_page_answers_in_the_layout_and_language(client, cadre_a, language, heading):
    client.force_login(cadre_a)
    response = client.get(reverse("welfare:parameter-list"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and heading in page


def test_a_form_sent_without_its_token_asks_to_send_it_again(cadre_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cadre_a)
    response = browser.post(reverse("accounts:password-change"), {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "请重新提交表单" in page
    assert "CSRF verification failed" not in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Something went wrong"), ("zh-hans", "出错了")],
)
def test_a_server_error_page_needs_nothing_from_the_request(language, heading):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT in page and HOME in page and heading in page
    assert "Traceback" not in page
