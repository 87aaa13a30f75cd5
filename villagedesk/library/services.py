"""Writes of the library. Only those who hold `publish_guidance` over an article's area write
it: a county's supervisors (and those above) its wide articles, a township's or county's
supervisors the notices of their villages. Every write keeps the search index and the related
words in step in the same transaction, and names its author in the history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.core.saving import validated_save
from villagedesk.library import search
from villagedesk.library.attachments import attachment_checked
from villagedesk.library.models import (
    STEPS,
    Article,
    ArticlePolicy,
    ArticleStep,
    ArticleTerm,
    Attachment,
    Tag,
    key_validator,
)
from villagedesk.library.segmenting import significant, terms

# An article has at most this many attachments.
MAX_ATTACHMENTS = 20


def article_words(article: Article) -> list[str]:
    """Every word of the article's titles and texts, both languages."""
    return terms("\n".join([article.title_zh, article.body_zh, article.title_en, article.body_en]))


@transaction.atomic
def article_save(
    *,
    by: User | None,
    article: Article,
    steps: list[int] | None = None,
    policy_keys: list[str] | None = None,
    tags: list[Tag] | None = None,
) -> Article:
    """Add or update an article of an area where the user publishes (None for the shipped
    articles loaded by `load_guidance`), with its steps, policies and tags (None keeps them),
    and index its words."""
    if by is not None:
        permissions.require(by, Capability.PUBLISH_GUIDANCE, article.area.code)
        if article.pk:
            kept = Article.objects.filter(pk=article.pk).values_list("area_code", flat=True)
            permissions.require(by, Capability.PUBLISH_GUIDANCE, kept.first() or "")
    if steps is not None and any(step not in STEPS for step in steps):
        raise ValidationError({"steps": _("The method has ten steps, numbered 1 to 10.")})
    if policy_keys is not None:
        for key in policy_keys:
            key_validator(key)
    words = article_words(article)
    article.terms = " ".join(words)
    validated_save(article, by=by)
    search.index_write(article_id=article.pk, words=article.terms)
    ArticleTerm.objects.filter(article=article).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article=article, term=term) for term in sorted(significant(words))
    )
    if steps is not None:
        article.steps.all().delete()
        ArticleStep.objects.bulk_create(
            ArticleStep(article=article, step=step) for step in sorted(set(steps))
        )
    if policy_keys is not None:
        article.policies.all().delete()
        ArticlePolicy.objects.bulk_create(
            ArticlePolicy(article=article, policy_key=key) for key in sorted(set(policy_keys))
        )
    if tags is not None:
        article.tags.set(tags)
    return article


@transaction.atomic
def attachment_add(*, by: User, article: Article, upload) -> Attachment:
    """Attach a PDF or .docx to an article the user publishes; the file is checked by its
    content (`attachments.attachment_checked`)."""
    permissions.require(by, Capability.PUBLISH_GUIDANCE, article.area_code)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("An article has at most %(n)s attached files.") % {"n": MAX_ATTACHMENTS}
        )
    content, kind, name = attachment_checked(upload)
    attachment = Attachment(article=locked, name=name, kind=kind, size=content.size, added_by=by)
    attachment.file.save(content.name, content, save=False)
    try:
        validated_save(attachment, by=by)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
