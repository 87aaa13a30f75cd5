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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

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


def family_links(members: Iterable[Member]) -> dict[int, Links]:
    """The links of each member of one household, by the rules of the module docstring."""
    members = list(members)
    by_relation: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        by_relation[member.relation].append(member)
    spouse: dict[int, int] = {}
    father: dict[int, int] = {}
    mother: dict[int, int] = {}

    def one(relation) -> Member | None:
        holders = by_relation.get(relation, [])
        return holders[0] if len(holders) == 1 else None

    def couple(a: Member | None, b: Member | None) -> None:
        if a and b and {a.sex, b.sex} == {Sex.MALE, Sex.FEMALE}:
            spouse[a.pk], spouse[b.pk] = b.pk, a.pk

    def parents(children: Iterable[Member | None], *pair: Member | None) -> None:
        present = [p for p in pair if p]
        dad = [p for p in present if p.sex == Sex.MALE]
        mum = [p for p in present if p.sex == Sex.FEMALE]
        for child in children:
            if child is None:
                continue
            if len(dad) == 1 and dad[0].pk != child.pk:
                father[child.pk] = dad[0].pk
            if len(mum) == 1 and mum[0].pk != child.pk:
                mother[child.pk] = mum[0].pk

    head, partner = one(Relation.HEAD), one(Relation.SPOUSE)
    couple(head, partner)
    parents(by_relation[Relation.SON] + by_relation[Relation.DAUGHTER], head, partner)

    head_father, head_mother = one(Relation.FATHER), one(Relation.MOTHER)
    couple(head_father, head_mother)
    parents([head, *by_relation[Relation.SIBLING]], head_father, head_mother)

    for father_relation, mother_relation in (
        (Relation.WIFES_FATHER, Relation.WIFES_MOTHER),
        (Relation.HUSBANDS_FATHER, Relation.HUSBANDS_MOTHER),
    ):
        couple(one(father_relation), one(mother_relation))
    in_law_fathers = by_relation[Relation.WIFES_FATHER] + by_relation[Relation.HUSBANDS_FATHER]
    in_law_mothers = by_relation[Relation.WIFES_MOTHER] + by_relation[Relation.HUSBANDS_MOTHER]
    parents(
        [partner],
        in_law_fathers[0] if len(in_law_fathers) == 1 else None,
        in_law_mothers[0] if len(in_law_mothers) == 1 else None,
    )

    grandfather, grandmother = one(Relation.GRANDFATHER), one(Relation.GRANDMOTHER)
    couple(grandfather, grandmother)
    parents([head_father, *by_relation[Relation.UNCLE]], grandfather, grandmother)
    maternal = one(Relation.MATERNAL_GRANDFATHER), one(Relation.MATERNAL_GRANDMOTHER)
    couple(*maternal)
    parents([head_mother], *maternal)

    brothers = [m for m in by_relation[Relation.SIBLING] if m.sex == Sex.MALE]
    lines = [
        (
            by_relation[Relation.SON],
            by_relation[Relation.DAUGHTER_IN_LAW],
            (Relation.GRANDSON, Relation.GRANDDAUGHTER),
        ),
        (
            by_relation[Relation.DAUGHTER],
            by_relation[Relation.SON_IN_LAW],
            (Relation.DAUGHTERS_SON, Relation.DAUGHTERS_DAUGHTER),
        ),
        (brothers, by_relation[Relation.SIBLING_IN_LAW], (Relation.NEPHEW, Relation.NIECE)),
        (
            by_relation[Relation.GRANDSON],
            [],
            (Relation.GREAT_GRANDSON, Relation.GREAT_GRANDDAUGHTER),
        ),
    ]
    for blood, in_laws, child_relations in lines:
        if len(blood) > 1 or len(in_laws) > 1:
            continue
        parent = blood[0] if blood else None
        in_law = in_laws[0] if in_laws else None
        couple(parent, in_law)
        children = [m for relation in child_relations for m in by_relation[relation]]
        parents(children, parent, in_law)

    return {
        m.pk: Links(spouse=spouse.get(m.pk), father=father.get(m.pk), mother=mother.get(m.pk))
        for m in members
    }


def derive(household_ids: Iterable[int], *, person_model=Person) -> int:
    """Recompute the couple and parent links of every member of these households and store the
    ones that changed, in a few statements whatever the number of households. Returns the number
    of members whose links changed. `person_model` is the migration's model when a migration
    calls it."""
    ids = sorted({int(pk) for pk in household_ids if pk is not None})
    changed: list[tuple[int, int | None, int | None, int | None]] = []
    for start in range(0, len(ids), CHUNK):
        rows = person_model.objects.filter(household_id__in=ids[start : start + CHUNK]).values_list(
            "pk", "household_id", "relation", "sex", "spouse_id", "father_id", "mother_id"
        )
        households: dict[int, list[Member]] = defaultdict(list)
        stored: dict[int, Links] = {}
        for pk, household_id, relation, sex, spouse_id, father_id, mother_id in rows:
            households[household_id].append(Member(pk=pk, relation=relation, sex=sex))
            stored[pk] = Links(spouse=spouse_id, father=father_id, mother=mother_id)
        for members in households.values():
            for pk, links in family_links(members).items():
                if links != stored[pk]:
                    changed.append((pk, links.spouse, links.father, links.mother))
    links_store(changed, table=person_model._meta.db_table)
    return len(changed)


def links_store(rows: list[tuple[int, int | None, int | None, int | None]], *, table: str) -> None:
    """Write (person, spouse, father, mother) rows through a temporary table and one UPDATE."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS family_links "
            "(id bigint PRIMARY KEY, spouse_id bigint, father_id bigint, mother_id bigint)"
        )
        cursor.execute("DELETE FROM family_links")
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
        cursor.execute("DROP TABLE family_links")
