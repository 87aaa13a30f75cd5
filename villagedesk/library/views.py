"""Pages of the guidance library: the list with its search, an article with its related
articles, the forms of those who publish, and attached files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.core.concurrency import saved_once
from villagedesk.core.converters import number_or_none
from villagedesk.core.forms import form_with_service_errors
from villagedesk.core.masking import query_masked
from villagedesk.library import selectors, services
from villagedesk.library.attachments import attachment_response
from villagedesk.library.forms import ArticleForm, AttachmentForm, step_choices
from villagedesk.library.models import STEPS, Article, ArticleKind, Tag

PAGE_SIZE = 20


@login_required
def article_list(request):
    step = number_or_none(request.GET.get("step"))
    filters = selectors.ArticleFilters(
        q=request.GET.get("q", "")[:200],
        kind=request.GET.get("kind", "") if request.GET.get("kind") in ArticleKind.values else "",
        tag=request.GET.get("tag", "")[:50],
        step=step if step in STEPS else None,
        policy=request.GET.get("policy", "")[:50],
    )
    articles = selectors.article_list(user=request.user, filters=filters)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    # What was typed is shown back with an identity number masked, as every search box does.
    query = query_masked(request.GET)
    query.pop("page", None)
    return render(
        request,
        "library/article_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "q_shown": query.get("q", ""),
            "kinds": ArticleKind.choices,
            "tags": selectors.tag_list(user=request.user),
            "steps": step_choices(),
            "may_publish": selectors.may_publish(user=request.user),
        },
    )


@login_required
def article_detail(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    return render(
        request,
        "library/article_detail.html",
        {
            "article": article,
            "tags": article.tags.all(),
            "steps": selectors.article_steps(article=article),
            "attachments": selectors.attachment_list(article=article),
            "related": selectors.related_articles(user=request.user, article=article),
            "may_publish": selectors.may_publish(user=request.user, article=article),
            "attachment_form": AttachmentForm(),
        },
    )


def article_form(request, article: Article, *, create: bool):
    areas = selectors.publishing_areas(user=request.user)
    if not areas.exists():
        raise PermissionDenied
    form = ArticleForm(
        request.POST or None,
        instance=article,
        areas=areas,
        tags=Tag.objects.all(),
        steps=[] if create else selectors.article_steps(article=article),
        policy_keys=[] if create else selectors.article_policy_keys(article=article),
        initial={"area": areas.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                saved = services.article_save(
                    by=request.user,
                    article=form.instance,
                    steps=form.cleaned_data["steps"],
                    policy_keys=form.cleaned_data["policy_keys"],
                    tags=list(form.cleaned_data["tags"]),
                )
                receipt.leads_to(saved)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(
        request,
        "library/article_form.html",
        {
            "form": form,
            "article": None if create else article,
            "heading": _("New article") if create else article.title,
        },
    )


@login_required
def article_create(request):
    return article_form(request, Article(), create=True)


@login_required
def article_edit(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    if not selectors.may_publish(user=request.user, article=article):
        raise PermissionDenied
    return article_form(request, article, create=False)


@login_required
@require_POST
def attachment_add(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    if not selectors.may_publish(user=request.user, article=article):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.attachment_add(
                    by=request.user, article=article, upload=form.cleaned_data["file"]
                )
                receipt.leads_to(article)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(article)
    return render(
        request,
        "library/attachment_form.html",
        {"article": article, "attachment_form": form},
    )


@login_required
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return attachment_response(attachment)
