"""The worker the supervisor tests run in real child processes (configured by env)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from worker_runtime import JobContext, Worker
from worker_runtime.supervisor import resident_mib

OUT = Path(os.environ.get("TEST_OUT_DIR", "/tmp"))

worker = Worker(
    queues=["default"], heartbeat_interval=0.3, lease=float(os.environ.get("TEST_LEASE", "30"))
)


@worker.register("sleep")
async def sleep(ctx: JobContext) -> dict[str, Any]:
    """args: [seconds]; records which process started which attempt."""
    (OUT / f"{ctx.id}.{ctx.attempt}.{os.getpid()}").touch()
    await asyncio.sleep(float(ctx.args[0]))
    return {"pid": os.getpid()}


@worker.register("whoami")
def whoami(ctx: JobContext) -> dict[str, Any]:
    """A sync handler: reports the child's process and event loop."""
    return {"pid": os.getpid(), "loop": type(worker_loop[0]).__module__}


worker_loop: list[Any] = [None]


@worker.middleware
async def remember_loop(ctx: JobContext, next: Any) -> Any:
    worker_loop[0] = asyncio.get_running_loop()
    return await next()


HELD: list[bytes] = []
"""What ``hog`` allocated: kept for the life of the process, like a leak."""


@worker.register("hog")
async def hog(ctx: JobContext) -> dict[str, Any]:
    """args: [MiB]; allocates (and touches) that much and never frees it."""
    HELD.append(b"x" * (int(ctx.args[0]) << 20))
    return {"pid": os.getpid(), "rss_mib": resident_mib()}
