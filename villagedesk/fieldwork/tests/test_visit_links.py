"""Visits add "met at a visit" links to the directory's contact network."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from villagedesk.directory.models import Contact, Link, LinkKind
from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.fieldwork import services
from villagedesk.fieldwork.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre_entry(cadre_a, township):
    """The cadre's own directory entry, kept by the township."""
    return ContactFactory(area=township, name="刘书记", phone="13900000001", user=cadre_a)


@pytest.fixture
def head_entry(household_a):
    head = household_a.members.get(name="张三")
    return ContactFactory(area=household_a.village, name="张三", phone="13900000002", person=head)


def record(cadre, persons, **fields):
    return services.visit_record(by=cadre, visit=Visit(**fields), persons=persons)


def met_links():
    return list(Link.objects.filter(kind=LinkKind.MET_AT_VISIT))


def test_a_visit_links_the_visitor_to_the_persons_met(cadre_a, cadre_entry, head_entry):
    record(cadre_a, [head_entry.person])
    [link] = met_links()
    assert (link.source, link.target) == (cadre_entry, head_entry)


def test_a_second_visit_does_not_repeat_the_link(cadre_a, cadre_entry, head_entry):
    record(cadre_a, [head_entry.person])
    record(cadre_a, [head_entry.person])
    assert len(met_links()) == 1


def test_a_link_already_made_the_other_way_is_not_repeated(cadre_a, cadre_entry, head_entry):
    Link.objects.create(source=head_entry, target=cadre_entry, kind=LinkKind.MET_AT_VISIT)
    record(cadre_a, [head_entry.person])
    assert len(met_links()) == 1


def test_persons_without_an_entry_and_visitors_without_one_add_nothing(
    cadre_a, cadre_b, household_a, head_entry
):
    spouse = household_a.members.get(name="李梅")
    record(cadre_a, [head_entry.person, spouse])  # cadre_a has no entry of their own
    assert met_links() == []


def test_only_the_met_persons_are_linked(cadre_a, cadre_entry, household_a, head_entry):
    spouse = household_a.members.get(name="李梅")
    ContactFactory(area=household_a.village, name="李梅", phone="13900000003", person=spouse)
    record(cadre_a, [head_entry.person])
    assert [link.target for link in met_links()] == [head_entry]


def test_another_village_person_is_never_linked(
    cadre_a, cadre_entry, household_a, household_b, head_entry
):
    other = household_b.members.first()
    ContactFactory(area=household_b.village, name=other.name, phone="13900000004", person=other)
    with pytest.raises(ValidationError):
        record(cadre_a, [head_entry.person, other])
    assert met_links() == [] and not Visit.objects.exists()
    record(cadre_a, [head_entry.person])
    assert [link.target for link in met_links()] == [head_entry]


def test_an_entry_tied_to_a_person_of_another_village_is_refused(village_a, household_b):
    entry = Contact(area=village_a, name="王五", person=household_b.members.first())
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert "person" in refused.value.error_dict


def test_a_failed_link_leaves_no_visit(cadre_a, cadre_entry, head_entry):
    broken = mock.patch(
        "villagedesk.directory.services.validated_save", side_effect=IntegrityError("lost race")
    )
    with broken, pytest.raises(IntegrityError):
        record(cadre_a, [head_entry.person])
    assert not Visit.objects.exists() and met_links() == []
