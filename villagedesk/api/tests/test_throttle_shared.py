"""A token's rate holds across the server's processes when the cache is Redis (CACHE_URL): two
cache clients with connections of their own, as two gunicorn workers have, share its count.

The tests use the Redis of CACHE_URL, or the one on 127.0.0.1 (database 1), under a key prefix
of their own that they remove afterwards (never a flush); they are skipped when it cannot be
reached."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from villagedesk.api.auth import CallerRateThrottle
from villagedesk.api.services import token_create
from villagedesk.api.tests.conftest import ApiClient
from villagedesk.settings import caches_from_url

REDIS_URL = "redis://127.0.0.1:6379/1"
AREAS = "/api/v1/areas"


def redis_url(settings) -> str:
    given = settings.CACHES["default"]
    return given["LOCATION"] if given["BACKEND"].endswith("RedisCache") else REDIS_URL


@pytest.fixture
def prefix(settings):
    """A key prefix of this test's own in a reachable Redis; its keys removed afterwards."""
    redis = pytest.importorskip("redis")
    prefix = f"villagedesk-test-{uuid.uuid4().hex}"
    probe = RedisCache(redis_url(settings), {"KEY_PREFIX": prefix})
    try:
        probe.get("reachable")
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {redis_url(settings)}")
    yield prefix
    client = probe._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    probe.close()


def token_request(user):
    token, _secret = token_create(by=user, name="t", scope="read", expires_at=None)
    request = RequestFactory().get(AREAS)
    request.user, request.access_token = user, token
    return request


def throttles_over(caches) -> list[CallerRateThrottle]:
    """One throttle per worker process, each counting in the cache that process has."""
    throttles = []
    for cache in caches:
        throttle = CallerRateThrottle()
        throttle.cache = cache
        throttles.append(throttle)
    return throttles


def test_two_processes_share_a_tokens_count_in_redis(cadre_a, settings, prefix):
    settings.API_RATE = "3/min"
    workers = throttles_over(
        [RedisCache(redis_url(settings), {"KEY_PREFIX": prefix}) for _ in range(2)]
    )
    request = token_request(cadre_a)
    allowed = [workers[i % 2].allow_request(request) for i in range(4)]
    assert allowed == [True, True, True, False]


def test_each_process_counts_alone_in_its_own_memory(cadre_a, settings):
    settings.API_RATE = "3/min"
    workers = throttles_over([LocMemCache(f"worker-{i}", {}) for i in range(2)])
    request = token_request(cadre_a)
    assert [workers[i % 2].allow_request(request) for i in range(4)] == [True] * 4


def test_the_api_counts_in_the_cache_cache_url_names(cadre_a, settings, prefix):
    settings.API_RATE = "2/min"
    configured = caches_from_url(redis_url(settings))
    configured["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = configured
    token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    statuses = [ApiClient(secret).get(AREAS).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other_process = RedisCache(redis_url(settings), {"KEY_PREFIX": prefix})
    assert len(other_process.get(f"throttle_caller_token-{token.pk}")) == 2
