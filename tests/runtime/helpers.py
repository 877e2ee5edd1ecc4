"""Waiting helpers for runtime tests (poll the job, never a fixed sleep)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ojs_grpc.client import Client, Job
from worker_runtime import Worker


def new_queue() -> str:
    return f"q{uuid.uuid4().hex[:10]}"


async def wait_job(client: Client, job_id: str, states: set[str], timeout: float = 15.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = await client.get_job(job_id)
        if job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.state}, wanted {states}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running(worker: Worker, grace: float = 5.0) -> AsyncIterator[Worker]:
    task = asyncio.create_task(worker.start())
    ready = asyncio.ensure_future(worker.wait_ready())
    await asyncio.wait([task, ready], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        task.result()
    try:
        yield worker
    finally:
        await worker.stop(grace)
        await task
