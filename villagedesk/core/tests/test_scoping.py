"""Scoping by area code: rows seen by prefix, one 404 for every row a user may not open, and
scope codes that rows keep themselves on every write."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.test.utils import isolate_apps
from hypothesis import given
from hypothesis import strategies as st

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import (
    HouseholdScoped,
    ScopeCodeField,
    Scoped,
    VillageScoped,
    get_visible_or_404,
    prefix_end,
    prefix_match,
    scope_codes_fill,
    scope_codes_follow,
)
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.fieldwork.models import KeyGroupTag
from villagedesk.organisation.models import GroupHousehold, TenHouseholdGroup
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import Enrolment, Policy

pytestmark = pytest.mark.django_db

OTHER_VILLAGE = "530128200001"


@pytest.fixture
def other_village(county):
    township = Area.objects.create(
        code="530128200000", level=Level.TOWNSHIP, name="翠华镇", parent=county
    )
    return Area.objects.create(
        code=OTHER_VILLAGE, level=Level.VILLAGE, name="翠华村", parent=township
    )


@pytest.fixture
def households(village_a, village_b, other_village):
    """One household in each of three villages, two of them in one township."""
    return {
        area.code: HouseholdFactory(village=area, number="001")
        for area in (village_a, village_b, other_village)
    }


def area_codes(queryset):
    return sorted(row.area_code for row in queryset)


def test_within_no_prefixes_is_nothing(households):
    assert list(Household.objects.within([])) == []
    assert list(Household.objects.within(())) == []


def test_within_a_village_is_that_village(households):
    assert area_codes(Household.objects.within(["530128100001"])) == ["530128100001"]


def test_within_a_township_is_its_villages(households):
    assert area_codes(Household.objects.within(["530128100"])) == [
        "530128100001",
        "530128100002",
    ]


def test_within_several_prefixes_is_their_union(households):
    assert area_codes(Household.objects.within(["530128100002", "530128200"])) == [
        "530128100002",
        OTHER_VILLAGE,
    ]


def test_within_the_empty_prefix_is_everything(households):
    assert len(Household.objects.within([""])) == 3


@pytest.mark.parametrize(
    ("prefix", "end"),
    [("5340211", "5340212"), ("5340219", "534022"), ("1299", "13"), ("999", None), ("", None)],
)
def test_a_prefix_ends_before_the_next_code_of_its_length(prefix, end):
    assert prefix_end(prefix) == end


@given(prefix=st.text("0123456789", max_size=12), code=st.text("0123456789", max_size=12))
def test_the_range_of_a_prefix_holds_exactly_the_codes_starting_with_it(prefix, code):
    end = prefix_end(prefix)
    assert (prefix <= code and (end is None or code < end)) is code.startswith(prefix)


def test_a_prefix_of_digits_is_matched_as_a_range_an_index_reads():
    assert prefix_match(["5340219"], "code") == Q(code__gte="5340219") & Q(code__lt="534022")
    assert prefix_match(["99"]) == Q(area_code__gte="99")
    assert prefix_match(["", "53a"]) == Q(area_code__startswith="") | Q(area_code__startswith="53a")


def test_a_prefix_ending_in_nine_keeps_every_code_below_it(households, county):
    township = Area.objects.create(
        code="530128199000", level=Level.TOWNSHIP, name="九龙镇", parent=county
    )
    village = Area.objects.create(
        code="530128199999", level=Level.VILLAGE, name="九龙村", parent=township
    )
    HouseholdFactory(village=village, number="001")
    for prefix in ("53012819", "5301281999", "530128199999"):
        assert area_codes(Household.objects.within([prefix])) == ["530128199999"]
    assert area_codes(Household.objects.within(["5301282"])) == [OTHER_VILLAGE]
    assert area_codes(Household.objects.within(["53012810000"])) == [
        "530128100001",
        "530128100002",
    ]
    assert area_codes(Household.objects.within(["5301281"])) == [
        "530128100001",
        "530128100002",
        "530128199999",
    ]


def test_within_a_prefix_matches_the_start_of_the_code_only(households):
    # "100001" occurs inside 530128100001 but no code starts with it.
    assert list(Household.objects.within(["100001"])) == []


def test_prefix_match_filters_area_codes_unless_told_another_field(households, village_a):
    assert area_codes(Household.objects.filter(prefix_match(["530128100001", "530128200"]))) == [
        "530128100001",
        OTHER_VILLAGE,
    ]
    assert list(Area.objects.filter(prefix_match(["530128100001"], "code"))) == [village_a]


def test_within_reads_the_querysets_own_area_field(households):
    # Areas are scoped by their own code: a township and the villages under it.
    assert [a.code for a in Area.objects.within(["530128100"]).order_by("code")] == [
        "530128100000",
        "530128100001",
        "530128100002",
    ]


def test_visible_to_a_cadre_is_the_cadres_village(cadre_a, households):
    assert area_codes(Household.objects.visible_to(cadre_a)) == ["530128100001"]


def test_visible_to_a_county_supervisor_is_the_county(county_supervisor, households):
    assert len(Household.objects.visible_to(county_supervisor)) == 3


def test_visible_to_follows_the_area_in_focus(county_supervisor, households):
    county_supervisor.focus_prefix = "530128100002"
    assert area_codes(Household.objects.visible_to(county_supervisor)) == ["530128100002"]


def test_visible_to_a_user_without_areas_is_nothing(households):
    assert list(Household.objects.visible_to(User.objects.create_user("nobody"))) == []


def test_visible_to_any_role_opens_its_area(households, village_b):
    user = User.objects.create_user("committee")
    Assignment.objects.create(user=user, area=village_b, role=Role.VILLAGE_COMMITTEE)
    assert area_codes(Household.objects.visible_to(user)) == ["530128100002"]


def test_get_visible_or_404_gives_the_row_the_user_sees(cadre_a, households):
    own = households["530128100001"]
    assert get_visible_or_404(Household.objects, user=cadre_a, pk=own.pk) == own
    assert get_visible_or_404(Household.objects.all(), user=cadre_a, number="001") == own


def test_get_visible_or_404_another_area_is_not_found(cadre_a, households):
    other = households["530128100002"]
    with pytest.raises(Http404):
        get_visible_or_404(Household.objects, user=cadre_a, pk=other.pk)


@pytest.mark.parametrize("pk", [0, -1, 10**6, 2**63, 2**70, "abc", "1.5"])
def test_get_visible_or_404_unknown_or_impossible_keys_are_not_found(cadre_a, households, pk):
    with pytest.raises(Http404):
        get_visible_or_404(Household.objects, user=cadre_a, pk=pk)


def test_get_visible_or_404_respects_the_querysets_own_filter(cadre_a, households):
    own = households["530128100001"]
    with pytest.raises(Http404):
        get_visible_or_404(Household.objects.exclude(pk=own.pk), user=cadre_a, pk=own.pk)


# Rows that keep their own scope codes. No model on the spine's first day declares a
# ScopeCodeField, so these are defined here, apart from the project's apps; the village-scoped
# one is written into the table of village groups, which has the same columns.


@pytest.fixture
def scoped_models():
    with isolate_apps("villagedesk.core"):

        class GroupRow(VillageScoped):
            village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
            number = models.PositiveSmallIntegerField()
            name = models.CharField(max_length=100)

            class Meta:
                app_label = "core"
                db_table = "areas_villagegroup"
                managed = False

        class MemberRow(HouseholdScoped):
            household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
            county_code = ScopeCodeField(digits=6)
            note = models.CharField(max_length=10, blank=True)

            class Meta:
                app_label = "core"
                managed = False

        class Unsaid(Scoped):
            class Meta:
                app_label = "core"
                managed = False

        yield GroupRow, MemberRow, Unsaid


def stored_codes(queryset):
    return sorted(queryset.values_list("area_code", flat=True))


def test_a_row_takes_its_village_code_on_save(scoped_models, village_a, village_b):
    GroupRow = scoped_models[0]
    row = GroupRow(village=village_a, number=7, name="七组")
    row.save()
    assert row.area_code == village_a.code
    assert GroupRow.objects.get(pk=row.pk).area_code == village_a.code


def test_a_row_moved_to_another_village_takes_its_code_on_update(
    scoped_models, village_a, village_b
):
    GroupRow = scoped_models[0]
    row = GroupRow(village=village_a, number=7, name="七组")
    row.save()
    row.village = village_b
    row.area_code = "stale"
    row.save()
    assert GroupRow.objects.get(pk=row.pk).area_code == village_b.code
    row.village = village_a
    row.save(update_fields=["village"])
    assert GroupRow.objects.get(pk=row.pk).area_code == village_b.code  # only what was asked
    row.save(update_fields=["village", "area_code"])
    assert GroupRow.objects.get(pk=row.pk).area_code == village_a.code


def test_bulk_create_fills_every_rows_code(scoped_models, village_a, village_b):
    GroupRow = scoped_models[0]
    GroupRow.objects.bulk_create(
        [
            GroupRow(village=village_a, number=7, name="七组"),
            GroupRow(village=village_b, number=8, name="八组", area_code="wrong"),
        ]
    )
    assert stored_codes(GroupRow.objects.filter(number__in=[7, 8])) == [
        village_a.code,
        village_b.code,
    ]


def test_rows_with_codes_are_scoped_by_them(scoped_models, village_a, village_b, cadre_a):
    GroupRow = scoped_models[0]
    GroupRow.objects.bulk_create(
        [GroupRow(village=v, number=7, name="七组") for v in (village_a, village_b)]
    )
    assert stored_codes(GroupRow.objects.visible_to(cadre_a).filter(number=7)) == [village_a.code]


def test_scope_codes_fill_sets_codes_without_saving(scoped_models, village_a, households):
    GroupRow, MemberRow, _ = scoped_models
    household = households[OTHER_VILLAGE]
    group = GroupRow(village=village_a, number=7, name="七组")
    member = MemberRow(household=household, note="kept")
    scope_codes_fill([group, member])
    assert group.area_code == village_a.code
    assert (member.area_code, member.county_code, member.note) == (OTHER_VILLAGE, "530128", "kept")
    assert group.pk is None and not GroupRow.objects.filter(number=7).exists()


def test_scope_codes_fill_overwrites_a_stale_code(scoped_models, households):
    MemberRow = scoped_models[1]
    member = MemberRow(household=households[OTHER_VILLAGE], area_code="530128100001")
    scope_codes_fill(iter([member]))
    assert member.area_code == OTHER_VILLAGE


def test_a_household_scoped_row_takes_the_households_code(scoped_models, households):
    MemberRow = scoped_models[1]
    member = MemberRow(household=households["530128100002"])
    assert member.scope_code() == "530128100002"


def test_digits_keep_the_leading_digits_of_the_code(scoped_models, households):
    MemberRow = scoped_models[1]
    member = MemberRow(household=households["530128100002"])
    field = MemberRow._meta.get_field("county_code")
    assert field.pre_save(member, add=True) == "530128"
    assert member.county_code == "530128"
    whole = MemberRow._meta.get_field("area_code")
    assert whole.pre_save(member, add=False) == "530128100002"
    assert member.area_code == "530128100002"


def test_a_scoped_model_must_say_where_its_code_comes_from(scoped_models):
    Unsaid = scoped_models[2]
    with pytest.raises(NotImplementedError):
        Unsaid().scope_code()


def test_a_village_scoped_row_refuses_an_area_that_is_not_a_village(
    scoped_models, township, village_a
):
    GroupRow = scoped_models[0]
    with pytest.raises(ValidationError) as refused:
        GroupRow(village=township, number=7, name="七组").clean()
    assert refused.value.message_dict == {"village": ["Choose a village."]}
    GroupRow(village=village_a, number=7, name="七组").clean()
    GroupRow(number=7, name="七组").clean()  # no village yet: the field's own check says so


def test_scope_code_field_is_twelve_indexed_and_not_editable():
    field = ScopeCodeField()
    assert (field.max_length, field.db_index, field.editable, field.digits) == (
        12,
        True,
        False,
        None,
    )
    assert ScopeCodeField(editable=True).editable is False
    assert ScopeCodeField("county code", digits=6).verbose_name == "county code"


def test_scope_code_field_with_digits_is_that_long():
    field = ScopeCodeField(digits=6)
    assert (field.max_length, field.digits) == (6, 6)
    assert ScopeCodeField(digits=6, max_length=9, db_index=False).max_length == 9
    assert ScopeCodeField(db_index=False).db_index is False


def test_scope_code_field_deconstructs_to_what_rebuilds_it():
    name, path, args, kwargs = ScopeCodeField(digits=6).deconstruct()
    assert path == "villagedesk.core.scoping.ScopeCodeField"
    assert kwargs == {"max_length": 6, "db_index": True, "digits": 6}
    rebuilt = ScopeCodeField(*args, **kwargs)
    assert (rebuilt.max_length, rebuilt.digits, rebuilt.editable) == (6, 6, False)
    assert ScopeCodeField().deconstruct()[3] == {"max_length": 12, "db_index": True}


@pytest.fixture
def kept_about(village_a, village_b):
    """A household of village A and what is kept about it and its head (an enrolment, a
    key-group tag, its place in a ten-household group), beside another household's enrolment."""
    policy = Policy.objects.create(
        code="moving", name_zh="随迁", name_en="moving", category="social_assistance"
    )
    other = HouseholdFactory(village=village_a, number="A-2")
    PersonFactory(household=other)
    household = HouseholdFactory(village=village_a, number="A-1")
    PersonFactory(household=household, relation="son")
    head = PersonFactory(household=household)
    # Keys of households and of persons differ: rows follow the kind of row they name.
    assert head.pk != household.pk
    group = TenHouseholdGroup.objects.create(village=village_a, name="甲组")
    return {
        "household": household,
        "head": head,
        "enrolment": Enrolment.objects.create(
            policy=policy, household=household, starts_on=datetime.date(2024, 1, 1)
        ),
        "tag": KeyGroupTag.objects.create(person=head, group=KeyGroup.COMMITTEE),
        "membership": GroupHousehold.objects.create(group=group, household=household),
        "other": Enrolment.objects.create(
            policy=policy, household=other, starts_on=datetime.date(2024, 1, 1)
        ),
    }


def moved_to(kept, village):
    household, head = kept["household"], kept["head"]
    household.village = village
    household.save()
    head.save()
    scope_codes_follow(Household, [household.pk], village.code)
    scope_codes_follow(Person, [head.pk], village.code)


def test_rows_about_a_moved_household_and_its_members_follow_them(kept_about, village_b):
    moved_to(kept_about, village_b)
    codes = {
        name: type(row).objects.filter(pk=row.pk).values_list("area_code", flat=True).first()
        for name, row in kept_about.items()
    }
    assert codes == {
        "household": village_b.code,
        "head": village_b.code,
        "enrolment": village_b.code,
        "tag": village_b.code,
        # A place in a group of village A holds in village A only.
        "membership": None,
        "other": kept_about["other"].area_code,
    }


def test_rows_of_a_household_that_stays_are_kept(kept_about, village_a):
    moved_to(kept_about, village_a)
    assert GroupHousehold.objects.filter(pk=kept_about["membership"].pk).exists()
    assert Enrolment.objects.get(pk=kept_about["enrolment"].pk).area_code == village_a.code
