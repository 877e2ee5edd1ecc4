"""SAQ on Redis: ``saq bench.systems.saq_sys.settings``."""

from __future__ import annotations

from typing import Any

from saq import Queue

from bench.common import QUEUE, env_int, record, redis_url

ASYNC = True
queue = Queue.from_url(redis_url(), name=QUEUE)


async def noop(ctx: Any, *, ts: float) -> None:
    record(ts)


settings = {"queue": queue, "functions": [noop], "concurrency": env_int("BENCH_CONCURRENCY", 10)}


async def setup() -> None:
    await queue.connect()


async def enqueue(ts: float) -> None:
    await queue.enqueue("noop", ts=ts)
