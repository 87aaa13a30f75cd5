"""A cadre on a phone in a courtyard with no signal (issue 19, "Offline" and "Conflicts"): the
village read while connected stays readable; three visits and a diary entry written offline, with
their photos, wait on the phone, still there after a reload, and reach the server once each when the
connection returns, even when an answer is lost and everything is sent again; a visit to a
household moved meanwhile to another village is kept as not sent, with the server's reason. A
problem changed offline and meanwhile on the server is not overwritten: both values are shown
and the cadre chooses, households by their numbers; a change the queue cannot send is named, not
lost unseen. Logging out warns of what is unsent, then clears the phone. On a weak
signal, where the phone believes it is online, a visit whose sending fails (its answer lost, or
never reaching the server) waits on the phone too, and is recorded once."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

from conftest import phone_context
from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.core.templatetags.offline import offline_words
from villagedesk.fieldwork import selectors, services
from villagedesk.fieldwork.models import DiaryDay, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem
from villagedesk.registry import services as registry
from villagedesk.registry.selectors import household_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed():
    call_command(
        "seed_demo",
        "--villages",
        "2",
        "--households",
        "12",
        "--seed",
        "11",
        "--registry-only",
        verbosity=0,
    )
    return User.objects.get(username="cadre1")


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    expect(page.locator("body[data-user]")).to_be_attached()


def kept_for_offline(page, live_server, path):
    """Open a page while connected and wait until the service worker has kept what it names."""
    page.goto(f"{live_server.url}{path}")
    # Once the worker is active, the page is loaded again through it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(page.locator("body[data-offline-kept]")).to_be_attached(timeout=60_000)


def cut_off(context, offline: bool) -> None:
    """The phone loses its signal, or gets it back. Chromium's offline emulation does not reach
    the service worker's own fetches, so a sending the worker makes would still reach the server:
    every request that leaves the browser is also refused while offline (a route on the context
    sees the worker's fetches too)."""
    if offline:
        context.route("**/*", lambda route: route.abort("internetdisconnected"))
    else:
        # Before the "online" event, which starts the sending.
        context.unroute("**/*")
    context.set_offline(offline)


def jpeg() -> bytes:
    """A phone camera's photo: 4000 × 3000 pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "olive").save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def words(language):
    with translation.override(language):
        return {**offline_words(), "diary": gettext("Work diary")}


def waiting(text, count):
    return text.replace("%(count)s", str(count))


# The states of what the phone keeps, read from its IndexedDB queue.
KEPT_STATES = """() => new Promise((resolve) => {
  const opening = indexedDB.open("villagedesk-offline", 1);
  opening.onsuccess = () => {
    const all = opening.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => {
      opening.result.close();
      resolve(all.result.map((item) => item.state));
    };
  };
})"""

# What the phone keeps, made older by three minutes: a sending its tab never heard the end of.
KEPT_AGED = """() => new Promise((resolve) => {
  const opening = indexedDB.open("villagedesk-offline", 1);
  opening.onsuccess = () => {
    const queue = opening.result.transaction("queue", "readwrite").objectStore("queue");
    const all = queue.getAll();
    all.onsuccess = () => all.result.forEach((item) => {
      item.sent -= 3 * 60 * 1000;
      queue.put(item);
    });
    queue.transaction.oncomplete = () => { opening.result.close(); resolve(); };
  };
})"""


@pytest.mark.timeout(180)
def test_visits_and_a_diary_entry_written_offline_reach_the_server_once(
    live_server, phone_page, settings, tmp_path, keep_screenshot
):
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page, said = phone_page, words("zh-hans")
    homes = list(household_list(user=cadre).order_by("number")[:4])
    log_in(page, live_server)
    kept_for_offline(page, live_server, "/registry/households/")

    cut_off(page.context, True)
    # The village's pages are read from the phone.
    page.goto(f"{live_server.url}{homes[0].get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text(homes[0].number)
    for number, home in enumerate(homes, start=1):
        page.goto(f"{live_server.url}/fieldwork/visits/new/?household={home.pk}")
        page.fill("#id_said", f"第{number}次走访：老人说腿脚不好")
        if number == 2:
            photo = {"name": "courtyard.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
            page.set_input_files("#id_photo", files=[photo])
        page.click("button.primary")
        expect(page.locator(".messages")).to_contain_text(said["queued"])
    page.goto(f"{live_server.url}/fieldwork/diary/{timezone.localdate():%Y-%m-%d}/")
    page.fill("#id_work_done", "走访四户，开了小组会")
    photo = {"name": "meeting.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    page.set_input_files("#id_photos", files=[photo])
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])

    page.reload()
    expect(page.locator("#offline-queue summary")).to_have_text(waiting(said["waiting"], 5))
    page.locator("#offline-queue summary").click()
    expect(page.locator("#offline-queue li.queued")).to_have_count(5)
    keep_screenshot(page, "offline-queued-zh-phone", full_page=True)
    assert not Visit.objects.exists() and not DiaryDay.objects.exists()

    # Meanwhile the fourth household moves to the other village.
    moved = homes[3]
    moved.village = Area.objects.villages().exclude(pk=moved.village_id).first()
    moved.group = None
    registry.household_update(by=User.objects.get(username="admin"), household=moved)

    # The first answer is lost on the way back: the server has the visit, the phone does not know.
    lost = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/visits", lose_first_answer)
    cut_off(page.context, False)
    expect(page.locator("body[data-offline-sync=done]")).to_be_attached()
    page.wait_for_function("() => document.body.dataset.offlineSync === 'done'", polling=250)
    assert lost == [201]
    assert Visit.objects.count() == 1
    expect(page.locator("#offline-queue summary")).to_have_text(waiting(said["waiting"], 5))

    # Sent again, the lost one is the same visit; the moved household's visit is refused.
    page.unroute("**/api/v1/visits")
    page.reload()
    expect(page.locator("#offline-queue li.queued")).to_have_count(1)
    expect(page.locator("#offline-queue li.failed .reason")).to_contain_text(said["gone"])
    expect(page.locator("#offline-queue li.failed")).to_contain_text(moved.number)
    keep_screenshot(page, "offline-failed-zh-phone", full_page=True)
    assert Visit.objects.filter(visitor=cadre).count() == 3
    assert DiaryDay.objects.filter(member=cadre).count() == 1
    assert sorted(Visit.objects.values_list("household", flat=True)) == sorted(
        h.pk for h in homes[:3]
    )
    # The photo went smaller on the phone, and came with its visit.
    photo = Image.open(Visit.objects.get(household=homes[1]).photo.path)
    assert max(photo.size) == 1600
    diary_photo = Image.open(DiaryDay.objects.get().photos.get().image.path)
    assert max(diary_photo.size) == 1600
    assert not Visit.objects.exclude(household=homes[1]).exclude(photo="").exists()

    # Another sync changes nothing, and the refused visit stays until the cadre decides.
    page.reload()
    page.wait_for_function("() => document.body.dataset.offlineSync === 'done'", polling=250)
    assert Visit.objects.count() == 3 and DiaryDay.objects.count() == 1
    expect(page.locator("#offline-queue li.failed")).to_have_count(1)

    # Logging out warns of the unsent visit, then clears what the phone kept.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("label.menu-button")
    page.locator("form[data-logout] button").scroll_into_view_if_needed()
    page.locator("form[data-logout] button").dispatch_event("click")
    expect(page.locator("#id_username")).to_be_visible()
    assert dialogs == [waiting(said["logout_confirm"], 1)]
    assert page.evaluate("caches.keys().then((names) => names.length)") == 0
    assert page.evaluate("indexedDB.databases().then((found) => found.length)") == 0


@pytest.mark.timeout(120)
def test_a_problem_changed_offline_and_on_the_server_is_chosen_field_by_field(
    live_server, phone_in_each_language, settings, tmp_path, keep_screenshot
):
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page, language = phone_in_each_language
    said = words(language)
    village = household_list(user=cadre).first().village
    problem = make_problem(village=village, by=cadre, title="三组饮水管冻裂")
    log_in(page, live_server)
    kept_for_offline(page, live_server, f"/fieldwork/problems/{problem.pk}/edit/")

    cut_off(page.context, True)
    page.reload()
    page.fill("#id_title", "三组饮水管冻裂，十户停水")
    page.fill("#id_objective_causes", "管道埋得太浅")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])

    # Meanwhile it is renamed on the server, and given details.
    stored = Problem.objects.get(pk=problem.pk)
    stored.title = "三组、四组饮水管冻裂"
    stored.description = "村民反映"
    services.problem_update(by=cadre, problem=stored, households=[], persons=[])

    cut_off(page.context, False)
    conflict = page.locator("#offline-queue li.conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-choices fieldset")).to_have_count(1)
    expect(conflict.locator(".conflict-choices")).to_contain_text("三组、四组饮水管冻裂")
    expect(conflict.locator(".conflict-choices")).to_contain_text("三组饮水管冻裂，十户停水")
    page.evaluate("window.scrollTo(0, 0)")
    keep_screenshot(page, f"offline-conflict-{language[:2]}-phone", full_page=True)
    conflict.locator('input[value="theirs"]').check()
    conflict.get_by_role("button", name=said["keep_choice"]).click()
    expect(page.locator("#offline-queue")).to_be_hidden()

    problem.refresh_from_db()
    # Their title was chosen; the cause only the cadre wrote and the details only they wrote stay.
    assert (problem.title, problem.objective_causes, problem.description) == (
        "三组、四组饮水管冻裂",
        "管道埋得太浅",
        "村民反映",
    )


@pytest.mark.timeout(120)
def test_a_problems_households_and_owner_changed_offline_reach_the_server_chosen_by_name(
    live_server, phone_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page = phone_page
    said = words("zh-hans")
    village = household_list(user=cadre).first().village
    first, second = household_list(user=cadre).filter(village=village)[:2]
    problem = make_problem(village=first.village, by=cadre, title="三组饮水管冻裂")
    problem.households.set([first, second])
    log_in(page, live_server)
    kept_for_offline(page, live_server, f"/fieldwork/problems/{problem.pk}/edit/")

    cut_off(page.context, True)
    page.reload()
    page.get_by_label(first.number, exact=True).uncheck()
    page.select_option("#id_owner", str(cadre.pk))
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])

    # Meanwhile the other household is taken off on the server.
    stored = Problem.objects.get(pk=problem.pk)
    services.problem_update(by=cadre, problem=stored, households=[first], persons=[])

    cut_off(page.context, False)
    conflict = page.locator("#offline-queue li.conflict")
    expect(conflict).to_be_visible()
    choices = conflict.locator(".conflict-choices fieldset")
    # Only the households both changed are asked about, by their numbers as the form showed them.
    expect(choices).to_have_count(1)
    expect(choices.locator("label").first).to_contain_text(f"{said['mine']}: {second.number}")
    expect(choices.locator("label").last).to_contain_text(f"{said['theirs']}: {first.number}")
    conflict.get_by_role("button", name=said["keep_choice"]).click()
    expect(page.locator("#offline-queue")).to_be_hidden()

    problem.refresh_from_db()
    assert list(problem.households.all()) == [second]
    assert problem.owner == cadre


@pytest.mark.timeout(120)
def test_a_visit_refused_when_sent_is_corrected_and_sent_again_under_its_key(
    live_server, phone_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page, said = phone_page, words("zh-hans")
    home = household_list(user=cadre).first()
    with translation.override("zh-hans"):
        refusal = gettext("Say what is to be followed up by that date.")
    log_in(page, live_server)
    kept_for_offline(page, live_server, f"/fieldwork/visits/new/?household={home.pk}")

    cut_off(page.context, True)
    page.reload()
    page.fill("#id_said", "想问慢病补助")
    page.fill("#id_follow_up_due", f"{timezone.localdate():%Y-%m-%d}")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])
    cut_off(page.context, False)
    failed = page.locator("#offline-queue li.failed")
    expect(failed.locator(".reason")).to_contain_text(refusal)

    failed.get_by_role("link", name=said["edit"]).click()
    expect(page.locator("#id_said")).to_have_value("想问慢病补助")
    page.fill("#id_follow_up", "带申请表再来")
    page.click("button.primary")
    expect(page.locator("#offline-queue")).to_be_hidden()
    visit = Visit.objects.get()
    assert (visit.said, visit.follow_up, visit.household) == ("想问慢病补助", "带申请表再来", home)


@pytest.mark.timeout(120)
def test_visits_sent_on_a_weak_signal_wait_on_the_phone_and_are_recorded_once(
    live_server, phone_page, settings, tmp_path
):
    """The phone believes it is online. The first visit reaches the server, which saves it, and
    its answer is lost; the second never reaches the server; the third meets a proxy that gave
    up. All wait on the phone; sent through the API under the keys their forms carried, they
    make three visits, not four."""
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page, said = phone_page, words("zh-hans")
    first, second, third = household_list(user=cadre).order_by("number")[:3]
    log_in(page, live_server)
    kept_for_offline(page, live_server, f"/fieldwork/visits/new/?household={first.pk}")
    # Routed for the whole phone: the form's sending is made by the service worker.
    context = page.context
    # The API is out of reach at first, so that what waits is seen before it is sent.
    context.route(re.compile(r"/api/v1/visits$"), lambda route: route.abort())
    answers = []

    def answer_lost(route):
        if route.request.method != "POST":
            route.continue_()
        elif not answers:
            answers.append(route.fetch(max_redirects=0).status)
            route.abort()
        elif len(answers) == 1:
            answers.append("never reached")
            route.abort()
        else:
            answers.append("proxy gave up")
            route.fulfill(status=504, body="Gateway Timeout")

    context.route(re.compile(r"/fieldwork/visits/new/"), answer_lost)
    summary = page.locator("#offline-queue summary")

    page.fill("#id_said", "信号不好：老人说腿脚不好")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])
    expect(summary).to_have_text(waiting(said["waiting"], 1))
    assert answers == [302]
    assert Visit.objects.count() == 1

    page.goto(f"{live_server.url}/fieldwork/visits/new/?household={second.pk}")
    page.fill("#id_said", "信号不好：想问慢病补助")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])
    expect(summary).to_have_text(waiting(said["waiting"], 2))
    assert answers == [302, "never reached"]
    assert Visit.objects.count() == 1

    # A proxy's answer on a weak link is not the server's: the visit waits too.
    page.goto(f"{live_server.url}/fieldwork/visits/new/?household={third.pk}")
    page.fill("#id_said", "信号不好：想修路")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])
    expect(summary).to_have_text(waiting(said["waiting"], 3))
    assert answers == [302, "never reached", "proxy gave up"]

    context.unroute_all()
    page.reload()
    expect(page.locator("#offline-queue")).to_be_hidden()
    page.wait_for_function("() => document.body.dataset.offlineSync === 'done'", polling=250)
    assert sorted(Visit.objects.values_list("household", "said")) == sorted(
        [
            (first.pk, "信号不好：老人说腿脚不好"),
            (second.pk, "信号不好：想问慢病补助"),
            (third.pk, "信号不好：想修路"),
        ]
    )
    assert page.evaluate(KEPT_STATES) == []

    # Answered by the server, a sending is forgotten: shown again with its errors, or saved.
    page.goto(f"{live_server.url}/fieldwork/visits/new/?household={second.pk}")
    page.fill("#id_follow_up_due", f"{timezone.localdate():%Y-%m-%d}")
    page.click("button.primary")
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.evaluate(KEPT_STATES) == []
    page.fill("#id_follow_up", "带申请表再来")
    page.click("button.primary")
    expect(page.locator(".messages")).to_be_visible()
    assert page.evaluate(KEPT_STATES) == []
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert Visit.objects.count() == 4


@pytest.mark.timeout(120)
def test_without_a_service_worker_a_sending_is_settled_by_the_pages(
    live_server, browser, settings, tmp_path
):
    """No worker settles the sending (the phone's first page, or a browser that refuses
    workers): the page the server shows again with errors forgets it; one never settled waits
    after a while and is sent under its key, which gives the visit the server already made."""
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    home = household_list(user=cadre).first()
    context = phone_context(browser, "zh-hans", service_workers="block")
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/fieldwork/visits/new/?household={home.pk}")
        page.fill("#id_said", "想问慢病补助")
        page.fill("#id_follow_up_due", f"{timezone.localdate():%Y-%m-%d}")
        page.click("button.primary")
        expect(page.locator("#error-summary")).to_be_visible()
        assert page.evaluate(KEPT_STATES) == []

        page.fill("#id_follow_up", "带申请表再来")
        page.click("button.primary")
        expect(page.locator(".messages")).to_be_visible()
        assert page.evaluate(KEPT_STATES) == ["sending"]
        expect(page.locator("#offline-queue")).to_be_hidden()

        page.evaluate(KEPT_AGED)
        page.reload()
        page.wait_for_function("() => document.body.dataset.offlineSync === 'done'", polling=250)
        assert page.evaluate(KEPT_STATES) == []
        expect(page.locator("#offline-queue")).to_be_hidden()
        assert Visit.objects.get().follow_up == "带申请表再来"
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_a_diary_day_changed_offline_with_a_photo_is_sent_as_its_changes_chosen_in_a_conflict(
    live_server, phone_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cadre = seed()
    page, said = phone_page, words("zh-hans")
    today = timezone.localdate()
    entry = services.diary_save(
        by=cadre,
        entry=DiaryDay(
            village=selectors.member_villages(user=cadre).first(), day=today, work_done="走访两户"
        ),
    )
    log_in(page, live_server)
    kept_for_offline(page, live_server, f"/fieldwork/diary/{today:%Y-%m-%d}/")

    cut_off(page.context, True)
    page.reload()
    page.fill("#id_work_done", "走访两户，开了小组会")
    photo = {"name": "meeting.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    page.set_input_files("#id_photos", files=[photo])
    # The position is not among what the queue sends: the cadre is told, not left to lose it.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 25.55, "longitude": 102.46})
    page.click("#add-position")
    expect(page.locator("#position-shown")).not_to_be_empty()
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(said["queued"])
    with translation.override("zh-hans"):
        position = gettext("Your own record (optional)")
    expect(page.locator(".messages")).to_contain_text(
        said["needs_connection"].replace("%(fields)s", position)
    )
    expect(page.locator("#offline-queue summary")).to_have_text(waiting(said["waiting"], 1))

    # Meanwhile the day is changed on another device.
    stored = DiaryDay.objects.get(pk=entry.pk)
    stored.work_done = "走访三户"
    services.diary_save(by=cadre, entry=stored)

    cut_off(page.context, False)
    conflict = page.locator("#offline-queue li.conflict")
    expect(conflict.locator(".conflict-choices fieldset")).to_have_count(1)
    expect(conflict.locator(".conflict-choices")).to_contain_text("走访三户")
    expect(conflict.locator(".conflict-choices")).to_contain_text("走访两户，开了小组会")
    conflict.get_by_role("button", name=said["keep_choice"]).click()
    expect(page.locator("#offline-queue")).to_be_hidden()
    entry.refresh_from_db()
    assert (entry.work_done, entry.version, entry.photos.count()) == ("走访两户，开了小组会", 3, 1)
    assert entry.latitude is None
    assert max(Image.open(entry.photos.get().image.path).size) == 1600
