"""ojs-grpc as a user runs it: the ``Client`` producer and an ``ojs-worker-runtime`` fleet
(``python -m worker_runtime bench.systems.ojs_runtime:worker``) on the gateway."""

from __future__ import annotations

import os
from typing import Any

from bench.common import QUEUE, env_int, ojs_targets, record
from ojs_grpc import Client
from worker_runtime import JobContext, Worker

ASYNC = True
BULK_API = "Client.enqueue_batch (500 a call)"
TARGET = ojs_targets()[0]
# BENCH_TRANSPORT picks the Worker's transport (session, stream, fetch); unset: its default.
_options: dict[str, Any] = {}
if os.environ.get("BENCH_TRANSPORT"):
    _options["transport"] = os.environ["BENCH_TRANSPORT"]
worker = Worker(TARGET, queues=[QUEUE], concurrency=env_int("BENCH_CONCURRENCY", 10), **_options)
_client: Client | None = None


@worker.register("noop")
async def noop(ctx: JobContext) -> None:
    record(ctx.args[0])


async def setup() -> None:
    global _client
    _client = Client(TARGET)
    await _client.health()


async def teardown() -> None:
    if _client is not None:
        await _client.close()


async def enqueue(ts: float) -> None:
    assert _client is not None
    await _client.enqueue("noop", [ts], queue=QUEUE)


async def enqueue_bulk(count: int) -> None:
    assert _client is not None
    for start in range(0, count, 500):
        n = min(500, count - start)
        await _client.enqueue_batch([{"type": "noop", "args": [0.0]}] * n, queue=QUEUE)
