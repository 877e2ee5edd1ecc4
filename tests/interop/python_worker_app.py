"""The Python worker the Go (and other) clients' interop tests run with ojs-worker-runtime."""

from __future__ import annotations

from typing import Any

from worker_runtime import JobContext, Worker

worker = Worker(queues=["default"], heartbeat_interval=1.0)


@worker.register("interop.echo")
async def echo(ctx: JobContext) -> dict[str, Any]:
    """Result: the job's arguments back, and who ran it."""
    return {"echo": list(ctx.args), "lang": "python"}
