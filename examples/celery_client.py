"""Celery migration guide, ported: the calling side (enqueue, results, canvas, beat).

Start the gateway (./scripts/serve) and a worker (examples/celery_tasks.py), then:
    .venv/bin/python examples/celery_client.py
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from ojs_grpc import Client, CronJobRequest, RetryPolicy, batch, chain, group


async def wait_done(client: Client, job_id: str, timeout: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = await client.get_job(job_id)
        if job.state in ("completed", "discarded", "cancelled"):
            return job
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{job_id} still {job.state}")
        await asyncio.sleep(0.05)


async def main(url: str | None = None, http_url: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with Client(url, http_url=http_url) as client:
        # send_email.apply_async(args=[...], queue="email") + @app.task(max_retries=5, ...)
        job = await client.enqueue(
            "email.send",
            ["flaky@example.com", "welcome"],
            queue="email",
            retry=RetryPolicy(max_attempts=5, initial_interval="PT0.1S", backoff_coefficient=2.0),
        )
        # AsyncResult(id).state / .result / .traceback
        done = await wait_done(client, job.id)
        print("email:", done.state, done.result, [e.message for e in done.errors])
        out["email"] = done

        # countdown=300 -> delay_until (a datetime or RFC 3339 text)
        later = await client.enqueue(
            "email.send",
            ["user@example.com", "reminder"],
            queue="email",
            delay_until=datetime.now(UTC) + timedelta(minutes=5),
        )
        print("delayed:", later.state, later.scheduled_at)
        out["delayed"] = later

        # process_order(order) with a pickled object -> an id
        order = await client.enqueue("order.process", [1042], queue="orders")
        out["order"] = await wait_done(client, order.id)

        # generate_report: ReportError is not retried
        report = await client.enqueue(
            "report.generate",
            [7, "broken"],
            queue="reports",
            retry=RetryPolicy(
                max_attempts=3, initial_interval="PT30S", non_retryable_errors=["ReportError"]
            ),
        )
        out["report"] = await wait_done(client, report.id)
        print("report:", out["report"].state, out["report"].errors[0].error_class)

        # canvas: chain, group, chord -> plain data
        out["chain"] = await client.workflow(
            chain(
                {"type": "data.fetch", "args": [{"url": "https://example.com"}]},
                {"type": "data.transform", "args": [{"format": "csv"}]},
                {"type": "data.load", "args": [{"dest": "warehouse"}]},
            )
        )
        out["group"] = await client.workflow(
            group(
                {"type": "export.csv", "args": [456]},
                {"type": "export.pdf", "args": [456]},
            )
        )
        out["batch"] = await client.workflow(
            batch(
                [{"type": "process.chunk", "args": [i]} for i in range(3)],
                callbacks={
                    "on_success": {"type": "merge.results", "args": []},
                    "on_failure": {"type": "alert.operator", "args": []},
                    "on_complete": {"type": "cleanup.temp", "args": []},
                },
            )
        )
        for key in ("chain", "group", "batch"):
            wf = out[key]
            for _ in range(600):
                wf = await client.get_workflow(wf.id)
                if wf.state != "running":
                    break
                await asyncio.sleep(0.05)
            out[key] = wf
            print(f"{key}:", wf.state, [(s.type, s.state) for s in wf.steps])

        # celery beat -> server-side cron
        out["cron"] = await client.register_cron_job(
            CronJobRequest(
                name="cleanup-nightly",
                cron="0 3 * * *",
                timezone="UTC",
                type="maintenance.cleanup",
                args=[],
            )
        )
        print("cron next run:", out["cron"].next_run_at)
    return out


if __name__ == "__main__":
    asyncio.run(main(os.environ.get("OJS_URL")))
