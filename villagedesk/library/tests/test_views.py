"""The library's pages: who may publish (`publish_guidance`), forms that keep what was typed,
a form sent twice, files attached through the page, text shown escaped, the filters."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from conftest import make_user
from villagedesk.accounts.models import Role
from villagedesk.core.concurrency import form_token_new
from villagedesk.library.models import Article, ArticleStep, Attachment
from villagedesk.library.selectors import articles_for_step
from villagedesk.library.tests.factories import article_make
from villagedesk.library.tests.test_attachments import EXE, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_supervisor(township):
    return make_user("township_supervisor", Role.TOWNSHIP_SUPERVISOR, township)


def article_data(area, **changes):
    data = {
        "area": area.pk,
        "kind": "guidance",
        "title_zh": "村务公开怎么做",
        "body_zh": "每季度公开一次财务。",
        "title_en": "",
        "body_en": "",
        "document_number": "",
        "issuing_body": "",
        "issued_on": "",
        "published_on": "2026-02-01",
        "steps": ["7"],
        "policy_keys": "",
    }
    data.update(changes)
    return data


def test_a_county_supervisor_publishes_a_county_article(client, county, county_supervisor):
    client.force_login(county_supervisor)
    response = client.post(
        reverse("library:article-create"),
        article_data(county, policy_keys="dibao, tekun"),
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert article.area == county
    assert sorted(article.policies.values_list("policy_key", flat=True)) == ["dibao", "tekun"]
    assert list(article.steps.values_list("step", flat=True)) == [7]
    assert article.history.get().history_user == county_supervisor


@pytest.mark.parametrize("role", [Role.CADRE, Role.VILLAGE_COMMITTEE])
def test_the_village_team_does_not_publish(client, village_a, county, role):
    """Publishing is `publish_guidance`, held by supervisors and administrators only."""
    user = make_user("someone", role, village_a)
    client.force_login(user)
    assert client.get(reverse("library:article-create")).status_code == 403
    response = client.post(reverse("library:article-create"), article_data(village_a))
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_a_township_supervisor_publishes_for_its_villages_but_not_the_county(
    client, county, village_a, township_supervisor
):
    client.force_login(township_supervisor)
    response = client.post(reverse("library:article-create"), article_data(county))
    assert response.status_code == 200  # the county is not among the choices
    assert "area" in response.context["form"].errors
    response = client.post(reverse("library:article-create"), article_data(village_a))
    assert response.status_code == 302
    assert Article.objects.get().area == village_a


def test_nobody_edits_an_article_of_an_area_they_do_not_publish_for(
    client, county, township_supervisor
):
    article = article_make(county, title_zh="县里的指引")
    client.force_login(township_supervisor)
    assert client.get(reverse("library:article-edit", args=[article.pk])).status_code == 403
    response = client.post(reverse("library:article-edit", args=[article.pk]), article_data(county))
    assert response.status_code == 403
    assert Article.objects.get().title_zh == "县里的指引"


def test_a_form_with_an_error_keeps_what_was_typed(client, county, county_supervisor):
    client.force_login(county_supervisor)
    response = client.post(
        reverse("library:article-create"),
        article_data(county, kind="policy", title_zh="低保政策说明", steps=["3", "8"]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"document_number", "issuing_body", "issued_on"} <= set(errors)
    html = response.content.decode()
    assert 'value="低保政策说明"' in html
    assert re.search(r'value="8"[^>]*checked', html)
    assert not Article.objects.exists()


def test_a_policy_code_of_another_shape_is_refused(client, county, county_supervisor):
    client.force_login(county_supervisor)
    response = client.post(
        reverse("library:article-create"), article_data(county, policy_keys="dibao DROP;")
    )
    assert response.status_code == 200
    assert "policy_keys" in response.context["form"].errors


def test_a_form_sent_twice_adds_one_article(client, county, county_supervisor):
    client.force_login(county_supervisor)
    data = article_data(county, form_token=form_token_new())
    first = client.post(reverse("library:article-create"), data)
    second = client.post(reverse("library:article-create"), data)
    assert first.status_code == 302
    assert second.status_code == 302
    assert Article.objects.count() == 1
    assert second["Location"] == Article.objects.get().get_absolute_url()


def test_an_edit_from_a_stale_version_is_refused(client, county, county_supervisor):
    article = article_make(county, title_zh="旧标题")
    client.force_login(county_supervisor)
    url = reverse("library:article-edit", args=[article.pk])
    client.post(url, article_data(county, title_zh="第一次", version="1"))
    response = client.post(url, article_data(county, title_zh="第二次", version="1"))
    assert response.status_code == 200
    assert Article.objects.get().title_zh == "第一次"


def test_an_edit_reindexes_and_keeps_the_steps_given(client, county, county_supervisor):
    article = article_make(county, title_zh="旧标题", steps=[1, 2])
    client.force_login(county_supervisor)
    response = client.post(
        reverse("library:article-edit", args=[article.pk]),
        article_data(county, title_zh="新标题", body_zh="关于留守儿童的关爱。", steps=["8"]),
    )
    assert response.status_code == 302
    assert list(ArticleStep.objects.values_list("step", flat=True)) == [8]
    found = client.get(reverse("library:article-list"), {"q": "留守"}).context["page"]
    assert [a.pk for a in found] == [article.pk]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_publisher_attaches_a_pdf_and_a_reader_downloads_it(
    client, media, county, county_supervisor, cadre_a
):
    article = article_make(county, title_zh="附件测试")
    client.force_login(county_supervisor)
    upload = SimpleUploadedFile("低保 办法.pdf", PDF, content_type="text/html")
    response = client.post(reverse("library:attachment-add", args=[article.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    assert "低保" not in attachment.file.name
    client.force_login(cadre_a)
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%E4%BD%8E%E4%BF%9D%20%E5%8A%9E%E6%B3%95.pdf"
        in (download["Content-Disposition"])
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_program_renamed_pdf_is_refused_with_a_message(client, media, county, county_supervisor):
    article = article_make(county, title_zh="附件测试")
    client.force_login(county_supervisor)
    response = client.post(
        reverse("library:attachment-add", args=[article.pk]),
        {"file": SimpleUploadedFile("setup.pdf", EXE)},
    )
    assert response.status_code == 200
    assert response.context["attachment_form"].errors
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_a_reader_may_not_attach(client, media, county, cadre_a):
    article = article_make(county, title_zh="附件测试")
    client.force_login(cadre_a)
    response = client.post(
        reverse("library:attachment-add", args=[article.pk]),
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_an_attachment_sent_twice_is_attached_once(client, media, county, county_supervisor):
    article = article_make(county, title_zh="附件测试")
    client.force_login(county_supervisor)
    token = form_token_new()
    url = reverse("library:attachment-add", args=[article.pk])
    for _ in range(2):
        client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF), "form_token": token})
    assert Attachment.objects.count() == 1


def test_the_article_text_is_shown_escaped(client, county, county_supervisor):
    article = article_make(
        county,
        title_zh="<b>标题</b>",
        body_zh='## 要点\n- <script>alert("x")</script>\n- 第二条\n\n<img src=x onerror=alert(1)>',
    )
    client.force_login(county_supervisor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "<h2>要点</h2>" in html and "<li>第二条</li>" in html


def test_the_article_page_shows_its_related_articles(client, county, county_supervisor):
    article = article_make(county, title_en="Dibao checks", body_en="dibao income checks")
    related = article_make(county, title_en="Income", body_en="income checks of households")
    client.force_login(county_supervisor)
    response = client.get(article.get_absolute_url())
    assert response.context["related"] == [related]
    assert related.get_absolute_url() in response.content.decode()


def test_the_list_filters_by_kind_step_tag_and_words(client, county, county_supervisor):
    guidance = article_make(county, title_zh="走访指引", steps=[4])
    article_make(
        county,
        title_zh="文件",
        kind="policy",
        document_number="X〔2021〕1号",
        issuing_body="民政部",
        issued_on=datetime.date(2021, 1, 1),
        steps=[8],
    )
    client.force_login(county_supervisor)
    url = reverse("library:article-list")
    assert [a.pk for a in client.get(url, {"step": "4"}).context["page"]] == [guidance.pk]
    assert [a.pk for a in client.get(url, {"kind": "guidance"}).context["page"]] == [guidance.pk]
    assert len(client.get(url, {"step": "99", "kind": "bogus", "page": "x"}).context["page"]) == 2
    assert [a.pk for a in client.get(url, {"q": "走访"}).context["page"]] == [guidance.pk]
    assert not client.get(url, {"q": "拖拉机"}).context["page"]


def test_the_step_template_lists_the_step_articles(county, village_a, cadre_a):
    """What the playbook includes on a step's page."""
    article = article_make(county, title_zh="第四步指引", steps=[4])
    articles = articles_for_step(user=cadre_a, area_code=village_a.code, step=4)
    html = render_to_string("library/_step_articles.html", {"articles": articles, "step": 4})
    assert article.get_absolute_url() in html
    empty = render_to_string("library/_step_articles.html", {"articles": [], "step": 5})
    assert "href" not in empty


def test_load_guidance_is_idempotent_and_covers_every_step(county, capsys):
    call_command("load_guidance", "--area", county.code)
    first = {a.key: a.version for a in Article.objects.all()}
    call_command("load_guidance", "--area", county.code)
    assert {a.key: a.version for a in Article.objects.all()} == first
    assert "0 added, 0 changed" in capsys.readouterr().out
    steps = set(ArticleStep.objects.filter(article__kind="guidance").values_list("step", flat=True))
    assert steps == set(range(1, 11))
    for article in Article.objects.filter(kind="guidance"):
        assert article.title_zh and article.title_en and article.body_zh and article.body_en
    assert Article.objects.filter(kind="policy", document_number="民发〔2021〕57号").exists()


def test_load_guidance_refuses_a_village(village_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_guidance", "--area", village_a.code)


def test_the_welfare_rule_page_lists_the_policy_articles(client, county, county_supervisor):
    from villagedesk.welfare.models import Policy

    Policy.objects.get_or_create(
        code="dibao", defaults={"name_zh": "低保", "name_en": "Dibao", "category": "assistance"}
    )
    article = article_make(county, title_zh="低保指引", policy_keys=["dibao"])
    client.force_login(county_supervisor)
    response = client.get(reverse("welfare:rule-edit", args=["dibao"]))
    assert article.get_absolute_url() in response.content.decode()


def test_an_identity_number_typed_in_the_search_is_shown_masked(client, county, cadre_a):
    client.force_login(cadre_a)
    response = client.get(reverse("library:article-list"), {"q": "53012819730814001X"})
    html = response.content.decode()
    assert "53012819730814001X" not in html
    assert "530128********001X" in html
