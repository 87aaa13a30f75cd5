"""Each quorum and majority boundary of `test_rules`, recorded through the services and read back
from the database: what a meeting and its items keep is what the rule says, on SQLite and on
PostgreSQL alike."""

import pytest

from villagedesk.governance.models import ItemResult, Meeting
from villagedesk.governance.rules import Body
from villagedesk.governance.tests.factories import make_item, make_meeting
from villagedesk.governance.tests.test_rules import MAJORITY_CASES, QUORUM_CASES

pytestmark = pytest.mark.django_db

# The meeting kind each body's rule is kept by, and whether its items are one matter, one
# discussion.
KIND = {
    Body.PARTY_MEMBERS: ("party_members", False),
    Body.VILLAGERS: ("villagers", False),
    Body.REPRESENTATIVES: ("representatives", False),
    Body.VILLAGE_GROUP: ("village_group", False),
    Body.ONE_MATTER_VILLAGERS: ("villagers", True),
    Body.ONE_MATTER_REPRESENTATIVES: ("representatives", True),
    Body.OTHER: ("two_committee", False),
}


def recorded(by, village, body, count) -> tuple[Meeting, bool]:
    kind, one_matter = KIND[body]
    fields = {}
    if count.households:
        fields = {"households": count.households, "households_present": count.households_present}
    if kind == "village_group":
        fields["group"] = village.groups.first()
    meeting = make_meeting(
        by=by, village=village, kind=kind, due=count.due, present=count.present, **fields
    )
    return meeting, one_matter


@pytest.mark.parametrize(
    ("clause", "body", "count", "expected"),
    QUORUM_CASES,
    ids=[f"{c[0] or 'no quorum'}: {c[2].present}/{c[2].due}" for c in QUORUM_CASES],
)
def test_the_quorum_kept_at_its_boundary(cadre_a, village_a, clause, body, count, expected):
    meeting, one_matter = recorded(cadre_a, village_a, body, count)
    if one_matter:
        # One matter, one discussion keeps its own quorum on the item: all present in favour
        # carry it exactly when the quorum is met.
        item = make_item(by=cadre_a, meeting=meeting, votes_for=count.present, one_matter=True)
        item.refresh_from_db()
        assert (item.result == ItemResult.PASSED) is expected
    else:
        assert Meeting.objects.get(pk=meeting.pk).quorate is expected


@pytest.mark.parametrize(
    ("clause", "body", "count", "votes_for", "expected"),
    MAJORITY_CASES,
    ids=[f"{c[0] or 'no quorum'}: {c[3]} of {c[2].present}/{c[2].due}" for c in MAJORITY_CASES],
)
def test_the_result_kept_at_its_boundary(
    cadre_a, village_a, clause, body, count, votes_for, expected
):
    meeting, one_matter = recorded(cadre_a, village_a, body, count)
    item = make_item(by=cadre_a, meeting=meeting, votes_for=votes_for, one_matter=one_matter)
    item.refresh_from_db()
    assert item.result == (ItemResult.PASSED if expected else ItemResult.FAILED)
