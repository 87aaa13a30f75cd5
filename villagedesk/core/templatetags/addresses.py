"""Addresses of pages that take no arguments, reversed once per process.

The frame of every page (base.html: its menu, its forms, its manifest) names some thirty pages,
and `{% url %}` reverses each again at every request: a twentieth of the CPU of the lightest
page (docs/performance.md, the fixed cost of a request). Such an address depends only on the
URLconf and the script prefix the site is served under.
"""

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a page that takes no arguments, named by a literal string."""
    return reversed_once(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@cache
def reversed_once(name: str, urlconf: str, script_prefix: str) -> str:
    """The address of the page in this URLconf under the script prefix now in force."""
    return reverse(name, urlconf=urlconf)
