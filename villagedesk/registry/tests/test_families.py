"""Couples and parents derived from the relations to the head, case by case.

`family_links` is tested without the database, one relation pair at a time; `derive` and the
services that call it are tested against the database.
"""

import datetime

import pytest

from villagedesk.registry import services
from villagedesk.registry.codes import Education, Relation, Schooling, Sex
from villagedesk.registry.families import Links, Member, derive, family_links
from villagedesk.registry.models import Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

MALE, FEMALE = Sex.MALE, Sex.FEMALE


def links_of(*members: tuple[str, str]) -> list[Links]:
    """The links of members given as (relation, sex), numbered 1, 2, … in that order."""
    found = family_links(
        Member(pk=n, relation=relation, sex=sex) for n, (relation, sex) in enumerate(members, 1)
    )
    return [found[n] for n in range(1, len(members) + 1)]


def test_head_and_spouse_are_a_couple():
    head, spouse = links_of((Relation.HEAD, MALE), (Relation.SPOUSE, FEMALE))
    assert (head.spouse, spouse.spouse) == (2, 1)


def test_a_female_head_and_her_husband_are_a_couple():
    head, spouse = links_of((Relation.HEAD, FEMALE), (Relation.SPOUSE, MALE))
    assert (head.spouse, spouse.spouse) == (2, 1)


def test_head_and_spouse_of_one_sex_are_not_linked():
    head, spouse = links_of((Relation.HEAD, MALE), (Relation.SPOUSE, MALE))
    assert head == spouse == Links()


@pytest.mark.parametrize("relation", [Relation.SON, Relation.DAUGHTER])
def test_the_heads_children_have_the_head_and_spouse_as_parents(relation):
    *_, child = links_of((Relation.HEAD, FEMALE), (Relation.SPOUSE, MALE), (relation, MALE))
    assert (child.father, child.mother) == (2, 1)


def test_a_child_of_a_head_without_spouse_has_one_parent():
    _, child = links_of((Relation.HEAD, FEMALE), (Relation.DAUGHTER, FEMALE))
    assert (child.father, child.mother) == (None, 1)


def test_the_only_son_and_daughter_in_law_are_a_couple():
    *_, son, wife = links_of(
        (Relation.HEAD, MALE), (Relation.SON, MALE), (Relation.DAUGHTER_IN_LAW, FEMALE)
    )
    assert (son.spouse, wife.spouse) == (3, 2)


def test_the_only_daughter_and_son_in_law_are_a_couple():
    *_, daughter, husband = links_of(
        (Relation.HEAD, MALE), (Relation.DAUGHTER, FEMALE), (Relation.SON_IN_LAW, MALE)
    )
    assert (daughter.spouse, husband.spouse) == (3, 2)


@pytest.mark.parametrize("relation", [Relation.GRANDSON, Relation.GRANDDAUGHTER])
def test_grandchildren_are_the_sons_and_daughter_in_laws_children(relation):
    """Three generations: the grandchild's parents are the son and his wife, not the head."""
    *_, grandchild = links_of(
        (Relation.HEAD, MALE),
        (Relation.SPOUSE, FEMALE),
        (Relation.SON, MALE),
        (Relation.DAUGHTER_IN_LAW, FEMALE),
        (relation, FEMALE),
    )
    assert (grandchild.father, grandchild.mother) == (3, 4)


@pytest.mark.parametrize("relation", [Relation.DAUGHTERS_SON, Relation.DAUGHTERS_DAUGHTER])
def test_daughters_children_are_the_daughters_and_son_in_laws_children(relation):
    *_, grandchild = links_of(
        (Relation.HEAD, MALE),
        (Relation.DAUGHTER, FEMALE),
        (Relation.SON_IN_LAW, MALE),
        (relation, MALE),
    )
    assert (grandchild.father, grandchild.mother) == (3, 2)


def test_grandchildren_of_a_widowed_daughter_in_law_have_her_as_mother():
    *_, grandchild = links_of(
        (Relation.HEAD, FEMALE), (Relation.DAUGHTER_IN_LAW, FEMALE), (Relation.GRANDSON, MALE)
    )
    assert (grandchild.father, grandchild.mother) == (None, 2)


def test_two_sons_with_wives_leave_the_grandchildren_and_couples_unlinked():
    head, son1, son2, wife1, wife2, grandson = links_of(
        (Relation.HEAD, MALE),
        (Relation.SON, MALE),
        (Relation.SON, MALE),
        (Relation.DAUGHTER_IN_LAW, FEMALE),
        (Relation.DAUGHTER_IN_LAW, FEMALE),
        (Relation.GRANDSON, MALE),
    )
    assert grandson == Links()
    assert son1.spouse is son2.spouse is wife1.spouse is wife2.spouse is None
    # The sons are still the head's children: that much is certain.
    assert son1.father == son2.father == 1


def test_two_sons_and_one_daughter_in_law_leave_her_husband_unknown():
    *_, wife, grandchild = links_of(
        (Relation.HEAD, MALE),
        (Relation.SON, MALE),
        (Relation.SON, MALE),
        (Relation.DAUGHTER_IN_LAW, FEMALE),
        (Relation.GRANDDAUGHTER, FEMALE),
    )
    assert wife.spouse is None
    assert grandchild == Links()


def test_daughters_do_not_make_the_sons_line_ambiguous():
    *_, grandson = links_of(
        (Relation.HEAD, MALE),
        (Relation.DAUGHTER, FEMALE),
        (Relation.DAUGHTER, FEMALE),
        (Relation.SON, MALE),
        (Relation.DAUGHTER_IN_LAW, FEMALE),
        (Relation.GRANDSON, MALE),
    )
    assert (grandson.father, grandson.mother) == (4, 5)


def test_the_heads_parents_are_a_couple_and_parents_of_head_and_siblings():
    head, father, mother, sister = links_of(
        (Relation.HEAD, MALE),
        (Relation.FATHER, MALE),
        (Relation.MOTHER, FEMALE),
        (Relation.SIBLING, FEMALE),
    )
    assert (father.spouse, mother.spouse) == (3, 2)
    assert (head.father, head.mother) == (2, 3)
    assert (sister.father, sister.mother) == (2, 3)


@pytest.mark.parametrize(
    ("head_sex", "father_relation", "mother_relation"),
    [
        (MALE, Relation.WIFES_FATHER, Relation.WIFES_MOTHER),
        (FEMALE, Relation.HUSBANDS_FATHER, Relation.HUSBANDS_MOTHER),
    ],
)
def test_the_spouses_parents_are_a_couple_and_the_spouses_parents(
    head_sex, father_relation, mother_relation
):
    spouse_sex = FEMALE if head_sex == MALE else MALE
    head, spouse, father, mother = links_of(
        (Relation.HEAD, head_sex),
        (Relation.SPOUSE, spouse_sex),
        (father_relation, MALE),
        (mother_relation, FEMALE),
    )
    assert (spouse.father, spouse.mother) == (3, 4)
    assert (father.spouse, mother.spouse) == (4, 3)
    assert (head.father, head.mother) == (None, None)


def test_grandparents_are_the_fathers_parents_and_the_uncles():
    _, father, grandfather, grandmother, uncle = links_of(
        (Relation.HEAD, MALE),
        (Relation.FATHER, MALE),
        (Relation.GRANDFATHER, MALE),
        (Relation.GRANDMOTHER, FEMALE),
        (Relation.UNCLE, MALE),
    )
    assert (grandfather.spouse, grandmother.spouse) == (4, 3)
    assert (father.father, father.mother) == (3, 4)
    assert (uncle.father, uncle.mother) == (3, 4)


def test_maternal_grandparents_are_the_mothers_parents():
    _, mother, grandfather, grandmother = links_of(
        (Relation.HEAD, FEMALE),
        (Relation.MOTHER, FEMALE),
        (Relation.MATERNAL_GRANDFATHER, MALE),
        (Relation.MATERNAL_GRANDMOTHER, FEMALE),
    )
    assert (mother.father, mother.mother) == (3, 4)
    assert grandfather.spouse == 4


def test_a_brother_his_wife_and_their_children():
    *_, brother, wife, nephew, niece = links_of(
        (Relation.HEAD, MALE),
        (Relation.SIBLING, FEMALE),
        (Relation.SIBLING, MALE),
        (Relation.SIBLING_IN_LAW, FEMALE),
        (Relation.NEPHEW, MALE),
        (Relation.NIECE, FEMALE),
    )
    assert (brother.spouse, wife.spouse) == (4, 3)
    assert (nephew.father, nephew.mother) == (niece.father, niece.mother) == (3, 4)


def test_great_grandchildren_are_the_only_grandsons_children():
    *_, grandson, great = links_of(
        (Relation.HEAD, MALE), (Relation.GRANDSON, MALE), (Relation.GREAT_GRANDDAUGHTER, FEMALE)
    )
    assert great.father == 2
    assert grandson.father is None


def test_two_members_named_father_are_linked_to_no_one():
    head, *_ = links_of((Relation.HEAD, MALE), (Relation.FATHER, MALE), (Relation.FATHER, MALE))
    assert head.father is None


def test_other_relations_are_never_linked():
    _, other = links_of((Relation.HEAD, MALE), (Relation.OTHER, FEMALE))
    assert other == Links()


# The database: derive stores the links, and every write path of members calls it.


def three_generations(household):
    """Grandparents at home, a migrant son and his migrant wife, and their daughter."""
    head = PersonFactory(household=household, name="张老汉", birth_date=datetime.date(1955, 1, 1))
    grandmother = PersonFactory(
        household=household,
        name="王老太",
        sex=FEMALE,
        relation=Relation.SPOUSE,
        birth_date=datetime.date(1957, 1, 1),
    )
    son = PersonFactory(household=household, name="张建", relation=Relation.SON)
    wife = PersonFactory(
        household=household,
        name="李芳",
        sex=FEMALE,
        relation=Relation.DAUGHTER_IN_LAW,
        birth_date=datetime.date(1982, 1, 1),
    )
    child = PersonFactory(
        household=household,
        name="张丽",
        sex=FEMALE,
        relation=Relation.GRANDDAUGHTER,
        birth_date=datetime.date(2015, 1, 1),
        education="",
        schooling=Schooling.PRIMARY,
    )
    return head, grandmother, son, wife, child


@pytest.mark.django_db
def test_derive_stores_three_generations(village_a):
    household = HouseholdFactory(village=village_a)
    head, grandmother, son, wife, child = three_generations(household)
    assert derive([household.pk]) == 5
    for person in (head, grandmother, son, wife, child):
        person.refresh_from_db()
    assert (head.spouse, grandmother.spouse) == (grandmother, head)
    assert (son.father, son.mother, son.spouse) == (head, grandmother, wife)
    assert (child.father, child.mother) == (son, wife)
    assert derive([household.pk]) == 0  # nothing changed, nothing written


@pytest.mark.django_db
def test_derive_links_only_within_each_household(village_a):
    first, second = HouseholdFactory(village=village_a), HouseholdFactory(village=village_a)
    PersonFactory(household=first, relation=Relation.HEAD)
    son = PersonFactory(household=second, relation=Relation.SON)
    derive([first.pk, second.pk])
    son.refresh_from_db()
    assert son.father is None


@pytest.mark.django_db
def test_saving_a_member_derives_the_family(cadre_a, household_a):
    son = household_a.members.get(relation=Relation.SON)
    wife = Person(
        household=household_a,
        name="赵敏",
        sex=FEMALE,
        birth_date=datetime.date(2013, 2, 3),
        relation=Relation.DAUGHTER_IN_LAW,
        education=Education.PRIMARY,
    )
    services.person_save(by=cadre_a, person=wife)
    son.refresh_from_db()
    assert son.spouse == wife
    assert wife.spouse == son


@pytest.mark.django_db
def test_a_changed_relation_removes_the_links_it_made(cadre_a, household_a):
    derive([household_a.pk])
    son = household_a.members.get(relation=Relation.SON)
    son.relation = Relation.OTHER
    services.person_save(by=cadre_a, person=son)
    son.refresh_from_db()
    assert (son.father, son.mother) == (None, None)


@pytest.mark.django_db
def test_deleting_a_son_resolves_the_line_he_made_ambiguous(cadre_a, village_a):
    household = HouseholdFactory(village=village_a)
    head, grandmother, son, wife, child = three_generations(household)
    brother = PersonFactory(household=household, name="张勇", relation=Relation.SON)
    derive([household.pk])
    child.refresh_from_db()
    assert child.father is None
    services.person_delete(by=cadre_a, person=brother)
    child.refresh_from_db()
    assert (child.father, child.mother) == (son, wife)
