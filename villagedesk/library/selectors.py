"""Scoped reads of the library: a wide article is read by everyone working under its area, a
village's notice only by those who see the village (`ArticleQuerySet.visible_to`)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.library import search
from villagedesk.library.models import (
    WIDE_LEVELS,
    Article,
    ArticleKind,
    ArticleTerm,
    Attachment,
    Tag,
    codes_above,
)

# A shared tag weighs as much as this many shared words (docs/library.md, "Related articles").
TAG_WEIGHT = 5
RELATED_COUNT = 6


@dataclass(frozen=True)
class ArticleFilters:
    q: str = ""
    kind: str = ""
    tag: str = ""
    step: int | None = None
    policy: str = ""


def article_list(*, user: User, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """Articles the user sees, newest first (then the later written), narrowed by the filters:
    the words of `q` (every one), a kind, a tag's code, a step, a policy's code."""
    filters = filters or ArticleFilters()
    articles = Article.objects.visible_to(user)
    if filters.kind:
        articles = articles.filter(kind=filters.kind)
    if filters.tag:
        articles = articles.filter(tags__code=filters.tag)
    if filters.step:
        articles = articles.filter(steps__step=filters.step)
    if filters.policy:
        articles = articles.filter(policies__policy_key=filters.policy)
    if filters.q.strip():
        articles = search.matching(articles, filters.q)
    return articles.select_related("area").order_by("-published_on", "-id")


def article_get(*, user: User, pk) -> Article:
    """One article the user sees; 404 otherwise (a notice of another village included)."""
    return get_visible_or_404(Article.objects.select_related("area"), user=user, pk=pk)


def article_steps(*, article: Article) -> list[int]:
    return list(article.steps.order_by("step").values_list("step", flat=True))


def article_policy_keys(*, article: Article) -> list[str]:
    return list(article.policies.order_by("policy_key").values_list("policy_key", flat=True))


def related_articles(*, user: User, article: Article, count: int = RELATED_COUNT) -> list[Article]:
    """The articles the user sees that share most with this one, best first.

    Score = TAG_WEIGHT × shared tags + shared significant words (`ArticleTerm`, each word once
    per article); an article sharing nothing is not related. Ties go to the newer article, then
    to the one written first (lower id). Counted in the database in one query.
    """
    own_terms = ArticleTerm.objects.filter(article=article).values("term")
    own_tags = Article.tags.through.objects.filter(article=article).values("tag")
    shared_terms = (
        ArticleTerm.objects.filter(article=OuterRef("pk"), term__in=own_terms)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    shared_tags = (
        Article.tags.through.objects.filter(article=OuterRef("pk"), tag__in=own_tags)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return list(
        Article.objects.visible_to(user)
        .exclude(pk=article.pk)
        .annotate(
            shared_terms=Coalesce(Subquery(shared_terms, output_field=IntegerField()), zero),
            shared_tags=Coalesce(Subquery(shared_tags, output_field=IntegerField()), zero),
        )
        .annotate(score=F("shared_tags") * TAG_WEIGHT + F("shared_terms"))
        .filter(score__gt=0)
        .order_by("-score", "-published_on", "id")[:count]
    )


KIND_ORDER = {ArticleKind.GUIDANCE: 0, ArticleKind.NOTICE: 1, ArticleKind.POLICY: 2}


def _for_area(user: User, area_code: str) -> QuerySet[Article]:
    """The articles that apply to an area (its own notices and the wide articles of the county,
    city and province above it), among those the user sees, with their order within a step."""
    applies = Q(area_code__in=codes_above(area_code)) | Q(area_code=area_code)
    return (
        Article.objects.visible_to(user)
        .filter(applies)
        .annotate(
            kind_order=Case(
                *(When(kind=kind, then=Value(rank)) for kind, rank in KIND_ORDER.items()),
                output_field=IntegerField(),
            )
        )
    )


def articles_for_step(*, user: User, area_code: str, step: int) -> QuerySet[Article]:
    """The articles for one step of the method that apply to an area, among those the user
    sees: guidance first, then local notices, then policy documents, newest first within each."""
    return (
        _for_area(user, area_code)
        .filter(steps__step=step)
        .order_by("kind_order", "-published_on", "-id")
    )


def articles_by_step(*, user: User, area_code: str) -> dict[int, list[Article]]:
    """`articles_for_step` of every step at once, in one query: each step's articles in the same
    order (an article that serves several steps is listed under each)."""
    found: dict[int, list[Article]] = defaultdict(list)
    rows = (
        _for_area(user, area_code)
        .annotate(step=F("steps__step"))
        .filter(step__isnull=False)
        .order_by("step", "kind_order", "-published_on", "-id")
    )
    for article in rows:
        found[article.step].append(article)
    return dict(found)


def articles_for_policy(*, user: User, policy_key: str) -> QuerySet[Article]:
    """The articles the user sees that concern a policy (by the welfare catalogue's code):
    policy documents first, then the rest, newest first."""
    return (
        Article.objects.visible_to(user)
        .filter(policies__policy_key=policy_key)
        .order_by("-kind", "-published_on", "-id")
    )


def attachment_list(*, article: Article) -> QuerySet[Attachment]:
    """The files of an article already fetched through `article_get`."""
    return article.attachments.all()


def attachment_get(*, user: User, pk) -> Attachment:
    """One attachment of an article the user sees; 404 otherwise."""
    try:
        attachment = (
            Attachment.objects.filter(pk=pk, article__in=Article.objects.visible_to(user))
            .select_related("article")
            .first()
        )
    except ValueError:
        raise Http404 from None
    if attachment is None:
        raise Http404
    return attachment


def tag_list(*, user: User) -> QuerySet[Tag]:
    """The tags of the articles the user sees."""
    used = Article.tags.through.objects.filter(article__in=Article.objects.visible_to(user))
    return Tag.objects.filter(pk__in=used.values("tag")).order_by("code")


def publishing_areas(*, user: User) -> QuerySet[Area]:
    """The areas the user may publish for: each county (or area above) and each village where
    the user holds `publish_guidance`."""
    return (
        Area.objects.within(permissions.prefixes(user, Capability.PUBLISH_GUIDANCE))
        .filter(level__in=[*WIDE_LEVELS, Level.VILLAGE])
        .order_by("code")
    )


def may_publish(*, user: User, article: Article | None = None) -> bool:
    """Whether the user may write this article (or, without one, some article)."""
    if article is None:
        return permissions.holds_anywhere(user, Capability.PUBLISH_GUIDANCE)
    return permissions.holds(user, Capability.PUBLISH_GUIDANCE, article.area_code)
