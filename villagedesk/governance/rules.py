"""Quorum and majority of village meetings, by law, in exact fractions.

Chinese legal wording decides each comparison: "以上" (at least) includes the figure, "过半数"
(more than half) does not. Counts are whole people or households, fractions are `Fraction`s, and
no float is ever involved, so that exactly two thirds is two thirds.

The law is the default; a province or county may be stricter (a local rule), never looser:
`at_least_as_strict` says whether a local rule may replace the law's.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction


class Base(StrEnum):
    """What a majority is counted of."""

    PRESENT = "present"  # of those present (到会人员)
    DUE = "due"  # of all those due to attend (应到会人员 / 全体代表)


class Body(StrEnum):
    """The bodies whose rules differ; meeting kinds map onto them."""

    PARTY_MEMBERS = "party_members"
    VILLAGERS = "villagers"
    REPRESENTATIVES = "representatives"
    VILLAGE_GROUP = "village_group"
    ONE_MATTER_VILLAGERS = "one_matter_villagers"
    ONE_MATTER_REPRESENTATIVES = "one_matter_representatives"
    OTHER = "other"


@dataclass(frozen=True)
class Share:
    """A share of a whole: `more_than` for 过半数/超过, otherwise at least (以上)."""

    fraction: Fraction
    more_than: bool = False

    def met(self, part: int, whole: int) -> bool:
        needed = self.fraction * whole
        return part > needed if self.more_than else part >= needed

    def __str__(self) -> str:
        return f"{'>' if self.more_than else '≥'} {self.fraction}"


@dataclass(frozen=True)
class Rule:
    clause: str
    # Share of those due who must be present; None: no statutory quorum.
    quorum: Share | None
    # The alternative quorum of households represented (villagers' and village group meetings).
    households: Share | None
    majority: Share
    majority_of: Base


@dataclass(frozen=True)
class Count:
    """Who was due and who came. For a Party members' meeting `due` and `present` count full
    members only: probationary members (预备党员) have no vote and are not counted."""

    due: int
    present: int
    households: int = 0
    households_present: int = 0


HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
FOUR_FIFTHS = Fraction(4, 5)

VILLAGERS_MEETING = Rule(
    clause="《村民委员会组织法》第二十二条",
    quorum=Share(HALF, more_than=True),
    households=Share(TWO_THIRDS),
    majority=Share(HALF, more_than=True),
    majority_of=Base.PRESENT,
)

LAW: dict[Body, Rule] = {
    # 四议两公开, 党员大会审议: two thirds of the members due present, and more than half of
    # those due (not of those present) in favour.
    Body.PARTY_MEMBERS: Rule(
        clause="四议两公开 党员大会审议",
        quorum=Share(TWO_THIRDS),
        households=None,
        majority=Share(HALF, more_than=True),
        majority_of=Base.DUE,
    ),
    Body.VILLAGERS: VILLAGERS_MEETING,
    Body.REPRESENTATIVES: Rule(
        clause="《村民委员会组织法》第二十六条",
        quorum=Share(TWO_THIRDS),
        households=None,
        majority=Share(HALF, more_than=True),
        majority_of=Base.PRESENT,
    ),
    Body.VILLAGE_GROUP: Rule(
        clause="《村民委员会组织法》第二十八条",
        quorum=Share(TWO_THIRDS),
        households=Share(TWO_THIRDS),
        majority=Share(HALF, more_than=True),
        majority_of=Base.PRESENT,
    ),
    # 一事一议筹资筹劳 (sources §8.5): by the villagers' meeting as any villagers' meeting; by
    # the representatives' meeting four fifths present and two thirds of all in favour.
    Body.ONE_MATTER_VILLAGERS: replace(VILLAGERS_MEETING, clause="一事一议 村民会议"),
    Body.ONE_MATTER_REPRESENTATIVES: Rule(
        clause="一事一议 村民代表会议",
        quorum=Share(FOUR_FIFTHS),
        households=None,
        majority=Share(TWO_THIRDS),
        majority_of=Base.DUE,
    ),
    # Two-committee, supervision committee and Party branch meetings have no statutory quorum:
    # attendance is recorded, and an item passes by more than half of those present.
    Body.OTHER: Rule(
        clause="",
        quorum=None,
        households=None,
        majority=Share(HALF, more_than=True),
        majority_of=Base.PRESENT,
    ),
}


def quorate(rule: Rule, count: Count) -> bool:
    """Whether enough of those due came: the persons' quorum, or else the households'."""
    if rule.quorum is None or rule.quorum.met(count.present, count.due):
        return True
    return (
        rule.households is not None
        and count.households > 0
        and rule.households.met(count.households_present, count.households)
    )


def passes(rule: Rule, count: Count, votes_for: int) -> bool:
    """Whether an item carries: the meeting had its quorum and enough voted for it."""
    whole = count.present if rule.majority_of == Base.PRESENT else count.due
    return quorate(rule, count) and rule.majority.met(votes_for, whole)


def share_at_least_as_strict(local: Share | None, law: Share | None) -> bool:
    if law is None:
        return True
    if local is None:
        return False
    return local.fraction > law.fraction or (
        local.fraction == law.fraction and (local.more_than or not law.more_than)
    )


def at_least_as_strict(local: Rule, law: Rule) -> bool:
    """Whether a local rule asks at least what the law asks: a quorum and a majority no smaller,
    and a majority of all those due where the law counts it of them."""
    if law.majority_of == Base.DUE and local.majority_of == Base.PRESENT:
        return False
    return share_at_least_as_strict(local.quorum, law.quorum) and share_at_least_as_strict(
        local.majority, law.majority
    )
