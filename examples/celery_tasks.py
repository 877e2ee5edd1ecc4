"""Celery migration guide, ported: the worker side (handlers + logging middleware).

Run it in 2 processes against a gateway (./scripts/serve):

    .venv/bin/ojs-worker-runtime examples.celery_tasks:worker --processes 2 --concurrency 10

or in this process: .venv/bin/python examples/celery_tasks.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

from worker_runtime import JobContext, Worker

log = logging.getLogger("examples.tasks")

worker = Worker(
    os.environ.get("OJS_URL", "localhost:9090"),
    queues=["email", "orders", "reports", "default"],
    concurrency=10,
)


class SmtpError(Exception):
    """A transient failure: the server retries per the job's retry policy."""


class ReportError(Exception):
    """Listed in non_retryable_errors at enqueue: no retry."""


# Stand-ins for the application's services.
SENT: list[tuple[str, str]] = []
ORDERS: dict[int, str] = {}


@worker.middleware
async def logging_mw(ctx: JobContext, next: Any) -> Any:
    """Celery task_prerun/task_postrun signals, as one execution middleware."""
    log.info("starting %s attempt %d", ctx.type, ctx.attempt)
    start = time.monotonic()
    result = await next()
    log.info("finished %s in %.2fs", ctx.type, time.monotonic() - start)
    return result


@worker.register("email.send")
async def handle_email(ctx: JobContext) -> dict[str, Any]:
    to, template = ctx.args[0], ctx.args[1]
    if to.startswith("flaky") and ctx.attempt == 1:
        raise SmtpError("421 try again later")  # no self.retry(): just raise
    SENT.append((to, template))
    return {"message_id": f"msg-{len(SENT)}"}


@worker.register("order.process")
async def handle_order(ctx: JobContext) -> dict[str, Any]:
    order_id = ctx.args[0]  # an id, never a pickled object
    ORDERS[order_id] = "charged"
    return {"order_id": order_id, "status": "charged"}


@worker.register("report.generate")
def handle_report(ctx: JobContext) -> dict[str, Any]:
    """A plain def: it runs in the worker's thread pool."""
    user_id, report_type = ctx.args[0], ctx.args[1]
    filters = ctx.args[2] if len(ctx.args) > 2 else {}
    if report_type == "broken":
        raise ReportError("unknown report type")
    return {"url": f"s3://reports/{user_id}/{report_type}.csv", "filters": filters}


for step in (
    "data.fetch",
    "data.transform",
    "data.load",
    "process.chunk",
    "merge.results",
    "alert.operator",
    "cleanup.temp",
    "export.csv",
    "export.pdf",
    "maintenance.cleanup",
):

    @worker.register(step)
    async def handle_step(ctx: JobContext) -> dict[str, Any]:
        return {"step": ctx.type, "args": ctx.args}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(worker.run())
