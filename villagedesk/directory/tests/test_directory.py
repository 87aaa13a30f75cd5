import pytest
from django.urls import reverse

from villagedesk.areas.models import Level
from villagedesk.directory import selectors, services, views
from villagedesk.directory.models import Contact, Link, LinkKind
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(county):
    return OrganisationFactory(area=county, name="县乡村振兴局")


def names(user, q=""):
    filters = selectors.ContactFilters(q=q)
    return {c.name for c in selectors.contact_list(user=user, filters=filters)}


def test_search_finds_people_by_chinese_pinyin_initials_and_organisation(
    cadre_a, village_a, bureau
):
    ContactFactory(area=village_a, name="张建国", organisation=bureau)
    ContactFactory(area=village_a, name="李红")
    assert names(cadre_a, "建国") == {"张建国"}
    assert names(cadre_a, "zhangjian") == {"张建国"}
    assert names(cadre_a, "zjg") == {"张建国"}
    assert names(cadre_a, "振兴局") == {"张建国"}
    assert names(cadre_a, "xczx") == {"张建国"}  # inside the organisation's initials
    assert names(cadre_a, "xiangcun") == {"张建国"}
    assert names(cadre_a, "xc") == set()  # two letters only at the start
    assert names(cadre_a, "5678") == {"张建国", "李红"}


@pytest.mark.parametrize("name", ["contact-list", "organisation-list"])
def test_an_identity_number_typed_in_the_search_is_shown_back_masked(client, cadre_a, name):
    number = "53012819800517001X"
    client.force_login(cadre_a)
    url = reverse(f"directory:{name}")
    page = client.get(url, {"q": number}).content.decode()
    assert number[:17] not in page and number[1:] not in page
    assert 'value="530128********001X"' in page
    page = client.get(url, {"q": "13812345678"}).content.decode()
    assert 'value="13812345678"' in page, "a phone number is searched for and shown as typed"


def test_shared_entry_of_another_village_is_visible_but_private_one_is_not(
    client, cadre_a, village_b
):
    shared = ContactFactory(area=village_b, name="赵公开")
    private = ContactFactory(area=village_b, name="钱私密", private=True)
    client.force_login(cadre_a)
    assert client.get(shared.get_absolute_url()).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 404
    page = client.get(reverse("directory:contact-list")).content.decode()
    assert "赵公开" in page and "钱私密" not in page
    assert "钱私密" not in client.get(reverse("directory:contact-export-vcf")).content.decode()


def test_private_organisation_of_another_village_is_404(client, cadre_a, village_b):
    organisation = OrganisationFactory(area=village_b, name="小河村合作社", private=True)
    client.force_login(cadre_a)
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert "小河村合作社" not in client.get(reverse("directory:organisation-list")).content.decode()


def test_cadre_cannot_edit_shared_entry_kept_by_another_village(client, cadre_a, village_b):
    contact = ContactFactory(area=village_b)
    client.force_login(cadre_a)
    assert client.get(reverse("directory:contact-edit", args=[contact.pk])).status_code == 403


def test_adding_a_contact_keeps_what_was_typed_when_the_phone_is_wrong(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {"name": "孙立", "kind": "current", "phone": "12345", "area": village_a.pk}
    response = client.post(reverse("directory:contact-create"), data)
    assert response.status_code == 200
    assert "11 digits" in response.content.decode()
    assert 'value="孙立"' in response.content.decode()
    assert not Contact.objects.exists()


def test_adding_a_contact_saves_normalised_phone(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {"name": "孙立", "kind": "current", "phone": "138 1234 5678", "area": village_a.pk}
    response = client.post(reverse("directory:contact-create"), data)
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.phone == "13812345678"
    assert contact.name_initials == "sl"


def test_cadre_cannot_keep_contact_for_another_village(client, cadre_a, village_b):
    client.force_login(cadre_a)
    data = {"name": "孙立", "kind": "current", "area": village_b.pk}
    response = client.post(reverse("directory:contact-create"), data)
    assert response.status_code == 200  # village B is not a choice
    assert not Contact.objects.exists()


def test_term_cannot_end_before_it_starts(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {
        "name": "周前任",
        "kind": "former_secretary",
        "term_start": "2021-05-01",
        "term_end": "2019-05-01",
        "area": village_a.pk,
    }
    response = client.post(reverse("directory:contact-create"), data)
    assert "cannot end before it starts" in response.content.decode()
    assert not Contact.objects.exists()


def link(client, source, target, kind=LinkKind.WORKS_WITH):
    return client.post(
        reverse("directory:link-create", args=[source.pk]), {"target": target.pk, "kind": kind}
    )


def test_a_person_cannot_be_linked_to_themselves(client, cadre_a, village_a):
    person = ContactFactory(area=village_a)
    client.force_login(cadre_a)
    response = link(client, person, person)
    assert "cannot be linked to themselves" in response.content.decode()
    assert not Link.objects.exists()


def test_a_duplicate_link_is_refused_in_either_direction(client, cadre_a, village_a):
    one = ContactFactory(area=village_a, name="甲")
    two = ContactFactory(area=village_a, name="乙")
    client.force_login(cadre_a)
    assert link(client, one, two).status_code == 302
    assert "already linked" in link(client, one, two).content.decode()
    assert "already linked" in link(client, two, one).content.decode()
    assert Link.objects.count() == 1
    assert link(client, two, one, LinkKind.REPORTS_TO).status_code == 302


def test_cannot_link_to_a_private_person_of_another_village(client, cadre_a, village_a, village_b):
    mine = ContactFactory(area=village_a)
    hidden = ContactFactory(area=village_b, private=True)
    client.force_login(cadre_a)
    response = link(client, mine, hidden)
    assert response.status_code == 200
    assert not Link.objects.exists()


def test_links_to_hidden_people_are_not_shown(cadre_a, cadre_b, village_a, village_b):
    mine = ContactFactory(area=village_a)
    hidden = ContactFactory(area=village_b, private=True)
    services.link_create(by=cadre_b, link=Link(source=hidden, target=mine, kind=LinkKind.FAMILY))
    assert not selectors.link_list(user=cadre_a, contact=mine).exists()


def test_directory_pages_render(client, cadre_a, village_a, bureau, django_assert_max_num_queries):
    for n in range(30):
        ContactFactory(area=village_a, name=f"张{n}", organisation=bureau)
    client.force_login(cadre_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("directory:contact-list")).status_code == 200
    for name in ("organisation-list", "network", "contact-create", "organisation-create"):
        assert client.get(reverse(f"directory:{name}")).status_code == 200
    assert client.get(bureau.get_absolute_url()).status_code == 200


def test_village_committee_sees_phones_masked(client, committee_a, village_a):
    ContactFactory(area=village_a, phone="13812345678")
    client.force_login(committee_a)
    page = client.get(reverse("directory:contact-list")).content.decode()
    assert "13812345678" not in page and "138****5678" in page


def test_the_keeper_changes_a_contact_and_an_organisation_on_the_same_pages_as_adding(
    client, cadre_a, village_a
):
    contact = ContactFactory(area=village_a, name="孙立")
    organisation = OrganisationFactory(area=village_a, name="合作社")
    client.force_login(cadre_a)
    edit = reverse("directory:contact-edit", args=[contact.pk])
    assert 'value="孙立"' in client.get(edit).content.decode()
    data = {"name": "孙立新", "kind": "current", "phone": contact.phone, "area": village_a.pk}
    assert client.post(edit, data).status_code == 302
    edit = reverse("directory:organisation-edit", args=[organisation.pk])
    data = {"name": "大河合作社", "kind": "cooperative", "level": 5, "area": village_a.pk}
    assert client.post(edit, data).status_code == 302
    contact.refresh_from_db()
    organisation.refresh_from_db()
    assert (contact.name, organisation.name) == ("孙立新", "大河合作社")
    assert Contact.objects.count() == 1


def test_an_organisation_of_another_village_is_read_only(client, cadre_a, village_b):
    organisation = OrganisationFactory(area=village_b, name="小河村合作社")
    client.force_login(cadre_a)
    assert client.get(organisation.get_absolute_url()).status_code == 200
    edit = reverse("directory:organisation-edit", args=[organisation.pk])
    assert client.get(edit).status_code == 403
    data = {"name": "改名", "kind": "cooperative", "level": 5, "area": village_b.pk}
    assert client.post(edit, data).status_code == 403


def test_the_organisations_are_paged_keeping_the_search(
    client, county_supervisor, county, monkeypatch
):
    monkeypatch.setattr(views, "ORGANISATION_PAGE_SIZE", 2)
    for n in range(3):
        OrganisationFactory(area=county, name=f"合作社{n}")
    OrganisationFactory(area=county, name="县医院")
    client.force_login(county_supervisor)
    first = client.get("/directory/organisations/?q=合作社")
    assert first.context["page"].paginator.count == 3
    assert "3 organisations" in first.content.decode()
    assert "q=%E5%90%88%E4%BD%9C%E7%A4%BE&amp;page=2" in first.content.decode()
    second = client.get("/directory/organisations/?q=合作社&page=2")
    names = {o.name for o in first.context["organisations"]} | {
        o.name for o in second.context["organisations"]
    }
    assert names == {"合作社0", "合作社1", "合作社2"}


def test_the_organisation_filter_offers_what_the_user_sees_by_level_then_pinyin(
    client, cadre_a, county, village_a, village_b
):
    OrganisationFactory(name="张村合作社", level=Level.VILLAGE, area=village_a)
    OrganisationFactory(name="安村合作社", level=Level.VILLAGE, area=village_a)
    OrganisationFactory(name="县民政局", level=Level.COUNTY, area=county)
    OrganisationFactory(name="别村小组", level=Level.VILLAGE, area=village_b, private=True)
    client.force_login(cadre_a)
    form = client.get(reverse("directory:contact-list")).context["form"]
    offered = [label for value, label in form.fields["organisation"].choices if value]
    assert offered == ["县民政局", "安村合作社", "张村合作社"]
