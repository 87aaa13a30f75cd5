import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from villagedesk.fieldwork import views
from villagedesk.fieldwork.codes import Presence, ProblemStatus
from villagedesk.fieldwork.models import DiaryDay, PersonNote, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def visit_data(household, **extra):
    data = {
        "household": household.pk,
        "persons": [p.pk for p in household.members.all()],
        "visited_on": timezone.localdate().isoformat(),
        "kind": "home",
        "topics": ["health", "income"],
        "said": "老人腿脚不便，希望办理慢病卡",
        "opinions": "村口路灯坏了，晚上不安全",
        "follow_up": "帮助申请慢病卡",
        "follow_up_due": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    }
    data.update(extra)
    return data


def test_cadre_logs_a_visit_and_sees_it_on_the_household_timeline(client, cadre_a, household_a):
    client.force_login(cadre_a)
    response = client.post(reverse("fieldwork:visit-create"), visit_data(household_a))
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.topics == ["health", "income"]
    panel = client.get(
        reverse("fieldwork:household-visits", args=[household_a.pk]), headers={"HX-Request": "true"}
    )
    assert "帮助申请慢病卡" in panel.content.decode()
    home = client.get(reverse("reports:home"))
    assert "帮助申请慢病卡" in home.content.decode()


def test_future_visit_keeps_what_was_typed(client, cadre_a, household_a):
    client.force_login(cadre_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("fieldwork:visit-create"), visit_data(household_a, visited_on=tomorrow)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This date is in the future." in page
    assert "老人腿脚不便，希望办理慢病卡" in page
    assert re.search(r'value="health"[^>]*checked', page)
    assert not Visit.objects.exists()


def test_visit_with_person_of_another_village_is_refused_on_the_form(
    client, cadre_a, household_a, household_b
):
    client.force_login(cadre_a)
    data = visit_data(household_a, persons=[household_b.members.first().pk])
    response = client.post(reverse("fieldwork:visit-create"), data)
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_person_search_finds_only_the_users_villages(client, cadre_a, household_a, household_b):
    client.force_login(cadre_a)
    page = client.get(reverse("fieldwork:visit-people"), {"q": "z"}).content.decode()
    assert "张三" in page
    assert "王五" not in client.get(reverse("fieldwork:visit-people"), {"q": "王"}).content.decode()


def test_visit_of_another_village_is_404(client, cadre_a, cadre_b, household_b):
    visit = make_visit(household=household_b, visitor=cadre_b)
    client.force_login(cadre_a)
    assert client.get(visit.get_absolute_url()).status_code == 404
    assert client.get(reverse("fieldwork:visit-photo", args=[visit.pk])).status_code == 404
    assert (
        client.get(reverse("fieldwork:household-visits", args=[household_b.pk])).status_code == 404
    )
    assert "B-001" not in client.get(reverse("fieldwork:visit-list")).content.decode()


def test_problem_from_a_visit_starts_from_its_remark(client, cadre_a, household_a):
    visit = make_visit(household=household_a, visitor=cadre_a, opinions="村口路灯坏了")
    client.force_login(cadre_a)
    page = client.get(reverse("fieldwork:problem-create"), {"visit": visit.pk}).content.decode()
    assert 'value="村口路灯坏了"' in page
    response = client.post(
        reverse("fieldwork:problem-create"),
        {
            "village": household_a.area_code,
            "title": "村口路灯坏了",
            "category": "infrastructure",
            "urgency": "normal",
            "solvable": "locally",
            "households": [household_a.pk],
            "visit": visit.pk,
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert problem.visit == visit
    assert list(problem.households.all()) == [household_a]


def test_skipping_a_status_step_shows_a_message_and_changes_nothing(client, cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    client.force_login(cadre_a)
    response = client.post(
        reverse("fieldwork:problem-move", args=[problem.pk]), {"status": "solved"}, follow=True
    )
    assert "cannot become" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.NEW


def test_a_new_problem_is_owned_by_its_author_unless_they_choose_another(
    client, cadre_a, village_a, county_supervisor
):
    client.force_login(cadre_a)
    form = client.get(reverse("fieldwork:problem-create")).context["form"]
    assert form["owner"].value() == cadre_a.pk
    owners = list(form.fields["owner"].queryset)
    assert owners.index(cadre_a) < owners.index(county_supervisor)  # the village's own first


def test_cadre_cannot_see_or_move_problems_of_another_village(client, cadre_a, cadre_b, village_b):
    problem = make_problem(village=village_b, by=cadre_b, title="小河村的问题")
    client.force_login(cadre_a)
    assert client.get(problem.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("fieldwork:problem-move", args=[problem.pk]), {"status": "analysing"}
        ).status_code
        == 404
    )
    for view in ("board", "table"):
        page = client.get(reverse("fieldwork:problem-list"), {"view": view}).content.decode()
        assert "小河村的问题" not in page


def test_problem_list_queries_do_not_grow_with_rows(
    client, cadre_a, village_a, django_assert_max_num_queries
):
    for n in range(15):
        make_problem(village=village_a, by=cadre_a, title=f"问题{n}", owner=cadre_a)
    client.force_login(cadre_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("fieldwork:problem-list"), {"view": "table"})
    with django_assert_max_num_queries(12):
        client.get(reverse("fieldwork:problem-list"))


def test_overdue_problem_stands_out_on_the_board(client, cadre_a, village_a):
    make_problem(
        village=village_a, by=cadre_a, due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client.force_login(cadre_a)
    assert "ticket overdue" in client.get(reverse("fieldwork:problem-list")).content.decode()


def test_village_committee_gets_404_on_people_notes(client, committee_a, household_a):
    person = household_a.members.first()
    client.force_login(committee_a)
    url = reverse("fieldwork:person-notes", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"attitude": "eager", "influence": "high"}).status_code == 404
    panel = client.get(reverse("fieldwork:household-visits", args=[household_a.pk])).content
    assert url not in panel.decode()


def test_cadre_adds_people_notes_and_keeps_history(client, cadre_a, household_a):
    person = household_a.members.first()
    client.force_login(cadre_a)
    url = reverse("fieldwork:person-notes", args=[person.pk])
    client.post(url, {"attitude": "aside", "influence": "high", "interests": "修路"})
    client.post(url, {"attitude": "eager", "influence": "high", "backbone": "on"})
    notes = list(PersonNote.objects.order_by("recorded_at"))
    assert [n.attitude for n in notes] == ["aside", "eager"]
    assert all(n.recorded_by == cadre_a for n in notes)
    assert "修路" in client.get(url).content.decode()


def test_coverage_page_links_unvisited_households_to_log_a_visit(client, cadre_a, household_a):
    client.force_login(cadre_a)
    page = client.get(reverse("fieldwork:coverage")).content.decode()
    assert f"{reverse('fieldwork:visit-create')}?household={household_a.pk}" in page
    assert 'id="fig-never">1<' in page


def test_coverage_lists_never_visited_households_a_page_at_a_time(client, cadre_a, village_a):
    numbers = [f"P{n:03d}" for n in range(views.COVERAGE_PAGE_SIZE + 7)]
    for number in numbers:
        HouseholdFactory(village=village_a, number=number)
    # Met in the period, so neither listed nor counted among those never met.
    make_visit(household=HouseholdFactory(village=village_a, number="P000A"), visitor=cadre_a)
    client.force_login(cadre_a)
    query = {"village": village_a.code}
    first = client.get(reverse("fieldwork:coverage"), query).content.decode()
    shown = re.findall(r">(P\d{3})<", first)
    assert shown == numbers[: views.COVERAGE_PAGE_SIZE]
    assert f'<span class="muted">{len(numbers)}</span>' in first
    assert f"village={village_a.code}&amp;unvisited_page=2#unvisited" in first
    second = client.get(reverse("fieldwork:coverage"), {**query, "unvisited_page": 2})
    assert re.findall(r">(P\d{3})<", second.content.decode()) == numbers[views.COVERAGE_PAGE_SIZE :]


def test_coverage_of_another_village_is_404(client, cadre_a, village_b):
    client.force_login(cadre_a)
    response = client.get(reverse("fieldwork:coverage"), {"village": village_b.code})
    assert response.status_code in (200, 404)
    assert village_b.name not in response.content.decode()


def test_diary_day_outside_assignment_keeps_what_was_typed(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("fieldwork:diary-edit", args=["2019-06-03"]),
        {"village": village_a.code, "presence": "in_village", "work_done": "走访三户"},
    )
    assert response.status_code == 200
    assert "outside your assignment" in response.content.decode()
    assert "走访三户" in response.content.decode()
    assert not DiaryDay.objects.exists()


def test_supervisor_sees_diary_but_never_a_position(client, cadre_a, county_supervisor, village_a):
    DiaryDay.objects.create(
        member=cadre_a,
        village=village_a,
        day=timezone.localdate(),
        work_done="召开院坝会",
        latitude="25.123456",
        longitude="102.654321",
    )
    client.force_login(county_supervisor)
    page = client.get(reverse("fieldwork:member-diary", args=[cadre_a.pk])).content.decode()
    assert "召开院坝会" in page
    assert "25.12" not in page and "102.65" not in page


def test_cadre_cannot_open_attendance_or_another_members_diary(client, cadre_a, cadre_b):
    client.force_login(cadre_a)
    assert client.get(reverse("fieldwork:attendance")).status_code == 404
    assert client.get(reverse("fieldwork:member-diary", args=[cadre_b.pk])).status_code == 404


def test_attendance_is_ordered_by_village_not_by_days(
    client, cadre_a, cadre_b, county_supervisor, village_a, village_b
):
    today = timezone.localdate()
    for n in range(min(today.day, 3)):
        DiaryDay.objects.create(
            member=cadre_b, village=village_b, day=today - datetime.timedelta(days=n)
        )
    DiaryDay.objects.create(
        member=cadre_a, village=village_a, day=today, presence=Presence.LEAVE, reason="病假"
    )
    client.force_login(county_supervisor)
    page = client.get(reverse("fieldwork:attendance")).content.decode()
    assert page.index("cadre_a") < page.index("cadre_b")


def test_pages_issue_a_fixed_number_of_queries(
    client, cadre_a, household_a, village_a, django_assert_max_num_queries
):
    for n in range(12):
        make_visit(
            household=household_a,
            visitor=cadre_a,
            days_ago=n,
            persons=list(household_a.members.all()),
            follow_up=f"跟进{n}",
            follow_up_due=timezone.localdate(),
        )
        DiaryDay.objects.create(
            member=cadre_a, village=village_a, day=timezone.localdate() - datetime.timedelta(n)
        )
    client.force_login(cadre_a)
    for url in (
        reverse("fieldwork:visit-list"),
        reverse("fieldwork:household-visits", args=[household_a.pk]),
        reverse("fieldwork:coverage"),
        reverse("fieldwork:diary"),
        reverse("reports:home"),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_follow_up_done_leaves_the_due_list(client, cadre_a, household_a):
    visit = make_visit(
        household=household_a,
        visitor=cadre_a,
        follow_up="送材料",
        follow_up_due=timezone.localdate(),
    )
    client.force_login(cadre_a)
    client.post(reverse("fieldwork:visit-done", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.follow_up_done_on == timezone.localdate()
    assert "送材料" not in client.get(reverse("reports:home")).content.decode()


def test_key_groups_are_set_on_a_person(client, cadre_a, household_a):
    person = household_a.members.first()
    client.force_login(cadre_a)
    url = reverse("fieldwork:person-groups", args=[person.pk])
    client.post(url, {"groups": ["party", "entrepreneur"]})
    client.post(url, {"groups": ["party"]})
    assert list(person.key_groups.values_list("group", flat=True)) == ["party"]


def test_cadre_cannot_tag_a_person_of_another_village(client, cadre_a, household_b):
    client.force_login(cadre_a)
    url = reverse("fieldwork:person-groups", args=[household_b.members.first().pk])
    assert client.post(url, {"groups": ["party"]}).status_code == 404


def test_referral_answer_is_recorded_from_the_problem_page(client, cadre_a, village_a):
    problem = make_problem(
        village=village_a, by=cadre_a, status=ProblemStatus.REFERRED, referred_to="县水务局"
    )
    client.force_login(cadre_a)
    client.post(
        reverse("fieldwork:problem-answer", args=[problem.pk]), {"referral_answer": "明年安排"}
    )
    problem.refresh_from_db()
    assert problem.referral_answer == "明年安排"
    assert "明年安排" in client.get(problem.get_absolute_url()).content.decode()


def test_problem_edit_keeps_what_was_typed_on_a_bad_owner(client, cadre_a, cadre_b, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    client.force_login(cadre_a)
    response = client.post(
        reverse("fieldwork:problem-edit", args=[problem.pk]),
        {
            "title": "路灯坏了很久",
            "category": "infrastructure",
            "urgency": "high",
            "solvable": "locally",
            "owner": cadre_b.pk,
        },
    )
    assert response.status_code == 200
    assert 'value="路灯坏了很久"' in response.content.decode()
    problem.refresh_from_db()
    assert problem.title == "路灯坏了"


def test_diary_photo_is_the_members_own(
    client, cadre_a, county_supervisor, village_a, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 120, 0)).save(out, format="PNG")
    client.force_login(cadre_a)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("fieldwork:diary-edit", args=[today]),
        {
            "village": village_a.code,
            "presence": "in_village",
            "work_done": "院坝会",
            "latitude": "25.100000",
            "longitude": "102.500000",
            "photos": SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    photo = DiaryDay.objects.get().photos.get()
    assert client.get(reverse("fieldwork:diary-photo", args=[photo.pk])).status_code == 200
    client.force_login(county_supervisor)
    assert client.get(reverse("fieldwork:diary-photo", args=[photo.pk])).status_code == 404


def test_diary_needs_neither_position_nor_photo(client, cadre_a, village_a):
    client.force_login(cadre_a)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("fieldwork:diary-edit", args=[today]),
        {"village": village_a.code, "presence": "in_village", "work_done": ""},
    )
    assert response.status_code == 302
    assert DiaryDay.objects.get().latitude is None


def test_supervisor_sees_coverage_without_log_a_visit_links(client, county_supervisor, household_a):
    client.force_login(county_supervisor)
    page = client.get(reverse("fieldwork:coverage")).content.decode()
    assert household_a.number in page
    assert reverse("fieldwork:visit-create") not in page


def test_village_committee_keeps_no_diary(client, committee_a, village_a):
    # Only the resident team keeps a diary, though the committee records fieldwork too.
    client.force_login(committee_a)
    assert client.get(reverse("fieldwork:diary")).status_code == 404
    today = timezone.localdate().isoformat()
    assert client.get(reverse("fieldwork:diary-edit", args=[today])).status_code == 404


def test_village_committee_records_a_visit(client, committee_a, household_a):
    client.force_login(committee_a)
    response = client.post(reverse("fieldwork:visit-create"), visit_data(household_a))
    assert response.status_code == 302
    assert Visit.objects.get().visitor == committee_a


def visits_shown(client, **query) -> set[int]:
    page = client.get(reverse("fieldwork:visit-list"), query).content.decode()
    return {int(pk) for pk in re.findall(r'href="/fieldwork/visits/(\d+)/"', page)}


def test_the_visit_list_finds_visits_by_household_person_words_and_days(
    client, cadre_a, committee_a, household_a, household_b, cadre_b, village_a
):
    other = HouseholdFactory(village=village_a, number="A-002")
    PersonFactory(household=other, name="赵六", relation="head")
    lamp = make_visit(household=household_a, visitor=cadre_a, said="村口路灯坏了", days_ago=3)
    met = make_visit(
        household=other, visitor=committee_a, persons=[household_a.members.get(name="李梅")]
    )
    follow = make_visit(household=other, visitor=cadre_a, follow_up="送低保材料", days_ago=10)
    make_visit(household=household_b, visitor=cadre_b, said="村口路灯坏了")
    client.force_login(cadre_a)
    assert visits_shown(client) == {lamp.pk, met.pk, follow.pk}
    assert visits_shown(client, q="路灯") == {lamp.pk}  # words; village B's alike stays out
    assert visits_shown(client, q="A-001") == {lamp.pk, met.pk}  # the household, or met there
    assert visits_shown(client, q="lm") == {lamp.pk, met.pk}  # initials of 李梅
    assert visits_shown(client, q="王五") == set()  # a person of another village
    assert visits_shown(client, mine="on") == {lamp.pk, follow.pk}
    assert visits_shown(client, open_follow_up="on") == {follow.pk}
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert visits_shown(client, since=since) == {lamp.pk, met.pk}
    assert visits_shown(client, until=since) == {follow.pk}
    assert visits_shown(client, since="not a day") == {lamp.pk, met.pk, follow.pk}
    page = client.get(reverse("fieldwork:visit-list"), {"q": "路灯"}).content.decode()
    assert 'value="路灯"' in page and "1 visit" in page


def test_the_visit_list_is_paged(client, cadre_a, household_a):
    from villagedesk.fieldwork.views import VISITS_PER_PAGE

    for n in range(VISITS_PER_PAGE + 2):
        make_visit(household=household_a, visitor=cadre_a, days_ago=n)
    client.force_login(cadre_a)
    assert len(visits_shown(client)) == VISITS_PER_PAGE
    assert len(visits_shown(client, page=2)) == 2


def test_the_household_page_leads_to_its_policies_visits_and_problems(
    client, cadre_a, household_a, household_b, cadre_b
):
    about_household = make_problem(village=household_a.village, by=cadre_a, title="房顶漏雨")
    about_household.households.set([household_a])
    about_member = make_problem(village=household_a.village, by=cadre_a, title="看病报销难")
    about_member.persons.set([household_a.members.get(name="李梅")])
    make_problem(village=household_a.village, by=cadre_a, title="村口路灯坏了")
    elsewhere = make_problem(village=household_b.village, by=cadre_b, title="别村的问题")
    elsewhere.households.set([household_b])
    client.force_login(cadre_a)
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert reverse("welfare:household-explain", args=[household_a.pk]) in page
    panel = client.get(reverse("fieldwork:household-visits", args=[household_a.pk])).content
    panel = panel.decode()
    assert "房顶漏雨" in panel and "看病报销难" in panel
    assert "村口路灯坏了" not in panel and "别村的问题" not in panel


def test_the_board_shows_the_first_of_each_status_with_its_count(
    client, cadre_a, village_a, monkeypatch
):
    monkeypatch.setattr(views, "PROBLEMS_PER_PAGE", 2)
    for n in range(3):
        make_problem(village=village_a, by=cadre_a, title=f"新问题{n}")
    make_problem(village=village_a, by=cadre_a, title="已解决", status=ProblemStatus.SOLVED)
    client.force_login(cadre_a)
    response = client.get(reverse("fieldwork:problem-list") + f"?village={village_a.code}")
    columns = {c.status: c for c in response.context["columns"]}
    assert columns[ProblemStatus.NEW].count == 3
    assert len(columns[ProblemStatus.NEW].problems) == 2
    assert [p.title for p in columns[ProblemStatus.SOLVED].problems] == ["已解决"]
    assert not columns[ProblemStatus.SOLVED].more
    page = response.content.decode()
    assert f"?view=table&amp;village={village_a.code}&amp;status=new" in page


def test_the_problem_table_is_paged_keeping_the_filters(client, cadre_a, village_a, monkeypatch):
    monkeypatch.setattr(views, "PROBLEMS_PER_PAGE", 2)
    for n in range(3):
        make_problem(village=village_a, by=cadre_a, title=f"问题{n}")
    client.force_login(cadre_a)
    url = reverse("fieldwork:problem-list") + "?view=table&status=new"
    first = client.get(url)
    assert first.context["problems"].paginator.count == 3
    assert "?view=table&amp;status=new&amp;page=2" in first.content.decode()
    second = client.get(url + "&page=2").context["problems"]
    titles = {p.title for p in first.context["problems"]} | {p.title for p in second}
    assert titles == {"问题0", "问题1", "问题2"}


def test_attendance_is_paged_and_counted(
    client, cadre_a, cadre_b, county_supervisor, village_a, village_b, monkeypatch
):
    monkeypatch.setattr(views, "ATTENDANCE_PER_PAGE", 1)
    client.force_login(county_supervisor)
    first = client.get(reverse("fieldwork:attendance") + "?month=2026-11")
    assert first.context["rows"].paginator.count == 2
    assert [r.member for r in first.context["rows"]] == ["cadre_a"]
    assert "?month=2026-11&amp;page=2" in first.content.decode()
    second = client.get(reverse("fieldwork:attendance") + "?month=2026-11&page=2")
    assert [r.member for r in second.context["rows"]] == ["cadre_b"]
