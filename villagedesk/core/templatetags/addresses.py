"""Addresses of pages reversed once per process.

The frame of every page (base.html: its menu, its forms, its manifest) names some thirty pages,
and `{% url %}` reverses each again at every request: a twentieth of the CPU of the lightest
page (docs/performance.md, the fixed cost of a request). A list names a few pages for each of
its rows. Such an address depends only on the URLconf, the script prefix the site is served
under and, for a page of one row, the row's id.
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


@register.simple_tag
def id_url(name: str, pk) -> str:
    """`{% url name pk %}` for a page that takes one row id, named by a literal string."""
    before, after = around_one_argument(name)
    return f"{before}{int(pk)}{after}"


@register.simple_tag
def code_url(name: str, code: str) -> str:
    """`{% url name code %}` for a page that takes one area code (digits only), named by a
    literal string."""
    if not (isinstance(code, str) and code.isascii() and code.isdigit()):
        raise ValueError(f"{code!r} is not an area code")
    before, after = around_one_argument(name)
    return f"{before}{code}{after}"


def around_one_argument(name: str) -> tuple[str, str]:
    """The address of a page of one argument before and after it, in the URLconf and under the
    script prefix of this request."""
    return reversed_around_an_id(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


# An id no row has, that no address holds otherwise: the address reversed with it is cut there.
PLACEHOLDER_ID = 987654321987654321


@cache
def reversed_around_an_id(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    """The address of the page before and after the row id (or area code), in this URLconf
    under the script prefix now in force."""
    address = reverse(name, args=[PLACEHOLDER_ID], urlconf=urlconf)
    before, _, after = address.partition(str(PLACEHOLDER_ID))
    if str(PLACEHOLDER_ID) in after:
        raise ValueError(f"{name} takes more than one id")
    return before, after


@cache
def reversed_once(name: str, urlconf: str, script_prefix: str) -> str:
    """The address of the page in this URLconf under the script prefix now in force."""
    return reverse(name, urlconf=urlconf)
