"""Each quorum and majority at its boundary: exactly the fraction, and one either side. Each case
names the clause it comes from, which the rule must cite."""

from fractions import Fraction

import pytest

from villagedesk.governance.rules import (
    LAW,
    Base,
    Body,
    Count,
    Rule,
    Share,
    at_least_as_strict,
    passes,
    quorate,
)

QUORUM_CASES = [
    # clause, body, count, quorate
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=20), True),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=19), False),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=21), True),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=31, present=20), False),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=100), False),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=101), True),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=99), False),
    (
        "《村民委员会组织法》第二十二条",
        Body.VILLAGERS,
        Count(due=200, present=90, households=90, households_present=60),
        True,
    ),
    (
        "《村民委员会组织法》第二十二条",
        Body.VILLAGERS,
        Count(due=200, present=90, households=90, households_present=59),
        False,
    ),
    (
        "《村民委员会组织法》第二十二条",
        Body.VILLAGERS,
        Count(due=200, present=90, households=90, households_present=61),
        True,
    ),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=30), True),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=29), False),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=31), True),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=20), True),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=19), False),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=21), True),
    (
        "《村民委员会组织法》第二十八条",
        Body.VILLAGE_GROUP,
        Count(due=30, present=15, households=12, households_present=8),
        True,
    ),
    (
        "《村民委员会组织法》第二十八条",
        Body.VILLAGE_GROUP,
        Count(due=30, present=15, households=12, households_present=7),
        False,
    ),
    ("一事一议 村民代表会议", Body.ONE_MATTER_REPRESENTATIVES, Count(due=45, present=36), True),
    ("一事一议 村民代表会议", Body.ONE_MATTER_REPRESENTATIVES, Count(due=45, present=35), False),
    ("一事一议 村民代表会议", Body.ONE_MATTER_REPRESENTATIVES, Count(due=45, present=37), True),
    ("一事一议 村民会议", Body.ONE_MATTER_VILLAGERS, Count(due=200, present=100), False),
    ("一事一议 村民会议", Body.ONE_MATTER_VILLAGERS, Count(due=200, present=101), True),
    ("", Body.OTHER, Count(due=7, present=1), True),
]


@pytest.mark.parametrize(
    ("clause", "body", "count", "expected"),
    QUORUM_CASES,
    ids=[f"{c[0] or 'no quorum'}: {c[2].present}/{c[2].due}" for c in QUORUM_CASES],
)
def test_quorum_at_its_boundary(clause, body, count, expected):
    rule = LAW[body]
    assert rule.clause == clause
    assert quorate(rule, count) is expected


MAJORITY_CASES = [
    # clause, body, count, votes for, passes
    # The Party members' meeting counts the majority of those due, not of those present.
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=20), 15, False),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=20), 16, True),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=20), 14, False),
    ("四议两公开 党员大会审议", Body.PARTY_MEMBERS, Count(due=30, present=20), 11, False),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=120), 60, False),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=120), 61, True),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=120), 59, False),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=101), 51, True),
    ("《村民委员会组织法》第二十二条", Body.VILLAGERS, Count(due=200, present=101), 50, False),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=30), 15, False),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=30), 16, True),
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=30), 14, False),
    # Without its quorum a meeting carries nothing, however many vote for.
    ("《村民委员会组织法》第二十六条", Body.REPRESENTATIVES, Count(due=45, present=29), 29, False),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=20), 10, False),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=20), 11, True),
    ("《村民委员会组织法》第二十八条", Body.VILLAGE_GROUP, Count(due=30, present=20), 9, False),
    ("一事一议 村民代表会议", Body.ONE_MATTER_REPRESENTATIVES, Count(due=45, present=40), 30, True),
    (
        "一事一议 村民代表会议",
        Body.ONE_MATTER_REPRESENTATIVES,
        Count(due=45, present=40),
        29,
        False,
    ),
    ("一事一议 村民代表会议", Body.ONE_MATTER_REPRESENTATIVES, Count(due=45, present=40), 31, True),
    ("一事一议 村民会议", Body.ONE_MATTER_VILLAGERS, Count(due=200, present=120), 60, False),
    ("一事一议 村民会议", Body.ONE_MATTER_VILLAGERS, Count(due=200, present=120), 61, True),
    ("", Body.OTHER, Count(due=7, present=6), 3, False),
    ("", Body.OTHER, Count(due=7, present=6), 4, True),
]


@pytest.mark.parametrize(
    ("clause", "body", "count", "votes_for", "expected"),
    MAJORITY_CASES,
    ids=[f"{c[0] or 'no quorum'}: {c[3]} of {c[2].present}/{c[2].due}" for c in MAJORITY_CASES],
)
def test_majority_at_its_boundary(clause, body, count, votes_for, expected):
    rule = LAW[body]
    assert rule.clause == clause
    assert passes(rule, count, votes_for) is expected


def test_fractions_are_exact_never_floats():
    for rule in LAW.values():
        assert isinstance(rule.majority.fraction, Fraction)
        assert rule.quorum is None or isinstance(rule.quorum.fraction, Fraction)


def local(law: Rule, **changes) -> Rule:
    return Rule(**{**law.__dict__, **changes})


def test_a_stricter_local_rule_may_replace_the_law():
    law = LAW[Body.REPRESENTATIVES]
    stricter = local(law, quorum=Share(Fraction(3, 4)), majority_of=Base.DUE)
    assert at_least_as_strict(stricter, law)
    assert at_least_as_strict(law, law)


def test_a_local_rule_with_a_smaller_quorum_is_refused():
    law = LAW[Body.REPRESENTATIVES]
    assert not at_least_as_strict(local(law, quorum=Share(Fraction(1, 2))), law)


def test_at_least_half_is_looser_than_more_than_half():
    law = LAW[Body.REPRESENTATIVES]
    assert not at_least_as_strict(local(law, majority=Share(Fraction(1, 2))), law)


def test_a_majority_of_those_present_is_looser_than_of_all_those_due():
    law = LAW[Body.PARTY_MEMBERS]
    assert not at_least_as_strict(local(law, majority_of=Base.PRESENT), law)


def test_a_local_rule_dropping_a_statutory_quorum_is_refused():
    law = LAW[Body.VILLAGERS]
    assert not at_least_as_strict(local(law, quorum=None), law)


def test_stricter_local_majority_of_all_representatives_carries_less():
    # The example of sources §8.3: passing needs more than half of all representatives.
    law = LAW[Body.REPRESENTATIVES]
    rule = local(law, majority_of=Base.DUE)
    assert passes(law, Count(due=45, present=30), 16)
    assert not passes(rule, Count(due=45, present=30), 16)
    assert passes(rule, Count(due=45, present=30), 23)
