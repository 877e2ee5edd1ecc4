"""In-process gateways (real gRPC and HTTP listeners on loopback) for binding tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import grpc
import pytest
import redis.asyncio as aioredis

from ojs_grpc._proto.ojs.v1 import service_pb2_grpc
from ojs_grpc.clock import ManualClock
from ojs_grpc.config import Settings
from ojs_grpc.server import Gateway
from ojs_grpc.store.embedded import embedded_store
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.support.processes import RedisServer


@dataclass
class Client:
    """Both bindings of one running gateway."""

    gateway: Gateway
    http: aiohttp.ClientSession
    stub: service_pb2_grpc.OJSServiceStub
    clock: ManualClock

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.gateway.http_port}"

    async def post(self, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        async with self.http.post(self.base + path, json=body, headers=headers) as r:
            return r.status, await r.json(content_type=None)

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.http.get(self.base + path) as r:
            return r.status, await r.json(content_type=None)

    async def delete(self, path: str) -> tuple[int, Any]:
        async with self.http.delete(self.base + path) as r:
            return r.status, await r.json(content_type=None)


async def open_client(
    store: RedisStore, settings: Settings | None = None
) -> tuple[Client, grpc.aio.Channel]:
    clock = ManualClock(start_ms=1_790_000_000_000)
    settings = settings or Settings()
    settings.grpc_addr = "127.0.0.1:0"
    settings.http_addr = "127.0.0.1:0"
    gw = Gateway(settings, clock=clock, store=store)
    await gw.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{gw.grpc_port}")
    client = Client(gw, aiohttp.ClientSession(), service_pb2_grpc.OJSServiceStub(channel), clock)
    return client, channel


@pytest.fixture(params=["embedded", "redis"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[Client]:
    """A started gateway with a controlled clock, on each backend."""
    keys = Keys(f"it-{uuid.uuid4().hex[:12]}")
    if request.param == "embedded":
        store = embedded_store(keys)
    else:
        srv: RedisServer = request.getfixturevalue("redis_srv")
        store = RedisStore(aioredis.from_url(srv.url, decode_responses=True), keys)
    c, channel = await open_client(
        store, Settings(max_job_bytes=64 * 1024, max_request_bytes=256 * 1024)
    )
    try:
        yield c
    finally:
        await c.http.close()
        await channel.close()
        if request.param == "redis":
            await store.reset()
        await c.gateway.stop(0.5)
