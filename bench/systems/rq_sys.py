"""RQ: ``rq worker-pool`` on the queue, the job function is :func:`noop`."""

from __future__ import annotations

from redis import Redis
from rq import Queue

from bench.common import QUEUE, record, redis_url

BULK_API = "Queue.enqueue_many"
_queue: Queue | None = None


def noop(ts: float) -> None:
    record(ts)


def setup() -> None:
    global _queue
    _queue = Queue(QUEUE, connection=Redis.from_url(redis_url()))


def enqueue(ts: float) -> None:
    assert _queue is not None
    _queue.enqueue(noop, ts)


def enqueue_bulk(count: int) -> None:
    assert _queue is not None
    for start in range(0, count, 500):
        n = min(500, count - start)
        _queue.enqueue_many([Queue.prepare_data(noop, args=(0.0,)) for _ in range(n)])
