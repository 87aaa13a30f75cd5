import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from villagedesk.core.photos import MAX_UPLOAD_BYTES
from villagedesk.fieldwork import services
from villagedesk.fieldwork.codes import Presence, ProblemStatus, Topic
from villagedesk.fieldwork.models import DiaryDay, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit

pytestmark = pytest.mark.django_db


def jpeg(size=(2400, 1800)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def new_visit(**fields) -> Visit:
    fields.setdefault("topics", [Topic.INCOME])
    return Visit(**fields)


def test_visit_with_only_persons_of_one_household_counts_that_household(cadre_a, household_a):
    members = list(household_a.members.all())
    visit = services.visit_record(by=cadre_a, visit=new_visit(), persons=members)
    assert visit.household == household_a
    assert visit.area_code == household_a.area_code
    assert set(visit.persons.all()) == set(members)


def test_visit_dated_in_future_is_refused(cadre_a, household_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            by=cadre_a, visit=new_visit(household=household_a, visited_on=tomorrow), persons=[]
        )
    assert "visited_on" in error.value.message_dict
    assert not Visit.objects.exists()


def test_visit_with_person_of_another_village_is_refused(
    county_supervisor, household_a, household_b
):
    # Even a user who sees both villages cannot mix them in one visit.
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            by=county_supervisor,
            visit=new_visit(household=household_a),
            persons=[household_b.members.first()],
        )
    assert "persons" in error.value.message_dict
    assert not Visit.objects.exists()


def test_cadre_cannot_record_a_visit_in_another_village(cadre_a, household_b):
    with pytest.raises(PermissionDenied):
        services.visit_record(by=cadre_a, visit=new_visit(household=household_b), persons=[])


def test_supervisor_reads_but_does_not_record_visits(county_supervisor, household_a):
    with pytest.raises(PermissionDenied):
        services.visit_record(
            by=county_supervisor, visit=new_visit(household=household_a), persons=[]
        )


def test_visit_photo_is_reencoded_and_shrunk(cadre_a, household_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = services.visit_record(
        by=cadre_a, visit=new_visit(household=household_a), persons=[], photo=jpeg()
    )
    with Image.open(visit.photo.path) as stored:
        assert max(stored.size) == 1600
        assert stored.format == "JPEG"


def test_visit_photo_that_is_not_an_image_is_refused(cadre_a, household_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("p.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            by=cadre_a, visit=new_visit(household=household_a), persons=[], photo=fake
        )
    assert "photo" in error.value.message_dict
    assert not Visit.objects.exists()


def test_visit_photo_too_large_is_refused(cadre_a, household_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("p.jpg", b"0" * (MAX_UPLOAD_BYTES + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError, match="too large"):
        services.visit_record(
            by=cadre_a, visit=new_visit(household=household_a), persons=[], photo=big
        )


def test_follow_up_due_needs_what_to_follow_up(cadre_a, household_a):
    with pytest.raises(ValidationError):
        services.visit_record(
            by=cadre_a,
            visit=new_visit(household=household_a, follow_up_due=timezone.localdate()),
            persons=[],
        )


def test_supervisor_reads_but_does_not_move_or_answer_problems(
    cadre_a, county_supervisor, village_a
):
    problem = make_problem(
        village=village_a, by=cadre_a, status=ProblemStatus.REFERRED, referred_to="县水务局"
    )
    with pytest.raises(PermissionDenied):
        services.problem_move(by=county_supervisor, problem=problem, status=ProblemStatus.SOLVED)
    with pytest.raises(PermissionDenied):
        services.problem_answer(by=county_supervisor, problem=problem, answer="已安排维修")
    problem.refresh_from_db()
    assert (problem.status, problem.referral_answer) == (ProblemStatus.REFERRED, "")


def test_problem_cannot_skip_from_new_to_solved(cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    with pytest.raises(ValidationError, match="cannot become"):
        services.problem_move(by=cadre_a, problem=problem, status=ProblemStatus.SOLVED)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.NEW


def test_problem_needs_a_cause_before_work_starts(cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a, status=ProblemStatus.ANALYSING)
    with pytest.raises(ValidationError, match="causes"):
        services.problem_move(by=cadre_a, problem=problem, status=ProblemStatus.IN_PROGRESS)


def test_problem_moves_through_its_steps_with_history(cadre_a, village_a):
    problem = services.problem_create(
        by=cadre_a,
        problem=Problem(village=village_a, title="饮水管破裂", category="infrastructure"),
        households=[],
        persons=[],
    )
    services.problem_move(by=cadre_a, problem=problem, status=ProblemStatus.ANALYSING)
    problem.refresh_from_db()
    problem.objective_causes = "管道老化"
    services.problem_update(by=cadre_a, problem=problem, households=[], persons=[])
    services.problem_move(by=cadre_a, problem=problem, status=ProblemStatus.IN_PROGRESS)
    problem = services.problem_move(
        by=cadre_a, problem=problem, status=ProblemStatus.SOLVED, resolution="更换了水管"
    )
    assert problem.status == ProblemStatus.SOLVED
    statuses = [h.status for h in problem.history.order_by("history_date")]
    assert statuses == ["new", "analysing", "analysing", "in_progress", "solved"]
    assert {h.history_user for h in problem.history.all()} == {cadre_a}


def test_referral_names_the_body_and_records_its_answer(cadre_a, village_a):
    problem = make_problem(
        village=village_a, by=cadre_a, status=ProblemStatus.ANALYSING, objective_causes="缺资金"
    )
    with pytest.raises(ValidationError):
        services.problem_move(by=cadre_a, problem=problem, status=ProblemStatus.REFERRED)
    services.problem_move(
        by=cadre_a, problem=problem, status=ProblemStatus.REFERRED, referred_to="县水务局"
    )
    problem = services.problem_answer(by=cadre_a, problem=problem, answer="已列入明年计划")
    problem.refresh_from_db()
    assert problem.referred_to == "县水务局"
    assert problem.referral_answer == "已列入明年计划"


def test_problem_concerning_a_household_of_another_village_is_refused(
    county_supervisor, cadre_a, village_a, household_b
):
    with pytest.raises(ValidationError):
        services.problem_create(
            by=cadre_a,
            problem=Problem(village=village_a, title="x", category="other"),
            households=[household_b],
            persons=[],
        )
    assert not Problem.objects.exists()


def test_diary_day_outside_assignment_is_refused(cadre_a, village_a):
    with pytest.raises(ValidationError) as error:
        services.diary_save(
            by=cadre_a, entry=DiaryDay(village=village_a, day=datetime.date(2019, 12, 31))
        )
    assert "day" in error.value.message_dict
    assert not DiaryDay.objects.exists()


def test_diary_away_needs_a_reason(cadre_a, village_a):
    with pytest.raises(ValidationError) as error:
        services.diary_save(
            by=cadre_a,
            entry=DiaryDay(village=village_a, day=timezone.localdate(), presence=Presence.LEAVE),
        )
    assert "reason" in error.value.message_dict


def test_diary_day_twice_is_refused(cadre_a, village_a):
    services.diary_save(by=cadre_a, entry=DiaryDay(village=village_a, day=timezone.localdate()))
    with pytest.raises(ValidationError):
        services.diary_save(by=cadre_a, entry=DiaryDay(village=village_a, day=timezone.localdate()))
    assert DiaryDay.objects.count() == 1


def test_village_committee_cannot_write_people_notes(committee_a, household_a):
    from villagedesk.fieldwork.models import PersonNote

    with pytest.raises(PermissionDenied):
        services.person_note_add(
            by=committee_a,
            person=household_a.members.first(),
            note=PersonNote(attitude="eager", influence="high"),
        )


def test_a_problem_is_solved_only_with_a_note_of_what_was_done(cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a, status=ProblemStatus.IN_PROGRESS)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as refused:
            services.problem_move(
                by=cadre_a, problem=problem, status=ProblemStatus.SOLVED, resolution=blank
            )
        assert "resolution" in refused.value.message_dict
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    services.problem_move(
        by=cadre_a, problem=problem, status=ProblemStatus.SOLVED, resolution=" 修好了路灯 "
    )
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.SOLVED, "修好了路灯")


def test_solving_a_problem_closes_the_follow_up_of_its_visit(cadre_a, household_a):
    visit = make_visit(
        household=household_a,
        visitor=cadre_a,
        follow_up="修路灯",
        follow_up_due=timezone.localdate() + datetime.timedelta(days=5),
    )
    problem = make_problem(
        village=household_a.village, by=cadre_a, status=ProblemStatus.IN_PROGRESS, visit=visit
    )
    services.problem_move(
        by=cadre_a, problem=problem, status=ProblemStatus.SOLVED, resolution="修好了"
    )
    visit.refresh_from_db()
    assert visit.follow_up_done_on == timezone.localdate()
