from django import template

from villagedesk.library.rendering import article_html

register = template.Library()


@register.filter
def article_text(text: str):
    """An article's plain text as escaped paragraphs, lists and headings."""
    return article_html(text or "")
