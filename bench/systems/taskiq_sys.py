"""taskiq with taskiq-redis's streams broker: ``taskiq worker bench.systems.taskiq_sys:broker``."""

from __future__ import annotations

from taskiq_redis import RedisStreamBroker

from bench.common import QUEUE, record, redis_url

ASYNC = True
broker = RedisStreamBroker(url=redis_url(), queue_name=QUEUE)


@broker.task(task_name="noop")  # type: ignore[untyped-decorator]
async def noop(ts: float) -> None:
    record(ts)


async def setup() -> None:
    await broker.startup()


async def teardown() -> None:
    await broker.shutdown()


async def enqueue(ts: float) -> None:
    await noop.kiq(ts)
