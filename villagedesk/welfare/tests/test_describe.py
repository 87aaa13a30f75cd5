"""Rules read in words, counts and sums over members included."""

from django.utils import translation

from villagedesk.welfare.rules.describe import describe
from villagedesk.welfare.rules.language import HOUSEHOLD_FIELDS


def test_counts_and_sums_over_members_are_described_not_left_blank():
    rule = {
        "all": [
            {"count": {"field": "age", "op": ">=", "value": 60}, "op": ">=", "value": 1},
            {"count": {}, "op": "=", "value": 0},
            {"sum": "migrant_months", "op": ">", "value": 6},
        ]
    }
    with translation.override("en"):
        text = describe(rule, HOUSEHOLD_FIELDS)
    assert "None" not in text
    assert "members where age ≥ 60 ≥ 1" in text
    assert "members = 0" in text
    assert "over all members > 6" in text
    with translation.override("zh-hans"):
        assert "None" not in describe(rule, HOUSEHOLD_FIELDS)
