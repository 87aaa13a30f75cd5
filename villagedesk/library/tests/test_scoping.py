"""Who reads which article: a county's article in each of its villages, a village's notice only
by those who see that village (404 elsewhere, like an unknown id), and its files likewise."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from villagedesk.accounts.models import Role
from villagedesk.areas.models import Area, Level
from villagedesk.library import services
from villagedesk.library.selectors import (
    article_list,
    articles_by_step,
    articles_for_policy,
    articles_for_step,
)
from villagedesk.library.tests.factories import article_make
from villagedesk.library.tests.test_attachments import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(county, village_a, village_b):
    province = county.parent.parent
    other_county = Area.objects.create(
        code="530129000000", level=Level.COUNTY, name="寻甸县", parent=county.parent
    )
    return {
        "province": article_make(province, title_en="Province", steps=[4]),
        "county": article_make(county, title_en="County", steps=[4], policy_keys=["dibao"]),
        "other_county": article_make(other_county, title_en="Other county", steps=[4]),
        "a": article_make(village_a, title_en="Notice A", kind="notice", steps=[4]),
        "b": article_make(
            village_b, title_en="Notice B", kind="notice", steps=[4], policy_keys=["dibao"]
        ),
    }


def names(articles, found):
    by_pk = {article.pk: name for name, article in articles.items()}
    return {by_pk[article.pk] for article in found}


def test_a_cadre_reads_the_wide_articles_above_and_the_notices_of_the_village(articles, cadre_a):
    assert names(articles, article_list(user=cadre_a)) == {"province", "county", "a"}


def test_a_county_supervisor_reads_every_notice_of_the_county(articles, county_supervisor):
    assert names(articles, article_list(user=county_supervisor)) == {
        "province",
        "county",
        "a",
        "b",
    }


def test_a_notice_of_another_village_is_not_found(client, articles, cadre_a):
    client.force_login(cadre_a)
    assert client.get(articles["a"].get_absolute_url()).status_code == 200
    assert client.get(articles["county"].get_absolute_url()).status_code == 200
    assert client.get(articles["b"].get_absolute_url()).status_code == 404
    assert client.get(articles["other_county"].get_absolute_url()).status_code == 404
    assert client.get(reverse("library:article-detail", args=[10**18])).status_code == 404


def test_a_file_of_another_villages_notice_is_not_found(
    client, articles, cadre_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    supervisor = make_publisher(articles["b"].area.parent)
    upload = SimpleUploadedFile("b.pdf", PDF)
    theirs = services.attachment_add(by=supervisor, article=articles["b"], upload=upload)
    ours = services.attachment_add(
        by=supervisor, article=articles["a"], upload=SimpleUploadedFile("a.pdf", PDF)
    )
    client.force_login(cadre_a)
    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


def make_publisher(township):
    return make_user("township_supervisor", Role.TOWNSHIP_SUPERVISOR, township)


def test_articles_for_a_step_are_those_of_the_area_and_above(articles, county_supervisor):
    """The playbook's link: a village's step shows its own notices and the wide articles above
    it, never another village's, even to a supervisor who sees both."""
    village_a = articles["a"].area
    found = articles_for_step(user=county_supervisor, area_code=village_a.code, step=4)
    assert names(articles, found) == {"province", "county", "a"}
    assert not articles_for_step(user=county_supervisor, area_code=village_a.code, step=5)


def test_articles_for_a_step_put_guidance_before_notices(articles, county_supervisor):
    found = list(
        articles_for_step(user=county_supervisor, area_code=articles["a"].area.code, step=4)
    )
    assert [a.kind for a in found] == ["guidance", "guidance", "notice"]


def test_articles_of_every_step_at_once_are_each_steps_own(
    articles, county_supervisor, village_a, django_assert_num_queries
):
    """The playbook reads all ten steps in the queries of one, each step's list as
    `articles_for_step` gives it (an article of two steps under both)."""
    articles["two"] = article_make(village_a.parent.parent, title_en="Two steps", steps=[4, 6])
    county_supervisor.area_prefixes()
    with CaptureQueriesContext(connection) as one_step:
        list(articles_for_step(user=county_supervisor, area_code=village_a.code, step=4))
    with django_assert_num_queries(len(one_step)):
        found = articles_by_step(user=county_supervisor, area_code=village_a.code)
    assert sorted(found) == [4, 6]
    for step in range(1, 11):
        alone = articles_for_step(user=county_supervisor, area_code=village_a.code, step=step)
        assert [a.pk for a in found.get(step, [])] == [a.pk for a in alone]
    assert names(articles, found[6]) == {"two"}


def test_articles_for_a_policy_are_those_the_user_sees(articles, cadre_a, county_supervisor):
    assert names(articles, articles_for_policy(user=cadre_a, policy_key="dibao")) == {"county"}
    assert names(articles, articles_for_policy(user=county_supervisor, policy_key="dibao")) == {
        "county",
        "b",
    }
