import datetime

from villagedesk.library import services
from villagedesk.library.models import Article, ArticleKind


def article_make(
    area,
    *,
    title_zh="",
    body_zh="",
    title_en="",
    body_en="",
    kind=ArticleKind.GUIDANCE,
    steps=(),
    policy_keys=(),
    tags=(),
    published_on=datetime.date(2026, 1, 1),
    **fields,
) -> Article:
    """An article written through the service (so that it is indexed), by no user."""
    article = Article(
        area=area,
        kind=kind,
        title_zh=title_zh,
        body_zh=body_zh or title_zh,
        title_en=title_en,
        body_en=body_en or title_en,
        published_on=published_on,
        **fields,
    )
    return services.article_save(
        by=None,
        article=article,
        steps=list(steps),
        policy_keys=list(policy_keys),
        tags=list(tags),
    )
