import pytest
from django.core.exceptions import ValidationError

from villagedesk.areas.models import Area, Level, PointOfInterest, VillageGroup, VillageNote

pytestmark = pytest.mark.django_db


def test_code_outside_its_parent_is_refused(township):
    village = Area(code="530129100001", level=Level.VILLAGE, name="外村", parent=township)
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "does not start with 530128100" in str(error.value)


def test_code_with_digits_past_its_level_is_refused(county):
    township = Area(code="530128100001", level=Level.TOWNSHIP, name="镇", parent=county)
    with pytest.raises(ValidationError) as error:
        township.full_clean()
    assert "must be zero" in str(error.value)


def test_code_of_the_wrong_length_is_refused(county):
    township = Area(code="5301281", level=Level.TOWNSHIP, name="镇", parent=county)
    with pytest.raises(ValidationError) as error:
        township.full_clean()
    assert "exactly 12 digits" in str(error.value)


def test_level_must_follow_the_parent(county):
    village = Area(code="530128100001", level=Level.VILLAGE, name="村", parent=county)
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "directly under" in str(error.value)


def test_own_level_digits_cannot_be_zero(county):
    township = Area(code="530128000000", level=Level.TOWNSHIP, name="镇", parent=county)
    with pytest.raises(ValidationError):
        township.full_clean()


def test_valid_village_passes_and_gets_pinyin(village_a):
    village_a.full_clean()
    assert village_a.name_pinyin == "dahecun"
    assert village_a.prefix == "530128100001"


def test_within_is_a_prefix_match(county, village_a, village_b):
    assert set(Area.objects.within([village_a.prefix])) == {village_a}
    assert Area.objects.within([county.prefix]).villages().count() == 2
    assert not Area.objects.within([]).exists()


def test_ancestors_run_from_the_province(village_a):
    assert [a.level for a in village_a.ancestors()] == [1, 2, 3, 4, 5]


def test_groups_points_and_notes_take_the_village_code_even_in_bulk(village_a, village_b):
    VillageGroup.objects.bulk_create([VillageGroup(village=village_b, number=2, name="二组")])
    PointOfInterest.objects.bulk_create(
        [
            PointOfInterest(
                village=village_a, category="school", name="小学", latitude=25.5, longitude=102.5
            )
        ]
    )
    VillageNote.objects.bulk_create(
        [VillageNote(village=village_a, topic="history", title="建村", body="清初")]
    )
    assert VillageGroup.objects.get(number=2).area_code == village_b.code
    assert PointOfInterest.objects.get().area_code == village_a.code
    assert VillageNote.objects.get().area_code == village_a.code


def test_a_point_belongs_to_a_village(township):
    point = PointOfInterest(
        village=township, category="school", name="中学", latitude=25.5, longitude=102.5
    )
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert "village" in error.value.error_dict


def test_points_and_notes_of_a_village_are_seen_by_its_team_only(cadre_a, village_a, village_b):
    for village in (village_a, village_b):
        VillageNote.objects.create(village=village, topic="history", title="建村", body="…")
    assert [n.village for n in VillageNote.objects.visible_to(cadre_a)] == [village_a]
