"""Couples and parents within a household, derived from each member's relation to the head.

The national form records only the relation to the head (户主, 配偶, 之子, 之儿媳, 之孙子, …), but
the rules speak of families: a left-behind child's parents, a woman's husband, an old person's
children. `derive` turns the relations into three stored links per member, `spouse`, `father`
and `mother`, always within one household, and is called after every write of members (the
registry services, the import, the demo).

What is linked, generation by generation:

- the head and the spouse (配偶) are a couple; the head's sons and daughters (之子, 之女) are
  their children;
- the head's father and mother (之父, 之母) are a couple and the parents of the head and of the
  head's brothers and sisters (之兄弟姐妹); the spouse's parents (之岳父/之岳母, or
  之公公/之婆婆) are a couple and the spouse's parents;
- the head's grandparents (之祖父, 之祖母) are a couple and the parents of the head's father and
  of the head's uncles (之叔伯); the maternal grandparents (之外祖父, 之外祖母) are a couple and
  the parents of the head's mother;
- a line of descent pairs members of one blood relation with their in-laws and children: sons
  with daughters-in-law (之儿媳) and the head's grandchildren (之孙子, 之孙女); daughters with
  sons-in-law (之女婿) and daughter's children (之外孙子, 之外孙女); brothers with their wives
  (之兄弟媳妇) and nephews and nieces (之侄儿, 之侄女); grandsons with great-grandchildren
  (之曾孙子, 之曾孙女).

The rule for ambiguity: a relation names a person only when exactly one member holds it, and a
line of descent is linked only when it has at most one blood member and at most one in-law (one
son and one daughter-in-law are taken for a couple, and the grandchildren for theirs). Two sons,
or two daughters-in-law, leave the whole line unlinked: the form cannot say whose wife or whose
child is whose, and an empty link is better than a wrong one. A father is always a man and a
mother a woman, and a couple is a man and a woman; a link that would break this is not made.
Members with other relations (其他) are never linked.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.db import connection

from villagedesk.core.scratch import scratch_table
from villagedesk.registry.codes import Relation, Sex
from villagedesk.registry.models import Person

CHUNK = 5000


@dataclass(frozen=True)
class Member:
    pk: int
    relation: str
    sex: str


@dataclass(frozen=True)
class Links:
    spouse: int | None = None
    father: int | None = None
    mother: int | None = None


# A slot is the one member of a household holding one of its relations (of its sex, where it
# names one), when exactly one does; `blocked` names relations of which more than one member
# leaves the slot empty (the other side of a line of descent).
SLOTS = {
    "head": ([Relation.HEAD], None, []),
    "partner": ([Relation.SPOUSE], None, []),
    "head_father": ([Relation.FATHER], None, []),
    "head_mother": ([Relation.MOTHER], None, []),
    "wifes_father": ([Relation.WIFES_FATHER], None, []),
    "wifes_mother": ([Relation.WIFES_MOTHER], None, []),
    "husbands_father": ([Relation.HUSBANDS_FATHER], None, []),
    "husbands_mother": ([Relation.HUSBANDS_MOTHER], None, []),
    "in_law_father": ([Relation.WIFES_FATHER, Relation.HUSBANDS_FATHER], None, []),
    "in_law_mother": ([Relation.WIFES_MOTHER, Relation.HUSBANDS_MOTHER], None, []),
    "grandfather": ([Relation.GRANDFATHER], None, []),
    "grandmother": ([Relation.GRANDMOTHER], None, []),
    "maternal_grandfather": ([Relation.MATERNAL_GRANDFATHER], None, []),
    "maternal_grandmother": ([Relation.MATERNAL_GRANDMOTHER], None, []),
    # The lines of descent: one blood member, one in-law, their children.
    "son": ([Relation.SON], None, [Relation.DAUGHTER_IN_LAW]),
    "daughter_in_law": ([Relation.DAUGHTER_IN_LAW], None, [Relation.SON]),
    "daughter": ([Relation.DAUGHTER], None, [Relation.SON_IN_LAW]),
    "son_in_law": ([Relation.SON_IN_LAW], None, [Relation.DAUGHTER]),
    "brother": ([Relation.SIBLING], Sex.MALE, [Relation.SIBLING_IN_LAW]),
    "brothers_wife": ([Relation.SIBLING_IN_LAW], None, [Relation.SIBLING]),
    "grandson": ([Relation.GRANDSON], None, []),
}
# Blocking by brothers counts the male siblings only.
BLOCKING_SEX = {Relation.SIBLING: Sex.MALE}

COUPLES = [
    ("head", "partner"),
    ("head_father", "head_mother"),
    ("wifes_father", "wifes_mother"),
    ("husbands_father", "husbands_mother"),
    ("grandfather", "grandmother"),
    ("maternal_grandfather", "maternal_grandmother"),
    ("son", "daughter_in_law"),
    ("daughter", "son_in_law"),
    ("brother", "brothers_wife"),
]

# (children: the slots and the relations whose every holder is a child, the two parents' slots)
PARENTS = [
    (([], [Relation.SON, Relation.DAUGHTER]), ("head", "partner")),
    ((["head"], [Relation.SIBLING]), ("head_father", "head_mother")),
    ((["partner"], []), ("in_law_father", "in_law_mother")),
    ((["head_father"], [Relation.UNCLE]), ("grandfather", "grandmother")),
    ((["head_mother"], []), ("maternal_grandfather", "maternal_grandmother")),
    (([], [Relation.GRANDSON, Relation.GRANDDAUGHTER]), ("son", "daughter_in_law")),
    (([], [Relation.DAUGHTERS_SON, Relation.DAUGHTERS_DAUGHTER]), ("daughter", "son_in_law")),
    (([], [Relation.NEPHEW, Relation.NIECE]), ("brother", "brothers_wife")),
    (([], [Relation.GREAT_GRANDSON, Relation.GREAT_GRANDDAUGHTER]), ("grandson", None)),
]

MEMBER_SCHEMA = {"pk": pl.Int64, "household": pl.Int64, "relation": pl.String, "sex": pl.String}
LINK_COLUMNS = ("spouse", "father", "mother")


def holders(members: pl.DataFrame, relations, sex) -> pl.DataFrame:
    chosen = members.filter(pl.col("relation").is_in([str(r) for r in relations]))
    return chosen.filter(pl.col("sex") == str(sex)) if sex else chosen


def slot_holders(members: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Each slot's holder by household: household, pk, sex."""
    out = {}
    for name, (relations, sex, blocked) in SLOTS.items():
        found = (
            holders(members, relations, sex)
            .group_by("household")
            .agg(pl.len().alias("n"), pl.col("pk").first(), pl.col("sex").first())
            .filter(pl.col("n") == 1)
            .drop("n")
        )
        for relation in blocked:
            crowded = (
                holders(members, [relation], BLOCKING_SEX.get(relation))
                .group_by("household")
                .len()
                .filter(pl.col("len") > 1)
            )
            found = found.join(crowded, on="household", how="anti")
        out[name] = found
    return out


def links_frame(members: pl.DataFrame) -> pl.DataFrame:
    """The links of members given as pk, household, relation and sex (households in any order,
    each with all its members), by the rules of the module docstring: pk, spouse, father and
    mother, one row per member."""
    members = members.select(pl.col(n).cast(t) for n, t in MEMBER_SCHEMA.items())
    slots = slot_holders(members)
    male, female = str(Sex.MALE), str(Sex.FEMALE)
    spouses = []
    for a, b in COUPLES:
        pair = slots[a].join(slots[b], on="household", suffix="_b")
        pair = pair.filter(
            ((pl.col("sex") == male) & (pl.col("sex_b") == female))
            | ((pl.col("sex") == female) & (pl.col("sex_b") == male))
        )
        spouses += [
            pair.select(pl.col("pk"), pl.col("pk_b").alias("spouse")),
            pair.select(pl.col("pk_b").alias("pk"), pl.col("pk").alias("spouse")),
        ]
    parents = []
    for (child_slots, child_relations), (a, b) in PARENTS:
        pair = [slots[a]] + ([slots[b]] if b else [])
        present = pl.concat(pair)
        # A father is the one man of the pair, a mother the one woman.
        one = (
            present.group_by("household")
            .agg(
                pl.col("pk").filter(pl.col("sex") == male).alias("dads"),
                pl.col("pk").filter(pl.col("sex") == female).alias("mums"),
            )
            .select(
                "household",
                pl.when(pl.col("dads").list.len() == 1)
                .then(pl.col("dads").list.first())
                .alias("father"),
                pl.when(pl.col("mums").list.len() == 1)
                .then(pl.col("mums").list.first())
                .alias("mother"),
            )
        )
        children = pl.concat(
            [slots[s].select("household", "pk") for s in child_slots]
            + [holders(members, child_relations, None).select("household", "pk")]
        )
        found = children.join(one, on="household").select(
            "pk",
            pl.when(pl.col("father") != pl.col("pk")).then(pl.col("father")).alias("father"),
            pl.when(pl.col("mother") != pl.col("pk")).then(pl.col("mother")).alias("mother"),
        )
        parents.append(found)
    spouse = pl.concat(spouses).unique("pk", keep="last")
    parent = pl.concat(parents).unique("pk", keep="last")
    return (
        members.select("pk")
        .join(spouse, on="pk", how="left")
        .join(parent, on="pk", how="left")
        .select("pk", *LINK_COLUMNS)
    )


def members_frame(rows: Iterable[tuple[int, int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=MEMBER_SCHEMA, orient="row")


def links_by_household(rows: Iterable[tuple[int, int, str, str]]) -> dict[int, Links]:
    """The links of members given as (pk, household, relation, sex), households in any order."""
    return {
        pk: Links(spouse=spouse, father=father, mother=mother)
        for pk, spouse, father, mother in links_frame(members_frame(rows)).iter_rows()
    }


def family_links(members: Iterable[Member]) -> dict[int, Links]:
    """The links of each member of one household."""
    return links_by_household((m.pk, 0, m.relation, m.sex) for m in members)


def derive(household_ids: Iterable[int], *, person_model=Person) -> int:
    """Recompute the couple and parent links of every member of these households and store the
    ones that changed, in a few statements whatever the number of households. Returns the number
    of members whose links changed. `person_model` is the migration's model when a migration
    calls it."""
    ids = sorted({int(pk) for pk in household_ids if pk is not None})
    changed: list[tuple[int, int | None, int | None, int | None]] = []
    for start in range(0, len(ids), CHUNK):
        rows = list(
            person_model.objects.filter(household_id__in=ids[start : start + CHUNK]).values_list(
                "pk", "household_id", "relation", "sex", "spouse_id", "father_id", "mother_id"
            )
        )
        found = links_by_household(row[:4] for row in rows)
        for pk, *_, spouse_id, father_id, mother_id in rows:
            links = found[pk]
            if links != Links(spouse=spouse_id, father=father_id, mother=mother_id):
                changed.append((pk, links.spouse, links.father, links.mother))
    links_store(changed, table=person_model._meta.db_table)
    return len(changed)


def links_store(rows: list[tuple[int, int | None, int | None, int | None]], *, table: str) -> None:
    """Write (person, spouse, father, mother) rows through a temporary table and one UPDATE."""
    if not rows:
        return
    columns = "id bigint PRIMARY KEY, spouse_id bigint, father_id bigint, mother_id bigint"
    with connection.cursor() as cursor, scratch_table(cursor, "family_links", columns):
        if connection.vendor == "postgresql":
            with cursor.copy(
                "COPY family_links (id, spouse_id, father_id, mother_id) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO family_links (id, spouse_id, father_id, mother_id) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )
        cursor.execute(
            f'UPDATE "{table}" SET spouse_id = l.spouse_id, father_id = l.father_id, '  # noqa: S608
            f'mother_id = l.mother_id FROM family_links l WHERE "{table}".id = l.id'
        )
