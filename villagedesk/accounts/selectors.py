"""Reads about the signed-in user's areas."""

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area


def assigned_area_list(*, user: User) -> list[Area]:
    """The distinct areas of the user's current assignments, by code."""
    areas = {a.area.code: a.area for a in user.current_assignments()}
    return [areas[code] for code in sorted(areas)]
