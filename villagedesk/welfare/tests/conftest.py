import datetime

import pytest

from villagedesk.welfare.rules import Context
from villagedesk.welfare.tests.factories import ParameterFactory

DAY = datetime.date(2025, 12, 31)


@pytest.fixture
def context(county, village_a, village_b):
    return Context(area=county, day=DAY)


@pytest.fixture
def parameters(county):
    """The county's figures for 2025 (a Yunnan-like county)."""
    for name, value in {
        "dibao_standard": 6000,
        "poverty_line": 4500,
        "monitoring_threshold": 8700,
        "notice_days": 5,
        "decision_days": 15,
        "measure_days": 180,
        "tekun_age": 60,
    }.items():
        ParameterFactory(name=name, area=county, value=value)
