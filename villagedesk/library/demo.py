"""The library of the demo county: the shipped guidance, as the county's articles."""

from villagedesk.areas.models import Area
from villagedesk.library.loading import guidance_load


def library_demo_create(*, county: Area) -> int:
    """Load the shipped guidance for the county; return the articles added."""
    return guidance_load(area=county).added
