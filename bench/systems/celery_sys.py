"""Celery 5 on the Redis broker: ``celery -A bench.systems.celery_sys worker``."""

from __future__ import annotations

from celery import Celery, group

from bench.common import QUEUE, record, redis_url

app = Celery("bench", broker=redis_url())
app.conf.update(
    task_default_queue=QUEUE,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
BULK_API = "group(...).apply_async()"


@app.task(name="noop")  # type: ignore[untyped-decorator]
def noop(ts: float) -> None:
    record(ts)


def enqueue(ts: float) -> None:
    noop.delay(ts)


def enqueue_bulk(count: int) -> None:
    # Celery has no bulk enqueue: a group publishes one message per task over one producer.
    for start in range(0, count, 500):
        group(noop.s(0.0) for _ in range(min(500, count - start))).apply_async()
