"""arq: ``arq bench.systems.arq_sys.WorkerSettings`` (one process per command)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings

from bench.common import QUEUE, env_int, record, redis_url

ASYNC = True
_pool: ArqRedis | None = None


async def noop(ctx: Any, ts: float) -> None:
    record(ts)


class WorkerSettings:
    functions: ClassVar = [noop]
    redis_settings = RedisSettings.from_dsn(redis_url())
    queue_name = QUEUE
    max_jobs = env_int("BENCH_CONCURRENCY", 10)
    keep_result = 0


async def setup() -> None:
    global _pool
    _pool = await create_pool(WorkerSettings.redis_settings, default_queue_name=QUEUE)


async def enqueue(ts: float) -> None:
    assert _pool is not None
    await _pool.enqueue_job("noop", ts)
