"""Dramatiq on its Redis broker: ``dramatiq bench.systems.dramatiq_sys``."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from bench.common import QUEUE, record, redis_url

broker = RedisBroker(url=redis_url())
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name=QUEUE, max_retries=0)  # type: ignore[untyped-decorator]
def noop(ts: float) -> None:
    record(ts)


def enqueue(ts: float) -> None:
    noop.send(ts)
