"""The playbook's pages: scoped to the user's villages (another village is a 404), the measures
shown as figures with what to do next, the first hundred days dated from the team's arrival,
in English and Chinese."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_user
from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level
from villagedesk.library.selectors import articles_by_step
from villagedesk.playbook import guide
from villagedesk.playbook.measures import STEPS, Measure, measures_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo", "--villages", "2", "--households", "40", "--seed", "5", verbosity=0
        )
        yield list(
            Area.objects.filter(level=Level.VILLAGE).order_by("code").values_list("code", flat=True)
        )
        transaction.set_rollback(True)


def cadre_of(code: str) -> User:
    return User.objects.filter(assignments__area__code=code, assignments__role=Role.CADRE).first()


def client_of(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_a_single_village_user_goes_straight_to_their_village(demo):
    code = demo[0]
    answer = client_of(cadre_of(code)).get(reverse("playbook:index"))
    assert answer.status_code == 302
    assert answer.url == reverse("playbook:village", args=[code])


def test_a_supervisor_picks_among_their_villages(demo):
    supervisor = User.objects.get(username="county")
    answer = client_of(supervisor).get(reverse("playbook:index"))
    assert answer.status_code == 200
    for code in demo:
        assert reverse("playbook:village", args=[code]).encode() in answer.content


def test_a_village_outside_the_users_areas_is_404(demo):
    """Scoping: a village of another area is answered as an unknown one."""
    client = client_of(cadre_of(demo[0]))
    for name in ("playbook:village", "playbook:first-100-days"):
        assert client.get(reverse(name, args=[demo[1]])).status_code == 404
        assert client.get(reverse(name, args=["999999999999"])).status_code == 404
        assert client.get(reverse(name, args=[demo[0][:9] + "000"])).status_code == 404


def test_the_playbook_shows_every_step_its_figures_and_links(demo):
    code = demo[0]
    answer = client_of(cadre_of(code)).get(reverse("playbook:village", args=[code]))
    assert answer.status_code == 200
    page = answer.content.decode()
    for step in STEPS:
        assert f'id="step-{step.number}"' in page
        assert str(step.title) in page
    measures = measures_of([code])[code]
    visited = next(m for m in measures if m.key == "households_visited")
    assert f"{visited.numerator}/{visited.denominator}" in page
    assert f'max="{visited.denominator}" value="{visited.numerator}"' in page
    # Households not all visited: the advice links to the coverage page of the village.
    assert visited.numerator < visited.denominator
    assert f'href="{reverse("fieldwork:coverage")}?village={code}"' in page


def test_each_step_links_to_its_guidance_articles(demo):
    """The library's articles of a step (the demo loads one for each step) are listed in that
    step's card, and in no other."""
    code = demo[0]
    cadre = cadre_of(code)
    page = client_of(cadre).get(reverse("playbook:village", args=[code])).content.decode()
    cards = page.split('<li class="card step ')[1:]
    assert len(cards) == len(STEPS)
    found = articles_by_step(user=cadre, area_code=code)
    assert sorted(found) == [step.number for step in STEPS]
    for step, card in zip(STEPS, cards, strict=True):
        own = {article.get_absolute_url() for article in found[step.number]}
        others = {
            article.get_absolute_url()
            for number, listed in found.items()
            if number != step.number
            for article in listed
        } - own
        assert all(f'href="{url}"' in card for url in own)
        assert not any(f'href="{url}"' in card for url in others)


def test_the_playbook_in_chinese(demo):
    code = demo[0]
    answer = client_of(cadre_of(code), "zh-hans").get(reverse("playbook:village", args=[code]))
    assert answer.status_code == 200
    assert 'lang="zh-CN"' in answer.content.decode()


def test_the_first_100_days_are_dated_from_the_cadres_arrival(demo):
    code = demo[0]
    today = timezone.localdate()
    village = Area.objects.get(code=code)
    arrival = today - datetime.timedelta(days=20)
    Assignment.objects.filter(area=village, role=Role.CADRE).update(starts_on=arrival)
    # An assignment that ended, though earlier, is not the team's arrival.
    make_user("gone", Role.CADRE, village)
    Assignment.objects.filter(user__username="gone").update(
        starts_on=today - datetime.timedelta(days=400), ends_on=today - datetime.timedelta(days=30)
    )
    answer = client_of(cadre_of(code)).get(reverse("playbook:first-100-days", args=[code]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f"The team arrived on {arrival:%Y-%m-%d}: today is day 21." in page
    # Step 1 takes days 1 to 7: from the arrival to six days later.
    end = arrival + datetime.timedelta(days=6)
    assert f"{arrival:%Y-%m-%d} – {end:%Y-%m-%d}" in page
    # The steps in the order a new team takes them.
    order = [
        page.index(f'<span class="step-number">{n}</span>') for n, _f, _l in guide.HUNDRED_DAYS
    ]
    assert order == sorted(order)
    assert "The first 100 days ended" not in page


def test_after_the_first_100_days_the_page_says_when_they_ended(demo):
    code = demo[0]
    arrival = timezone.localdate() - datetime.timedelta(days=150)
    Assignment.objects.filter(area__code=code, role=Role.CADRE).update(starts_on=arrival)
    answer = client_of(cadre_of(code)).get(reverse("playbook:first-100-days", args=[code]))
    ended = arrival + datetime.timedelta(days=99)
    assert f"The first 100 days ended on {ended:%Y-%m-%d}" in answer.content.decode()


def test_the_first_100_days_without_a_resident_cadre(demo):
    code = demo[0]
    Assignment.objects.filter(area__code=code, role=Role.CADRE).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        starts_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    supervisor = User.objects.get(username="county")
    answer = client_of(supervisor, "zh-hans").get(reverse("playbook:first-100-days", args=[code]))
    assert answer.status_code == 200
    assert guide.arrival_of(Area.objects.get(code=code), today=timezone.localdate()) is None


def m(key: str, numerator: int, denominator: int | None) -> Measure:
    return Measure(step=4, key=key, label="", numerator=numerator, denominator=denominator)


def test_a_step_is_not_started_under_way_or_covered():
    """Next-step rules (docs/playbook.md): a share reached at 100 %, a count above zero; a share
    with nothing to count is left aside."""
    assert guide.state_of([m("a", 0, 5), m("b", 0, None)]) == guide.State.NOT_STARTED
    assert guide.state_of([m("a", 2, 5), m("b", 0, None)]) == guide.State.UNDER_WAY
    assert guide.state_of([m("a", 5, 5), m("b", 1, None), m("c", 0, 0)]) == guide.State.COVERED
    assert guide.reached(m("a", 0, 0)) is None


def test_advice_is_given_for_each_measure_that_falls_short():
    measures = [
        Measure(step=4, key="households_visited", label="", numerator=3, denominator=5),
        Measure(step=5, key="problems", label="", numerator=2, denominator=None),
        Measure(step=9, key="industry_plan", label="", numerator=0, denominator=None),
    ]
    guides = {g.step.number: g for g in guide.guide_of("530128100001", measures)}
    assert [a.url for a in guides[4].actions] == [
        reverse("fieldwork:coverage") + "?village=530128100001"
    ]
    assert guides[5].actions == []
    assert [a.url for a in guides[9].actions] == [
        reverse("projects:plan-list") + "?village=530128100001"
    ]


def test_every_measure_has_its_advice():
    keys = [m.key for m in measures_of(["110101001001"])["110101001001"]]
    assert set(keys) == set(guide.NEXT)
    for key in keys:
        assert guide.url_of(guide.NEXT[key], "530128100001").startswith("/")


def test_the_key_groups_that_fall_short_share_one_advice_naming_them():
    measures = [
        Measure(step=4, key="key_group_committee", label="", numerator=1, denominator=2),
        Measure(step=4, key="key_group_party", label="", numerator=2, denominator=2),
        Measure(step=4, key="key_group_retired_cadre", label="", numerator=0, denominator=1),
    ]
    (actions,) = [g.actions for g in guide.guide_of("530128100001", measures) if g.step.number == 4]
    assert len(actions) == 1
    with translation.override("en"):
        assert str(actions[0].text) == (
            "Meet the people of the key groups not met in the last 90 days: "
            "Two-committee member, Retired cadre."
        )
    with translation.override("zh-hans"):
        assert "村两委成员、老干部" in str(actions[0].text)
