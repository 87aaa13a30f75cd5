"""Each figure of the village profile equals a direct count over the demo county's registry."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, PointOfInterest, VillageNote
from villagedesk.directory.profile import Figures, village_figures
from villagedesk.registry import figures, services
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--villages", "2", "--households", "120", "--seed", "5", verbosity=0)
    return Area.objects.villages().order_by("code").first()


def persons_of(village):
    return [p for p in Person.objects.filter(household__village=village)]


def test_profile_figures_equal_direct_counts_over_the_registry(demo):
    today = timezone.localdate()
    figures = village_figures(prefix=demo.prefix, today=today)
    people = persons_of(demo)
    households = list(Household.objects.filter(village=demo))

    assert figures.households == len(households) > 0
    assert figures.persons == len(people) > 0
    assert figures.labour_force == sum(p.labour in {"ordinary", "skilled", "weak"} for p in people)
    assert figures.migrant_workers == sum(bool(p.migrant_work) for p in people)
    assert figures.disabled == sum(bool(p.disability_category) for p in people)
    assert dict(figures.labour) == {
        str(Person(labour=code).get_labour_display()): sum(p.labour == code for p in people)
        for code in {p.labour for p in people if p.labour}
    }
    by_status = {s: sum(h.status == s for h in households) for s in HouseholdStatus}
    assert dict(figures.households_by_status) == {
        str(s.label): n for s, n in by_status.items() if n
    }
    ages = [p.age_on(today) for p in people]
    for band in figures.age_pyramid:
        low, high = (
            (int(band.label[:-1]), 200)
            if band.label.endswith("+")
            else map(int, band.label.split("–"))
        )
        in_band = [p for p, age in zip(people, ages, strict=True) if low <= age <= high]
        assert band.male == sum(p.sex == "male" for p in in_band), band.label
        assert band.female == sum(p.sex == "female" for p in in_band), band.label
    assert sum(b.male + b.female for b in figures.age_pyramid) == len(people)
    surnames: dict[str, int] = {}
    for p in people:
        surnames[p.name[0]] = surnames.get(p.name[0], 0) + 1
    expected = sorted(surnames.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert figures.surnames == expected
    poor = sum(p.household.status == HouseholdStatus.POOR for p in people)
    assert figures.poor_persons == poor
    assert figures.poverty_incidence == round(Decimal(poor * 100) / len(people), 1)


def test_poverty_incidence_is_computed_never_stored():
    assert isinstance(Figures.poverty_incidence, property)
    for model in (Area, Household, Person, PointOfInterest, VillageNote):
        assert "poverty_incidence" not in {f.name for f in model._meta.get_fields()}
    assert Figures(persons=0).poverty_incidence is None
    assert str(Figures(persons=3, poor_persons=1).poverty_incidence) == "33.3"


def test_profile_page_shows_the_figures(client, demo):
    cadre = User.objects.get(username="cadre1")
    village = Area.objects.within(cadre.area_prefixes()).villages().first()
    client.force_login(cadre)
    response = client.get(reverse("directory:profile", args=[village.code]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert f'id="fig-households">{figures.households}<' in response.content.decode()
    assert figures.households == Household.objects.filter(village=village).count()


def test_cadre_cannot_open_profile_or_notes_of_another_village(client, cadre_a, village_b):
    note = VillageNote.objects.create(village=village_b, topic="history", title="建村", body="…")
    point = PointOfInterest.objects.create(
        village=village_b, category="school", name="小学", latitude=25.5, longitude=102.5
    )
    client.force_login(cadre_a)
    assert client.get(reverse("directory:profile", args=[village_b.code])).status_code == 404
    assert client.get(reverse("directory:note-edit", args=[note.pk])).status_code == 404
    assert client.get(reverse("directory:point-edit", args=[point.pk])).status_code == 404
    assert client.get(reverse("directory:point-photo", args=[point.pk])).status_code == 404


def test_own_profile_lists_notes_and_points(client, cadre_a, village_a):
    VillageNote.objects.create(village=village_a, topic="customs", title="火把节", body="六月")
    client.force_login(cadre_a)
    page = client.get(reverse("directory:profile", args=[village_a.code])).content.decode()
    assert "火把节" in page


def test_a_point_outside_china_is_refused_with_a_message(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {"category": "school", "name": "小学", "latitude": "102.5", "longitude": "25.5"}
    response = client.post(reverse("directory:point-create", args=[village_a.code]), data)
    assert response.status_code == 200
    assert "outside China" in response.content.decode()
    assert 'value="小学"' in response.content.decode()
    assert not PointOfInterest.objects.exists()
    data.update(latitude="25.5", longitude="102.5")
    response = client.post(reverse("directory:point-create", args=[village_a.code]), data)
    assert response.status_code == 302
    assert PointOfInterest.objects.get().area_code == village_a.code


def test_supervisor_reads_but_does_not_add_points(client, county_supervisor, village_a):
    client.force_login(county_supervisor)
    assert client.get(reverse("directory:profile", args=[village_a.code])).status_code == 200
    assert client.get(reverse("directory:point-create", args=[village_a.code])).status_code == 403


def test_profile_page_query_count_does_not_grow_with_the_village(
    client, demo, django_assert_max_num_queries
):
    cadre = User.objects.get(username="cadre1")
    village = Area.objects.within(cadre.area_prefixes()).villages().first()
    client.force_login(cadre)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("directory:profile", args=[village.code])).status_code == 200


def test_county_profile_counts_points_and_notes_and_leaves_the_map_to_a_fetch(
    client, county_supervisor, county, village_a, village_b
):
    for n in range(3):
        PointOfInterest.objects.create(
            village=village_a, category="school", name=f"小学{n}", latitude=25.5, longitude=102.5
        )
    PointOfInterest.objects.create(
        village=village_b, category="water", name="龙潭", latitude=25.6, longitude=102.6
    )
    VillageNote.objects.create(village=village_b, topic="history", title="建村", body="明代")
    client.force_login(county_supervisor)
    page = client.get(reverse("directory:profile", args=[county.code])).content.decode()
    # Neither a point nor a note is on the county's page: counts, and each village's link.
    assert "小学0" not in page and "龙潭" not in page and "明代" not in page
    assert 'id="map-points"' not in page
    assert "<tr><td>School</td><td>3</td></tr>" in page
    assert "<tr><td>Water source</td><td>1</td></tr>" in page
    a, b = (reverse("directory:profile", args=[v.code]) for v in (village_a, village_b))
    assert f'<a href="{a}">{village_a.display_name}</a></td><td>3</td><td>0</td>' in page
    assert f'<a href="{b}">{village_b.display_name}</a></td><td>1</td><td>1</td>' in page
    points_url = reverse("directory:profile-points", args=[county.code])
    assert f'data-points-url="{points_url}"' in page
    points = client.get(points_url).json()["points"]
    assert sorted(p["name"] for p in points) == ["小学0", "小学1", "小学2", "龙潭"]


def test_village_profile_keeps_its_points_and_notes_on_the_page(client, cadre_a, village_a):
    PointOfInterest.objects.create(
        village=village_a, category="school", name="大河小学", latitude=25.5, longitude=102.5
    )
    client.force_login(cadre_a)
    page = client.get(reverse("directory:profile", args=[village_a.code])).content.decode()
    assert 'id="map-points"' in page and "data-points-url" not in page
    assert "大河小学</a>" in page  # in the table of points


def test_map_points_of_an_area_outside_the_users_are_not_found(
    client, cadre_a, village_a, village_b, county
):
    PointOfInterest.objects.create(
        village=village_b, category="school", name="小学", latitude=25.5, longitude=102.5
    )
    client.force_login(cadre_a)
    for area in (village_b, county):
        url = reverse("directory:profile-points", args=[area.code])
        assert client.get(url).status_code == 404
    own = client.get(reverse("directory:profile-points", args=[village_a.code]))
    assert own.json() == {"points": []}


def test_profile_lists_only_the_codes_present_in_the_order_of_their_lists(village_a):
    poor = HouseholdFactory(village=village_a, status=HouseholdStatus.POOR)
    PersonFactory(household=poor, labour="weak", disability_category="mental", disability_grade=2)
    PersonFactory(
        household=HouseholdFactory(village=village_a, status=HouseholdStatus.NOT_POOR),
        labour="ordinary",
        migrant_work="out_of_province",
        disability_category="visual",
        disability_grade=1,
    )
    figures = village_figures(prefix=village_a.prefix, today=timezone.localdate())
    assert figures.labour == [("Ordinary labour", 1), ("Weak or half labour", 1)]
    assert figures.migrants_by_place == [("Outside the province", 1)]
    assert figures.disabled_by_category == [("Visual", 1), ("Mental", 1)]
    assert figures.households_by_status == [("Not poor", 1), ("Registered poor", 1)]


def test_a_large_areas_figures_are_kept_for_its_data_and_counted_again_after_a_write(
    client, demo, monkeypatch
):
    """Above INLINE_HOUSEHOLDS the county's figures are counted once for each state of its data:
    equal to a count in the request, in the reader's language, and new after a write."""
    supervisor = User.objects.get(username="county")
    county = Area.objects.get(code=supervisor.area_prefixes()[0].ljust(12, "0"))
    today = timezone.localdate()
    live = village_figures(prefix=county.prefix, today=today)
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", 0)
    client.force_login(supervisor)
    url = reverse("directory:profile", args=[county.code])
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["figures"] == live
    with translation.override("zh-hans"):
        in_chinese = village_figures(prefix=county.prefix, today=today)
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").context["figures"] == in_chinese
    household = Household.objects.filter(area_code__startswith=county.prefix).first()
    added = PersonFactory(household=household, relation="other")  # not through a service
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["figures"].persons == live.persons
    services.person_save(by=User.objects.get(username="admin"), person=added)
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["figures"].persons == live.persons + 1
