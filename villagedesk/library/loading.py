"""The guidance shipped with the product (`content/*.toml`): original articles for each of the
ten steps of the method, in Chinese and English, a few national policy documents, and the tags
they use. Loaded for an area by `manage.py load_guidance` and by the demo; loading again changes
nothing (articles are found by their key, tags by their code)."""

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from villagedesk.areas.models import Area
from villagedesk.library import services
from villagedesk.library.models import Article, Tag

CONTENT = Path(__file__).resolve().parent / "content"
TEXT_FIELDS = (
    "kind",
    "title_zh",
    "body_zh",
    "title_en",
    "body_en",
    "document_number",
    "issuing_body",
)


@dataclass(frozen=True)
class Loaded:
    added: int
    changed: int
    unchanged: int


def shipped_tags() -> list[dict]:
    with (CONTENT / "tags.toml").open("rb") as handle:
        return tomllib.load(handle)["tag"]


def shipped_articles() -> list[dict]:
    """The shipped articles, in the order of their file names."""
    entries = []
    for path in sorted(CONTENT.glob("*.toml")):
        if path.name == "tags.toml":
            continue
        with path.open("rb") as handle:
            entries.append(tomllib.load(handle))
    return entries


def article_values(entry: dict) -> dict:
    values = {field: entry.get(field, "").strip() for field in TEXT_FIELDS}
    values["issued_on"] = entry.get("issued_on")
    values["published_on"] = entry.get("published_on", datetime.date(2026, 1, 1))
    return values


@transaction.atomic
def guidance_load(*, area: Area) -> Loaded:
    """Add or bring up to date the shipped tags and articles for an area (a county or above:
    the articles are wide). An article whose text, steps, policies and tags are as shipped is
    left alone, so no history row is written for it."""
    tags = {}
    for tag in shipped_tags():
        tags[tag["code"]], _ = Tag.objects.update_or_create(
            code=tag["code"], defaults={"name_zh": tag["zh"], "name_en": tag["en"]}
        )
    existing = {
        article.key: article
        for article in Article.objects.filter(area=area)
        .exclude(key="")
        .prefetch_related("steps", "policies", "tags")
    }
    added = changed = unchanged = 0
    for entry in shipped_articles():
        values = article_values(entry)
        steps = sorted(entry.get("steps", []))
        policy_keys = sorted(entry.get("policies", []))
        article_tags = [tags[code] for code in entry.get("tags", [])]
        article = existing.get(entry["key"])
        if article is not None and (
            all(getattr(article, field) == value for field, value in values.items())
            and sorted(s.step for s in article.steps.all()) == steps
            and sorted(p.policy_key for p in article.policies.all()) == policy_keys
            and {t.pk for t in article.tags.all()} == {t.pk for t in article_tags}
        ):
            unchanged += 1
            continue
        if article is None:
            article = Article(area=area, key=entry["key"])
            added += 1
        else:
            changed += 1
        for field, value in values.items():
            setattr(article, field, value)
        services.article_save(
            by=None, article=article, steps=steps, policy_keys=policy_keys, tags=article_tags
        )
    return Loaded(added=added, changed=changed, unchanged=unchanged)
