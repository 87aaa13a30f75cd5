"""The pages of village decisions: scoped to the user's villages, and writing through the
services."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from villagedesk.governance import services
from villagedesk.governance.models import Matter, Meeting, Step, Task
from villagedesk.governance.tests.factories import make_item, make_matter, make_meeting, make_notice

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def test_cadre_cannot_open_a_meeting_of_another_village(client, cadre_a, cadre_b, village_b):
    meeting = make_meeting(by=cadre_b, village=village_b, kind="villagers")
    client.force_login(cadre_a)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("governance:meeting-edit", args=[meeting.pk])).status_code == 404


def test_cadre_cannot_open_a_matter_of_another_village(client, cadre_a, cadre_b, village_b):
    matter = make_matter(by=cadre_b, village=village_b)
    client.force_login(cadre_a)
    assert client.get(matter.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("governance:matter-step", args=[matter.pk]), {"step": "proposal"}
    )
    assert response.status_code == 404


def test_the_meeting_page_shows_its_quorum_and_results(client, cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=29
    )
    make_item(by=cadre_a, meeting=meeting, votes_for=29, title="修建3组道路")
    client.force_login(cadre_a)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Held without quorum" in page
    assert "《村民委员会组织法》第二十六条" in page
    assert "Failed" in page


def test_a_meeting_recorded_on_its_form(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("governance:meeting-create"),
        {
            "village": village_a.pk,
            "kind": "party_members",
            "held_on": "2026-03-02",
            "chair": "王书记",
            "due": "30",
            "present": "20",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.quorate


def test_a_meeting_with_more_present_than_due_is_shown_again(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("governance:meeting-create"),
        {
            "village": village_a.pk,
            "kind": "villagers",
            "held_on": "2026-03-02",
            "chair": "王",
            "due": "30",
            "present": "31",
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_step_recorded_from_the_matter_page(client, cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    client.force_login(cadre_a)
    url = reverse("governance:matter-step", args=[matter.pk])
    client.post(url, {"step": "proposal", "done_on": "2026-03-01", "note": "支部提议"})
    meeting = make_meeting(by=cadre_a, village=village_a, kind="two_committee", due=7, present=7)
    item = make_item(by=cadre_a, meeting=meeting, votes_for=7)
    response = client.post(url, {"step": "two_committee", "item": item.pk})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.step == Step.TWO_COMMITTEE
    skipped = client.post(url, {"step": "resolution"})
    assert skipped.status_code == 200
    assert "no step is skipped" in skipped.content.decode()


def test_a_task_given_on_the_page_reaches_the_owners_home(client, cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=40
    )
    item = make_item(by=cadre_a, meeting=meeting, votes_for=40)
    due = timezone.localdate() + datetime.timedelta(days=2)
    client.force_login(cadre_a)
    response = client.post(
        reverse("governance:task-create", args=[item.pk]),
        {
            "title": "组织施工队进场",
            "owner": cadre_a.pk,
            "due_on": due.isoformat(),
            "status": "open",
        },
    )
    assert response.status_code == 302
    assert Task.objects.get().owner == cadre_a
    assert "组织施工队进场" in client.get(reverse("reports:home")).content.decode()


def test_a_notice_with_a_phone_number_is_refused_on_its_form(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("governance:notice-create"),
        {
            "village": village_a.pk,
            "category": "finance",
            "title": "三月财务公开",
            "text": "有疑问请联系 13912345678",
            "posted_on": "2026-03-01",
            "place": "公开栏",
            "days": "7",
        },
    )
    assert response.status_code == 200
    assert "phone number" in response.content.decode()


def test_the_printed_notice_is_in_chinese(client, cadre_a, village_a):
    notice = make_notice(by=cadre_a, village=village_a, posted_on=DAY)
    client.force_login(cadre_a)
    page = client.get(reverse("governance:notice-print", args=[notice.pk])).content.decode()
    assert 'lang="zh-CN"' in page and notice.title in page


def test_the_rollup_counts_villages_not_people(client, county_supervisor, cadre_a, village_a):
    make_meeting(by=cadre_a, village=village_a, kind="villagers", held_on=timezone.localdate())
    make_matter(by=cadre_a, village=village_a)
    client.force_login(county_supervisor)
    page = client.get(reverse("governance:rollup")).content.decode()
    assert village_a.code in page
    assert str(cadre_a) not in page


def test_a_supervisor_reads_but_does_not_record(client, county_supervisor, cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    client.force_login(county_supervisor)
    assert client.get(matter.get_absolute_url()).status_code == 200
    assert client.get(reverse("governance:matter-edit", args=[matter.pk])).status_code == 403
    assert Matter.objects.count() == 1


def kept_evidence(by, village, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting(by=by, village=village, kind="representatives", due=45, present=40)
    item = make_item(by=by, meeting=meeting, votes_for=40)
    task = Task(village=village, item=item, title="修路", owner=by, due_on=DAY)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
    return services.task_save(by=by, task=task, evidence=photo)


def test_a_tasks_evidence_is_shown_from_its_page(client, cadre_a, village_a, settings, tmp_path):
    task = kept_evidence(cadre_a, village_a, settings, tmp_path)
    client.force_login(cadre_a)
    evidence = reverse("governance:task-evidence", args=[task.pk])
    assert evidence in client.get(task.get_absolute_url()).content.decode()
    assert evidence in client.get(reverse("governance:task-list")).content.decode()
    response = client.get(evidence)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_another_villages_task_evidence_is_not_found(
    client, cadre_a, cadre_b, village_b, settings, tmp_path
):
    task = kept_evidence(cadre_b, village_b, settings, tmp_path)
    client.force_login(cadre_a)
    assert client.get(reverse("governance:task-evidence", args=[task.pk])).status_code == 404


def test_a_task_without_evidence_has_none_to_show(client, cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=40
    )
    item = make_item(by=cadre_a, meeting=meeting, votes_for=40)
    task = services.task_save(
        by=cadre_a, task=Task(village=village_a, item=item, title="修路", owner=cadre_a, due_on=DAY)
    )
    client.force_login(cadre_a)
    assert client.get(reverse("governance:task-evidence", args=[task.pk])).status_code == 404
