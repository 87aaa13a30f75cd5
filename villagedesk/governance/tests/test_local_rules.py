"""Local meeting rules, set on their page by those who keep the rules: stricter than the law or
as strict, never looser, and applied to the quorum and majority of the meetings that follow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from villagedesk.governance import services
from villagedesk.governance.models import ItemResult, LocalRule
from villagedesk.governance.tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db

# The representatives' meeting by law: two thirds present, more than half of those present.
STRICTER = services.RuleFigures(
    quorum_numerator=4,
    quorum_denominator=5,
    quorum_more_than=False,
    majority_numerator=2,
    majority_denominator=3,
    majority_more_than=False,
    majority_of_all=False,
)


def form(area, body="representatives", **figures):
    data = {
        "area": area.pk,
        "body": body,
        "quorum_numerator": 4,
        "quorum_denominator": 5,
        "majority_numerator": 2,
        "majority_denominator": 3,
    }
    data.update(figures)
    return {k: v for k, v in data.items() if v is not False}


def test_a_county_supervisor_sets_a_stricter_rule_on_the_page(client, county_supervisor, county):
    client.force_login(county_supervisor)
    response = client.post(reverse("governance:rule-list"), form(county))
    assert response.status_code == 302
    rule = LocalRule.objects.get()
    assert (rule.area, rule.quorum_numerator, rule.quorum_denominator) == (county, 4, 5)
    page = client.get(reverse("governance:rule-list")).content.decode()
    assert "≥ 4/5 of those due" in page


def test_a_looser_rule_is_refused_on_the_page_and_kept_as_typed(client, county_supervisor, county):
    client.force_login(county_supervisor)
    response = client.post(
        reverse("governance:rule-list"), form(county, quorum_numerator=1, quorum_denominator=2)
    )
    assert response.status_code == 200
    assert "never looser" in response.content.decode()
    assert response.context["form"]["quorum_numerator"].value() == "1"
    assert not LocalRule.objects.exists()


def test_at_least_half_in_favour_is_looser_than_more_than_half(county_supervisor, county):
    figures = services.RuleFigures(
        **{**STRICTER.__dict__, "majority_numerator": 1, "majority_denominator": 2}
    )
    with pytest.raises(ValidationError):
        services.local_rule_set(
            by=county_supervisor, area=county, body="representatives", figures=figures
        )


def test_a_second_rule_for_the_body_replaces_the_first(county_supervisor, county):
    services.local_rule_set(
        by=county_supervisor, area=county, body="representatives", figures=STRICTER
    )
    services.local_rule_set(
        by=county_supervisor,
        area=county,
        body="representatives",
        figures=services.RuleFigures(**{**STRICTER.__dict__, "quorum_numerator": 5}),
    )
    assert LocalRule.objects.get().quorum_numerator == 5


def test_a_village_cadre_may_not_open_or_set_the_rules(client, cadre_a, county, village_a):
    client.force_login(cadre_a)
    assert client.get(reverse("governance:rule-list")).status_code == 403
    assert client.post(reverse("governance:rule-list"), form(county)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.local_rule_set(by=cadre_a, area=village_a, body="villagers", figures=STRICTER)
    assert not LocalRule.objects.exists()


def test_a_village_committee_may_not_set_the_rules(client, committee_a, county):
    client.force_login(committee_a)
    assert client.post(reverse("governance:rule-list"), form(county)).status_code == 403


def test_the_rule_set_decides_the_quorum_and_majority_of_later_meetings(
    cadre_a, county_supervisor, county, village_a
):
    # 30 of 45 is two thirds: the law's quorum, short of four fifths.
    before = make_meeting(by=cadre_a, village=village_a, kind="representatives", due=45, present=36)
    assert make_item(by=cadre_a, meeting=before, votes_for=19).result == ItemResult.PASSED
    services.local_rule_set(
        by=county_supervisor, area=county, body="representatives", figures=STRICTER
    )
    short = make_meeting(by=cadre_a, village=village_a, kind="representatives", due=45, present=35)
    assert not short.quorate
    assert short.clause.endswith(county.name)
    held = make_meeting(by=cadre_a, village=village_a, kind="representatives", due=45, present=36)
    assert held.quorate
    # Two thirds of 36 present is 24: 23 fails, 24 passes.
    assert make_item(by=cadre_a, meeting=held, votes_for=23).result == ItemResult.FAILED
    assert make_item(by=cadre_a, meeting=held, votes_for=24).result == ItemResult.PASSED


def test_a_township_is_no_area_of_a_local_rule(county_supervisor, township):
    with pytest.raises(ValidationError):
        services.local_rule_set(
            by=county_supervisor, area=township, body="representatives", figures=STRICTER
        )
