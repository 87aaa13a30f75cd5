"""Who sees a directory entry: shared entries reach the county of the area that keeps them,
private ones stay in that area."""

import pytest
from django.urls import reverse

from conftest import make_area, make_user
from villagedesk.accounts.models import Role
from villagedesk.areas.models import Area, Level
from villagedesk.directory import selectors
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre_of_next_county(county):
    """A cadre of a village in another county of the same province (and city)."""
    city = Area.objects.get(code="530100000000")
    other_county = make_area("530129000000", Level.COUNTY, "寻甸回族彝族自治县", city)
    township = make_area("530129100000", Level.TOWNSHIP, "仁德街道", other_county)
    village = make_area("530129100001", Level.VILLAGE, "东村", township)
    return make_user("cadre_next_county", Role.CADRE, village)


def test_a_shared_entry_is_not_seen_in_another_county_of_the_province(
    client, cadre_of_next_county, cadre_b, village_a
):
    contact = ContactFactory(area=village_a, name="赵公开")
    organisation = OrganisationFactory(area=village_a, name="大河村合作社")
    # Within the county, the shared entries reach another village's team.
    assert selectors.contact_get(user=cadre_b, pk=contact.pk) == contact
    client.force_login(cadre_of_next_county)
    assert client.get(contact.get_absolute_url()).status_code == 404
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert "赵公开" not in client.get(reverse("directory:contact-list")).content.decode()
    assert "大河村合作社" not in client.get(reverse("directory:organisation-list")).content.decode()


def test_a_county_entry_is_shared_with_the_villages_below_it(cadre_a, county):
    bureau = OrganisationFactory(area=county, name="县乡村振兴局")
    assert selectors.organisation_get(user=cadre_a, pk=bureau.pk) == bureau


def test_a_private_entry_stays_in_its_area_even_for_the_county(county_supervisor, village_b):
    private = ContactFactory(area=village_b, private=True)
    # The county supervisor's areas include village B: private entries are theirs to see.
    assert selectors.contact_get(user=county_supervisor, pk=private.pk) == private


def test_an_id_no_database_holds_is_not_found(client, cadre_a):
    client.force_login(cadre_a)
    assert client.get(f"/directory/contacts/{2**70}/").status_code == 404
