"""A disability certificate number (残疾证号) is the identity number and two digits: it is masked,
revealed and logged exactly like the identity number, on the household page and in its change
history, in the member's form, in the ledgers and in the admin."""

import io

import pytest
import python_calamine
from django.core.management import call_command
from django.urls import reverse

from villagedesk.accounts.models import User
from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.core.tests.guards import STALE_REFUSAL, saved_meanwhile, sent_stale
from villagedesk.registry import services
from villagedesk.registry.exports import export_ledger
from villagedesk.registry.models import Person, RevealLog
from villagedesk.registry.tests.test_pages import person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def disabled(cadre_a, household_a) -> Person:
    """The head of household A-001, physically disabled, holding the certificate of his
    identity number and the category and grade digits."""
    head = household_a.head()
    head.disability_category, head.disability_grade = "physical", 2
    head.disability_certificate = head.id_number + "42"
    return services.person_save(by=cadre_a, person=head)


def head_data(head: Person, **overrides) -> dict:
    """The member form of the head as sent with every number left empty."""
    data = person_data(
        name=head.name,
        sex=head.sex,
        birth_date=str(head.birth_date),
        relation="head",
        education="junior",
        schooling="",
        disability_category="physical",
        disability_grade="2",
        disability_certificate="",
    )
    data.update(overrides)
    return data


def test_the_household_page_shows_the_certificate_masked(client, cadre_a, disabled):
    client.force_login(cadre_a)
    page = client.get(disabled.household.get_absolute_url()).content.decode()
    certificate = disabled.disability_certificate
    assert mask_id_number(certificate) in page
    assert certificate not in page and disabled.id_number not in page
    assert reverse("registry:person-reveal", args=[disabled.pk, "disability_certificate"]) in page


def test_a_reveal_shows_the_certificate_and_is_logged_without_it(client, cadre_a, disabled):
    client.force_login(cadre_a)
    url = reverse("registry:person-reveal", args=[disabled.pk, "disability_certificate"])
    assert client.get(url).status_code == 405
    assert disabled.disability_certificate in client.post(url).content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field) == (cadre_a, disabled, "disability_certificate")
    event = AuditEvent.objects.get(kind=Kind.REVEAL)
    assert event.details == {
        "field": "disability_certificate",
        "person": mask_id_number(disabled.id_number),
    }


def test_the_village_committee_cannot_reveal_the_certificate(client, committee_a, disabled):
    client.force_login(committee_a)
    page = client.get(disabled.household.get_absolute_url()).content.decode()
    url = reverse("registry:person-reveal", args=[disabled.pk, "disability_certificate"])
    assert mask_id_number(disabled.disability_certificate) in page and url not in page
    assert client.post(url).status_code == 403
    assert not RevealLog.objects.exists()


def test_the_member_form_shows_the_recorded_certificate_masked_only(client, cadre_a, disabled):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:person-edit", args=[disabled.pk])).content.decode()
    assert disabled.disability_certificate not in page and disabled.id_number not in page
    assert f'placeholder="{mask_id_number(disabled.disability_certificate)}"' in page


def test_a_certificate_left_empty_is_kept(client, cadre_a, disabled):
    client.force_login(cadre_a)
    recorded = disabled.disability_certificate
    url = reverse("registry:person-edit", args=[disabled.pk])
    assert client.post(url, head_data(disabled, name="张三丰")).status_code == 302
    disabled.refresh_from_db()
    assert (disabled.name, disabled.disability_certificate) == ("张三丰", recorded)


def test_a_certificate_typed_replaces_the_recorded_one(client, cadre_a, disabled):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[disabled.pk])
    typed = disabled.id_number + "43"
    data = head_data(disabled, disability_grade="3", disability_certificate=typed)
    assert client.post(url, data).status_code == 302
    disabled.refresh_from_db()
    assert disabled.disability_certificate == typed


def test_removing_the_disability_removes_its_certificate(client, cadre_a, disabled):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[disabled.pk])
    data = head_data(disabled, disability_category="", disability_grade="")
    assert client.post(url, data).status_code == 302
    disabled.refresh_from_db()
    assert (disabled.disability_category, disabled.disability_certificate) == ("", "")


def test_the_change_history_shows_a_changed_certificate_masked(client, cadre_a, disabled):
    before = disabled.disability_certificate
    disabled.disability_grade = 3
    disabled.disability_certificate = disabled.id_number + "43"
    services.person_save(by=cadre_a, person=disabled)
    client.force_login(cadre_a)
    page = client.get(disabled.household.get_absolute_url()).content.decode()
    assert f"{mask_id_number(before)} → {mask_id_number(disabled.disability_certificate)}" in page
    assert disabled.id_number not in page


def test_an_edit_conflict_shows_the_certificate_saved_meanwhile_masked(
    client, cadre_a, committee_a, disabled
):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[disabled.pk])
    theirs = disabled.id_number + "43"
    response = sent_stale(
        client,
        url,
        head_data(disabled, name="张三丰"),
        meanwhile=lambda: saved_meanwhile(
            disabled, by=committee_a, disability_grade=3, disability_certificate=theirs
        ),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page and mask_id_number(theirs) in page
    assert disabled.id_number not in page


def file_cells(path) -> list[str]:
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8-sig").replace("\n", ",").split(",")
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [str(value) for row in sheet.to_python() for value in row]


@pytest.mark.parametrize("ledger", ["person_roster", "persons_by_disability"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_masked_ledger_masks_the_certificate(tmp_path, disabled, ledger, file_format):
    """The command as a county office runs it: `export_ledger person_roster --masked`."""
    path = tmp_path / f"{ledger}.{file_format}"
    call_command(
        "export_ledger",
        ledger,
        "--masked",
        "--area",
        disabled.area_code,
        "--format",
        file_format,
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    cells = file_cells(path)
    assert mask_id_number(disabled.disability_certificate) in cells
    assert not [cell for cell in cells if disabled.id_number[:17] in cell]


def test_the_roster_in_full_holds_the_certificate(tmp_path, disabled):
    path = tmp_path / "roster.csv"
    village = disabled.household.village
    export_ledger(name="person_roster", area=village, path=path, file_format="csv", reveal=True)
    assert disabled.disability_certificate in path.read_text(encoding="utf-8-sig")


def test_the_admin_shows_no_certificate_but_masked_in_the_history(client, cadre_a, disabled):
    before = disabled.disability_certificate
    disabled.disability_grade = 3
    disabled.disability_certificate = disabled.id_number + "43"
    services.person_save(by=cadre_a, person=disabled)
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-1"))
    history = reverse("admin:registry_person_history", args=[disabled.pk])
    change = reverse("admin:registry_person_change", args=[disabled.pk])
    pages = [client.get(url).content.decode() for url in (history, change)]
    assert mask_id_number(before) in pages[0]
    assert mask_id_number(disabled.disability_certificate) in pages[0]
    assert not [page for page in pages if disabled.id_number in page]
