"""Attempts arriving at the same moment are counted one after another: at most the limit of them
has its password checked, on SQLite and on PostgreSQL alike."""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from villagedesk.accounts.models import LoginFailure

ATTEMPTS = 24


@contextlib.contextmanager
def database_for_threads(tmp_path):
    """Let other threads work on the test database as they would in production.

    SQLite's test database lives in memory with a shared cache, where a second writer fails at
    once ("database table is locked") instead of waiting: production uses a file, so the test
    database is copied to one and the threads' connections open it.
    """
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
        # Each connection's first command asks for WAL (settings.py); a change of journal mode
        # does not wait for a busy database, so the copy is in WAL before the threads open it.
        copy.execute("PRAGMA journal_mode=WAL")
    settings_dict = connections.settings["default"]
    in_memory = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        settings_dict["NAME"] = in_memory


def in_threads(target, count: int) -> None:
    def run():
        try:
            target()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_check_at_most_the_limit_of_passwords(
    cadre_a, settings, monkeypatch, tmp_path
):
    checked = []
    start = threading.Barrier(ATTEMPTS)
    statuses = []

    def slow_authenticate(request=None, **credentials):
        checked.append(credentials["username"])
        # Hold the check open, so that the threads are between counting and checking at once.
        threading.Event().wait(0.2)
        return None

    def attempt():
        start.wait()
        response = Client().post(
            reverse("accounts:login"), {"username": "cadre_a", "password": "nope"}
        )
        statuses.append(response.status_code)

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", slow_authenticate)
    recorded = []
    with database_for_threads(tmp_path):
        in_threads(attempt, ATTEMPTS)
        in_threads(lambda: recorded.append(LoginFailure.objects.count()), 1)

    limit = settings.LOGIN_FAILURE_LIMIT
    assert len(checked) == limit
    assert sorted(statuses) == [200] * limit + [429] * (ATTEMPTS - limit)
    assert recorded == [limit]
