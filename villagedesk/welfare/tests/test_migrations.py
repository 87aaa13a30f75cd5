"""The data migrations of welfare, run on rows written with the models as they stood before each:
0009 (income counted per policy: pension lines become the residents' base pension, the
social-assistance policies count social-assistance income) and 0010 (monitoring cases across
years: one open case per household, the earlier ones closed as carried on).

Migrating is slow, so the module migrates once, in one transaction rolled back at the end:
welfare back to 0008 (no other app depends on it), rows written, forward through 0009 and 0010,
back to 0008 again. The cases read what each step left, as plain data. `-m "not migration"`
leaves them out."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from conftest import make_area
from villagedesk.areas.models import Level
from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.welfare.income_sql import create_view, drop_view

# The first case also migrates: room for it beside the test database's creation on a busy machine.
pytestmark = [pytest.mark.migration, pytest.mark.django_db, pytest.mark.timeout(180)]

BEFORE = "0008_scope_codes_from_household"
INCOME_PER_POLICY = "0009_income_per_policy"
MONITORING_ACROSS_YEARS = "0010_monitoring_across_years"

SOCIAL_ASSISTANCE = [
    "dibao",
    "tekun",
    "disability_living",
    "medical_premium_aid",
    "housing_renovation",
]
FULL = ["school_nutrition", "micro_credit", "local_allowance"]
OTHER_KINDS = ["wage", "transfer_other", "transfer_ecological", "transfer_dibao"]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Migrator:
    """Welfare migrated back and forth, the income view dropped around each step as `migrate`
    drops it; each step gives the models as they stand after it."""

    def __init__(self):
        self.executor = MigrationExecutor(connection)
        self.state = None

    def to(self, name: str):
        self.executor.loader.build_graph()  # what is applied now
        targets = [("welfare", name)]
        forwards = not any(backwards for _m, backwards in self.executor.migration_plan(targets))
        drop_view()
        # Forwards from the state reached, rather than replaying every migration to find it.
        self.state = self.executor.migrate(targets, state=self.state if forwards else None)
        create_view()
        return self.state.apps


def saved_raw(model, **fields):
    """A row of a model as it stood, saved as loaddata saves: with the values given (the
    scope-code field would ask the model for a code, which only the current model gives)."""
    row = model(**fields)
    row.save_base(raw=True)
    return row


@dataclass
class Migrated:
    # 0009: each income line's kind before, after, and after the reverse; each policy's basis.
    kinds_before: dict
    kinds_after: dict
    kinds_reversed: dict
    basis: dict
    # 0010: each case by what it shows; its (closing day, way) after, its closing day reversed.
    cases: dict
    closed_after: dict
    closed_reversed: dict


def income_lines_and_policies(apps, village) -> dict[int, str]:
    """Policies, and in two households and two years a pension line beside other kinds."""
    Policy = apps.get_model("welfare", "Policy")
    IncomeLine = apps.get_model("welfare", "IncomeLine")
    for code in SOCIAL_ASSISTANCE + FULL:
        Policy.objects.create(code=code, name_zh=code, name_en=code, category="social_assistance")
    kinds = {}
    for household in [HouseholdFactory(village=village) for _ in range(2)]:
        for year in (2024, 2025):
            for kind in ["transfer_pension", *OTHER_KINDS]:
                line = IncomeLine.objects.create(
                    household_id=household.pk, year=year, kind=kind, amount=Decimal(1200)
                )
                kinds[line.pk] = kind
    return kinds


def monitoring_cases(apps, village) -> dict[str, int]:
    """Cases as they stood before 0010 (one a household and year), by what each shows."""
    Case = apps.get_model("welfare", "MonitoredHousehold")
    households = {}

    def case(name, year, first_lead, eliminated=None):
        household = households.setdefault(name, HouseholdFactory(village=village))
        return saved_raw(
            Case,
            household_id=household.pk,
            area_code=village.code,
            year=year,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=day(first_lead),
            risk_eliminated_on=eliminated and day(eliminated),
        ).pk

    return {
        "one_open": case("one", 2024, "2024-03-01"),
        "two_earlier": case("two", 2023, "2023-04-10"),
        "two_later": case("two", 2024, "2024-02-20"),
        "three_first": case("three", 2022, "2022-05-01"),
        "three_second": case("three", 2023, "2023-06-01"),
        "three_third": case("three", 2025, "2025-01-15"),
        # Entered in the other order: the later year still carries on.
        "reversed_later": case("reversed", 2025, "2025-03-01"),
        "reversed_earlier": case("reversed", 2024, "2024-07-01"),
        # The later case's first lead on or before the earlier's.
        "same_lead_earlier": case("same_lead", 2024, "2024-12-30"),
        "same_lead_later": case("same_lead", 2025, "2024-12-30"),
        "eliminated_before": case("eliminated", 2023, "2023-03-01", "2023-11-30"),
        "eliminated_then_open": case("eliminated", 2024, "2024-05-01"),
    }


@pytest.fixture(scope="module")
def migrated(django_db_setup, django_db_blocker) -> Migrated:
    with django_db_blocker.unblock():
        # SQLite: foreign keys off before the transaction, as `migrate` turns them off.
        connection.disable_constraint_checking()
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Rows are written in the transaction that migrates them: their foreign keys
                    # are checked as they are written, or PostgreSQL, with the checks of their
                    # writes (and of a migration's updates to them) pending, would alter no table.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                migrated = migrate_back_and_forth()
                transaction.set_rollback(True)
        finally:
            connection.enable_constraint_checking()
    return migrated


def migrate_back_and_forth() -> Migrated:
    province = make_area("530000000000", Level.PROVINCE, "云南省")
    city = make_area("530100000000", Level.CITY, "昆明市", province)
    county = make_area("530128000000", Level.COUNTY, "禄劝彝族苗族自治县", city)
    township = make_area("530128100000", Level.TOWNSHIP, "屏山街道", county)
    village = make_area("530128100001", Level.VILLAGE, "大河村", township)
    migrator = Migrator()
    kinds = income_lines_and_policies(migrator.to(BEFORE), village)
    apps = migrator.to(INCOME_PER_POLICY)
    kinds_after = dict(apps.get_model("welfare", "IncomeLine").objects.values_list("pk", "kind"))
    Policy = apps.get_model("welfare", "Policy")
    basis = dict(Policy.objects.values_list("code", "income_basis"))
    cases = monitoring_cases(apps, village)
    Case = migrator.to(MONITORING_ACROSS_YEARS).get_model("welfare", "MonitoredHousehold")
    closed = Case.objects.values_list("pk", "risk_eliminated_on", "elimination")
    closed_after = {pk: (on, way) for pk, on, way in closed}
    apps = migrator.to(BEFORE)  # both reversed
    return Migrated(
        kinds_before=kinds,
        kinds_after=kinds_after,
        kinds_reversed=dict(
            apps.get_model("welfare", "IncomeLine").objects.values_list("pk", "kind")
        ),
        basis=basis,
        cases=cases,
        closed_after=closed_after,
        closed_reversed=dict(
            apps.get_model("welfare", "MonitoredHousehold").objects.values_list(
                "pk", "risk_eliminated_on"
            )
        ),
    )


# -- 0009: income per policy --------------------------------------------------------------------


def test_0009_every_pension_line_becomes_the_residents_base_pension(migrated):
    pensions = [pk for pk, kind in migrated.kinds_before.items() if kind == "transfer_pension"]
    assert len(pensions) == 4
    assert {migrated.kinds_after[pk] for pk in pensions} == {"transfer_base_pension"}


def test_0009_other_income_lines_keep_their_kind(migrated):
    others = {pk: k for pk, k in migrated.kinds_before.items() if k != "transfer_pension"}
    assert {pk: migrated.kinds_after[pk] for pk in others} == others


def test_0009_the_social_assistance_policies_count_social_assistance_income(migrated):
    assert {code: migrated.basis[code] for code in SOCIAL_ASSISTANCE} == dict.fromkeys(
        SOCIAL_ASSISTANCE, "social_assistance"
    )


def test_0009_every_other_policy_counts_the_full_income(migrated):
    assert {code: migrated.basis[code] for code in FULL} == dict.fromkeys(FULL, "full")


def test_0009_reversed_every_line_has_its_kind_of_before(migrated):
    assert migrated.kinds_reversed == migrated.kinds_before


# -- 0010: monitoring cases across years ---------------------------------------------------------


def test_0010_a_households_only_open_case_stays_open(migrated):
    assert migrated.closed_after[migrated.cases["one_open"]] == (None, "")


def test_0010_the_latest_case_carries_on_and_the_earlier_closes_the_day_before_its_first_lead(
    migrated,
):
    cases, after = migrated.cases, migrated.closed_after
    assert after[cases["two_later"]] == (None, "")
    assert after[cases["two_earlier"]] == (day("2024-02-19"), "superseded")


def test_0010_three_open_cases_close_one_into_the_next(migrated):
    cases, after = migrated.cases, migrated.closed_after
    assert [after[cases[f"three_{n}"]] for n in ("first", "second", "third")] == [
        (day("2023-05-31"), "superseded"),
        (day("2025-01-14"), "superseded"),
        (None, ""),
    ]


def test_0010_the_latest_year_carries_on_whatever_the_order_cases_were_entered(migrated):
    cases, after = migrated.cases, migrated.closed_after
    assert after[cases["reversed_later"]] == (None, "")
    assert after[cases["reversed_earlier"]] == (day("2025-02-28"), "superseded")


def test_0010_a_case_never_closes_before_its_own_first_lead(migrated):
    cases, after = migrated.cases, migrated.closed_after
    assert after[cases["same_lead_earlier"]] == (day("2024-12-30"), "superseded")
    assert after[cases["same_lead_later"]] == (None, "")


def test_0010_a_risk_eliminated_before_the_way_was_recorded_says_unrecorded(migrated):
    cases, after = migrated.cases, migrated.closed_after
    assert after[cases["eliminated_before"]] == (day("2023-11-30"), "unrecorded")
    assert after[cases["eliminated_then_open"]] == (None, "")


def test_0010_reversed_every_case_is_kept_with_its_closing_day(migrated):
    assert set(migrated.closed_reversed) == set(migrated.cases.values())
    assert migrated.closed_reversed == {pk: on for pk, (on, _way) in migrated.closed_after.items()}
