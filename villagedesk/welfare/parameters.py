"""Local figures by area: the one lookup of a parameter for an area and a year.

A parameter (the subsistence standard, the poverty line, the days of public notice…) is set for
an area and a year, and an area takes the value set for the most specific area at or above it, so
a province can set a default and a county or a township its own. The rule compiler, monitoring,
the poverty page and the parameters page all read values through here.

This module sits below `welfare.selectors` because the rule compiler (which the selectors use)
reads parameters too.
"""

from dataclasses import dataclass
from decimal import Decimal

from villagedesk.welfare.catalogue import PARAMETERS
from villagedesk.welfare.models import Parameter


@dataclass(frozen=True)
class ParameterValues:
    """One parameter's values for one year, by the prefix of the area each is set for."""

    name: str
    year: int
    by_prefix: dict[str, Decimal]

    def at(self, area_code: str) -> Decimal | None:
        """The value for the area of this code (or prefix): the one set for the most specific
        area at or above it, or None when no area above it sets one."""
        matching = [prefix for prefix in self.by_prefix if area_code.startswith(prefix)]
        if not matching:
            return None
        return self.by_prefix[max(matching, key=len)]

    def below(self, prefix: str) -> dict[str, Decimal]:
        """The values set for areas strictly below the prefix, by their prefixes."""
        return {p: v for p, v in self.by_prefix.items() if p.startswith(prefix) and p != prefix}


def parameter_values(*, name: str, year: int) -> ParameterValues:
    """Every value of the parameter for the year, in one query (values are few: one per area
    that sets one), to be resolved for many areas."""
    rows = Parameter.objects.filter(name=name, year=year).values_list("area_prefix", "value")
    return ParameterValues(name=name, year=year, by_prefix=dict(rows))


def parameter_value(*, name: str, area_code: str, year: int) -> Decimal | None:
    """The parameter's value for the area of this code in the year, or None when unset."""
    return parameter_values(name=name, year=year).at(area_code)


def parameter_names() -> dict[str, str]:
    """The names a parameter may take, with their labels: the catalogue's, then any other name
    already in use (labelled by itself)."""
    names = {name: str(label) for name, label in PARAMETERS.items()}
    for name in Parameter.objects.order_by("name").values_list("name", flat=True).distinct():
        names.setdefault(name, name)
    return names


def parameter_known(name) -> bool:
    """True when the name is in the catalogue or some area sets a value for it."""
    if not isinstance(name, str):
        return False
    return name in PARAMETERS or Parameter.objects.filter(name=name).exists()
