"""Saves from an out-of-date form are refused, and a create form adds its row once, on SQLite
and on PostgreSQL alike; also when the two sendings arrive at the same moment."""

import datetime
import threading

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from villagedesk.accounts.tests.test_concurrent_logins import database_for_threads, in_threads
from villagedesk.core.concurrency import (
    EditConflict,
    FormAlreadySent,
    form_token_new,
    saved_once,
)
from villagedesk.core.forms import SavedOnceForm
from villagedesk.core.models import SpentFormToken
from villagedesk.core.tests.guards import STALE_REFUSAL, guard_value
from villagedesk.registry import services
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory


class NameForm(SavedOnceForm, forms.Form):
    name = forms.CharField()


@pytest.fixture
def household(village_a):
    return HouseholdFactory(village=village_a, group=village_a.groups.first(), address="一组")


@pytest.mark.django_db
def test_a_save_from_an_older_version_is_refused_and_the_newer_save_stays(cadre_a, household):
    first, second = Household.objects.get(pk=household.pk), Household.objects.get(pk=household.pk)
    first.address = "一组 1 号"
    services.household_update(by=cadre_a, household=first)
    second.address = "一组 2 号"
    with pytest.raises(EditConflict) as refused:
        services.household_update(by=cadre_a, household=second)
    household.refresh_from_db()
    assert (household.address, household.version) == ("一组 1 号", 2)
    assert refused.value.current.address == "一组 1 号"


@pytest.mark.django_db
def test_each_save_moves_the_version_once(cadre_a, household):
    for address in ("一组 1 号", "一组 2 号"):
        household.address = address
        services.household_update(by=cadre_a, household=household)
    assert Household.objects.get(pk=household.pk).version == household.version == 3


@pytest.mark.django_db
def test_a_save_of_a_record_removed_meanwhile_is_refused(cadre_a, household):
    stale = Household.objects.get(pk=household.pk)
    Household.objects.filter(pk=household.pk).delete()
    with pytest.raises(EditConflict) as refused:
        services.household_update(by=cadre_a, household=stale)
    assert refused.value.current is None


def clients_on_the_form(cadre_a, url, count):
    """Logged-in clients, and the version the form at `url` was filled from."""
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(cadre_a)
        clients.append(client)
    return clients, guard_value(clients[0].get(url), "version")


def edit_in_threads(household, url, clients, version, addresses):
    """Send the household's edit form once per address, all filled from the same version, from
    threads that start together; the status of each answer and whether it was refused."""
    start = threading.Barrier(len(addresses))
    answers = []
    jobs = iter(zip(clients, addresses, strict=True))
    lock = threading.Lock()

    def edit():
        with lock:
            client, address = next(jobs)
        data = {
            "village": household.village_id,
            "group": household.group_id,
            "number": household.number,
            "address": address,
            "status": household.status,
            "housing_safety": "safe",
            "water_safety": "safe",
            "version": version,
        }
        start.wait()
        response = client.post(url, data)
        answers.append((response.status_code, STALE_REFUSAL in response.content.decode()))

    in_threads(edit, len(addresses))
    return answers


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_give_one_refusal(cadre_a, household, tmp_path):
    url = reverse("registry:household-edit", args=[household.pk])
    clients, version = clients_on_the_form(cadre_a, url, 2)
    with database_for_threads(tmp_path):
        answers = edit_in_threads(household, url, clients, version, ["一组 1 号", "一组 2 号"])
        saved = []
        in_threads(lambda: saved.append(Household.objects.get(pk=household.pk)), 1)
    assert sorted(answers) == [(200, True), (302, False)]
    assert saved[0].version == 2
    assert saved[0].address in {"一组 1 号", "一组 2 号"}


@pytest.mark.django_db(transaction=True)
def test_a_create_form_sent_twice_at_the_same_moment_adds_one_person(cadre_a, household, tmp_path):
    url = reverse("registry:person-create", args=[household.pk])
    data = {
        "name": "王小红",
        "sex": "female",
        "birth_date": "2010-02-03",
        "relation": "daughter",
        "ethnicity": "01",
        "schooling": "grade_9",
        "labour": "none",
        "migrant_months": "0",
        "form_token": form_token_new(),
    }
    start = threading.Barrier(2)
    answers = []

    def send():
        client = Client()
        client.force_login(cadre_a)
        start.wait()
        response = client.post(url, data)
        answers.append((response.status_code, response["Location"]))

    with database_for_threads(tmp_path):
        in_threads(send, 2)
        counted = []
        in_threads(lambda: counted.append(Person.objects.filter(name="王小红").count()), 1)
    assert answers == [(302, household.get_absolute_url())] * 2
    assert counted == [1]


@pytest.mark.django_db
def test_a_token_is_spent_once_and_leads_back_to_what_it_added():
    form = NameForm({"name": "x", "form_token": form_token_new()})
    assert form.is_valid()
    with saved_once(form) as receipt:
        receipt.leads_to("/households/7/")
    with pytest.raises(FormAlreadySent) as again, saved_once(form):
        pytest.fail("the block of a spent token runs")
    assert again.value.leads_to == "/households/7/"
    assert SpentFormToken.objects.count() == 1


@pytest.mark.django_db
def test_a_write_that_fails_leaves_the_token_good():
    form = NameForm({"name": "x", "form_token": form_token_new()})
    assert form.is_valid()
    with pytest.raises(ValidationError), saved_once(form):
        raise ValidationError("refused")
    assert not SpentFormToken.objects.exists()
    with saved_once(form):
        pass
    assert SpentFormToken.objects.count() == 1


@pytest.mark.django_db
def test_a_void_receipt_leaves_the_token_good():
    form = NameForm({"name": "x", "form_token": form_token_new()})
    assert form.is_valid()
    with saved_once(form) as receipt:
        receipt.void()
    assert not SpentFormToken.objects.exists()


@pytest.mark.parametrize(
    "token", ["", "made-up", "9CSpfWXX-Lm2nxMk1DzBJW6O:1xXyg8:forged-signature"]
)
def test_a_missing_or_forged_token_is_refused_and_renewed(token):
    form = NameForm({"name": "x", "form_token": token})
    assert not form.is_valid()
    assert "out of date" in form.non_field_errors()[0]
    assert form.guard["form_token"] != token


def test_a_form_left_open_over_a_week_is_refused():
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        token = form_token_new()
    form = NameForm({"name": "x", "form_token": token})
    assert not form.is_valid()


@pytest.mark.django_db
def test_spent_tokens_older_than_a_week_are_forgotten():
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        SpentFormToken.objects.create(token="old")
    form = NameForm({"name": "x", "form_token": form_token_new()})
    assert form.is_valid()
    with saved_once(form):
        pass
    assert list(SpentFormToken.objects.values_list("token", flat=True)) == [form.spendable_token]


@pytest.mark.django_db
def test_an_edit_form_without_its_version_is_refused(cadre_a, household, client):
    client.force_login(cadre_a)
    url = reverse("registry:household-edit", args=[household.pk])
    response = client.post(
        url,
        {
            "village": household.village_id,
            "group": household.group_id,
            "number": household.number,
            "address": "改过",
            "status": household.status,
            "housing_safety": "safe",
            "water_safety": "safe",
            "version": "",
        },
    )
    assert "out of date" in response.content.decode()
    household.refresh_from_db()
    assert household.address == "一组"
