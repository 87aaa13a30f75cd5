"""Domain README §1, bank and account for payments: the account number is a personal number. It
is sealed at rest, masked on the household page, in the member's form, in the change history,
the ledgers and the admin, and shown in full only by a reveal, which is logged; like the
identity number (`models.PERSONAL_NUMBERS`)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from villagedesk.accounts.models import User
from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.registry import services
from villagedesk.registry.exports import export_ledger
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Person, RevealLog
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx
from villagedesk.registry.tests.test_certificate_masking import file_cells
from villagedesk.registry.tests.test_pages import person_data

pytestmark = pytest.mark.django_db

ACCOUNT = "6228480123456789012"
OTHER_ACCOUNT = "6217001234567890123"


@pytest.fixture
def holder(cadre_a, household_a) -> Person:
    """The head of household A-001, holding the household's account for payments."""
    head = household_a.head()
    head.bank, head.bank_account = "中国农业银行", ACCOUNT
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
        bank=head.bank,
        bank_account="",
    )
    data.update(overrides)
    return data


def raw_accounts() -> list[str]:
    with connection.cursor() as cursor:
        values = []
        for table in ("registry_person", "registry_historicalperson"):
            cursor.execute(
                f"SELECT bank_account FROM {table} "  # noqa: S608
                "WHERE bank_account IS NOT NULL AND bank_account <> ''"
            )
            values += [value for (value,) in cursor.fetchall()]
        return values


def test_the_account_is_sealed_in_the_person_and_its_history(holder):
    stored = raw_accounts()
    assert len(stored) == 2  # the person and the history row of the save
    assert not [value for value in stored if ACCOUNT[:10] in value]
    assert Person.objects.get(pk=holder.pk).bank_account == ACCOUNT


def test_the_household_page_shows_the_account_masked(client, cadre_a, holder):
    client.force_login(cadre_a)
    page = client.get(holder.household.get_absolute_url()).content.decode()
    assert "中国农业银行" in page and mask_id_number(ACCOUNT) in page
    assert ACCOUNT not in page
    assert reverse("registry:person-reveal", args=[holder.pk, "bank_account"]) in page


def test_a_reveal_shows_the_account_and_is_logged_without_it(client, cadre_a, holder):
    client.force_login(cadre_a)
    url = reverse("registry:person-reveal", args=[holder.pk, "bank_account"])
    assert client.get(url).status_code == 405
    assert ACCOUNT in client.post(url).content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field) == (cadre_a, holder, "bank_account")
    event = AuditEvent.objects.get(kind=Kind.REVEAL)
    assert event.details == {"field": "bank_account", "person": mask_id_number(holder.id_number)}
    assert ACCOUNT not in str(event.details)


def test_the_village_committee_cannot_reveal_the_account(client, committee_a, holder):
    client.force_login(committee_a)
    page = client.get(holder.household.get_absolute_url()).content.decode()
    url = reverse("registry:person-reveal", args=[holder.pk, "bank_account"])
    assert mask_id_number(ACCOUNT) in page and url not in page
    assert client.post(url).status_code == 403
    assert not RevealLog.objects.exists()


def test_another_village_s_account_cannot_be_revealed(client, cadre_b, holder):
    client.force_login(cadre_b)
    url = reverse("registry:person-reveal", args=[holder.pk, "bank_account"])
    assert client.post(url).status_code == 404
    assert not RevealLog.objects.exists()


def test_the_member_form_shows_the_recorded_account_masked_only(client, cadre_a, holder):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:person-edit", args=[holder.pk])).content.decode()
    assert ACCOUNT not in page
    assert f'placeholder="{mask_id_number(ACCOUNT)}"' in page


def test_an_account_left_empty_is_kept(client, cadre_a, holder):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[holder.pk])
    assert client.post(url, head_data(holder, name="张三丰")).status_code == 302
    holder.refresh_from_db()
    assert (holder.name, holder.bank_account) == ("张三丰", ACCOUNT)


def test_an_account_typed_in_groups_replaces_the_recorded_one(client, cadre_a, holder):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[holder.pk])
    typed = "6217 0012 3456 7890 123"
    assert client.post(url, head_data(holder, bank_account=typed)).status_code == 302
    holder.refresh_from_db()
    assert holder.bank_account == OTHER_ACCOUNT


def test_an_account_that_is_no_number_is_refused(client, cadre_a, holder):
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[holder.pk])
    response = client.post(url, head_data(holder, bank_account="6228X"))
    assert response.status_code == 200
    assert "A bank account number is 8 to 30 digits." in response.content.decode()
    holder.refresh_from_db()
    assert holder.bank_account == ACCOUNT


def test_the_change_history_shows_a_changed_account_masked(client, cadre_a, holder):
    holder.bank_account = OTHER_ACCOUNT
    services.person_save(by=cadre_a, person=holder)
    client.force_login(cadre_a)
    page = client.get(holder.household.get_absolute_url()).content.decode()
    assert f"{mask_id_number(ACCOUNT)} → {mask_id_number(OTHER_ACCOUNT)}" in page
    assert ACCOUNT not in page and OTHER_ACCOUNT not in page


def test_a_removed_member_s_account_is_masked_in_the_history(cadre_a, holder):
    pk = holder.pk
    services.person_delete(by=cadre_a, person=holder)
    kept = set(Person.history.filter(id=pk).values_list("bank_account", flat=True)) - {""}
    assert kept == {mask_id_number(ACCOUNT)}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_masked_ledger_masks_the_account(tmp_path, holder, file_format):
    path = tmp_path / f"roster.{file_format}"
    call_command(
        "export_ledger",
        "person_roster",
        "--masked",
        "--area",
        holder.area_code,
        "--format",
        file_format,
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    cells = file_cells(path)
    assert mask_id_number(ACCOUNT) in cells
    assert not [cell for cell in cells if ACCOUNT[:12] in cell]


def test_the_roster_in_full_holds_the_account(tmp_path, holder):
    path = tmp_path / "roster.csv"
    village = holder.household.village
    export_ledger(name="person_roster", area=village, path=path, file_format="csv", reveal=True)
    assert ACCOUNT in path.read_text(encoding="utf-8-sig")


def test_the_admin_shows_no_account_but_masked_in_the_history(client, cadre_a, holder):
    holder.bank_account = OTHER_ACCOUNT
    services.person_save(by=cadre_a, person=holder)
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-1"))
    history = reverse("admin:registry_person_history", args=[holder.pk])
    change = reverse("admin:registry_person_change", args=[holder.pk])
    pages = [client.get(url).content.decode() for url in (history, change)]
    assert mask_id_number(ACCOUNT) in pages[0] and mask_id_number(OTHER_ACCOUNT) in pages[0]
    assert not [page for page in pages if ACCOUNT in page or OTHER_ACCOUNT in page]


def test_an_imported_account_is_sealed(tmp_path, village_a):
    rows = family()
    headers = [*HEADERS, "开户银行", "银行账号"]
    rows = [
        [*row, "中国农业银行", ACCOUNT] if i == 0 else [*row, "", ""] for i, row in enumerate(rows)
    ]
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=village_a)
    assert result.loaded, result.issues.rows()
    assert Person.objects.get(relation="head").bank_account == ACCOUNT
    stored = raw_accounts()
    assert len(stored) == 2 and not [value for value in stored if ACCOUNT[:10] in value]
