import pytest
from django.test import Client

from villagedesk.api.services import token_create
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory


class ApiClient(Client):
    """A program calling the API with a personal access token."""

    def __init__(self, secret: str | None = None, language: str = "en", **kwargs):
        headers = {"Accept-Language": language}
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        super().__init__(headers=headers, **kwargs)


def api_client_for(user, scope="write", **kwargs) -> ApiClient:
    _token, secret = token_create(by=user, name="test", scope=scope, expires_at=None)
    return ApiClient(secret, **kwargs)


@pytest.fixture
def api_for():
    return api_client_for


@pytest.fixture
def homes(village_a, village_b):
    """One household with a head in each village."""
    a = HouseholdFactory(village=village_a, number="0001", phone="13912345678")
    b = HouseholdFactory(village=village_b, number="0001")
    head_a = PersonFactory(household=a, name="张秀英", phone="13987654321")
    head_b = PersonFactory(household=b, name="李四")
    return {"a": a, "b": b, "head_a": head_a, "head_b": head_b}
