"""Shared fixtures: a throwaway redis-server and stores on both backends."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis

from ojs_grpc.store.embedded import embedded_store
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.support.processes import RedisServer, redis_server

BACKENDS = ["embedded", "redis"]


@pytest.fixture(scope="session")
def redis_srv() -> Iterator[RedisServer]:
    """One redis-server for the whole run, on a free loopback port."""
    with redis_server() as srv:
        yield srv


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RedisStore]:
    """An empty store on each backend; Redis ones get their own key prefix."""
    keys = Keys(f"test-{uuid.uuid4().hex[:12]}")
    if request.param == "embedded":
        s = embedded_store(keys)
    else:
        srv: RedisServer = request.getfixturevalue("redis_srv")
        s = RedisStore(aioredis.from_url(srv.url, decode_responses=True), keys)
    try:
        yield s
    finally:
        if request.param == "redis":
            await s.reset()
        await s.close()
