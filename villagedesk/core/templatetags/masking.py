from django import template

from villagedesk.core.masking import query_masked

register = template.Library()


@register.filter
def path_shown(request):
    """The page's path and query, as a form sends it back to the page: what was typed in its
    search box as the page shows it (`core.masking.query_shown`)."""
    if not hasattr(request, "GET"):  # a page rendered without its request
        return ""
    shown = query_masked(request.GET)
    return f"{request.path}?{shown.urlencode()}" if shown else request.path
