"""The Celery-guide ports in examples/ run end to end against the embedded store."""

from __future__ import annotations

import asyncio
import importlib

from tests.support.processes import GatewayProcess

from .helpers import running


async def test_celery_port_examples(gateway: GatewayProcess) -> None:
    tasks = importlib.import_module("examples.celery_tasks")
    client_example = importlib.import_module("examples.celery_client")
    worker = tasks.worker
    worker.url = gateway.grpc_target
    async with running(worker):
        out = await asyncio.wait_for(client_example.main(gateway.grpc_target, gateway.http_url), 60)
    email = out["email"]
    assert email.state == "completed" and email.attempt == 2
    assert email.errors[0].error_class == "SmtpError"
    assert out["delayed"].state == "scheduled"
    assert out["order"].result == {"order_id": 1042, "status": "charged"}
    assert out["report"].state == "discarded" and len(out["report"].errors) == 1
    assert out["report"].errors[0].error_class == "ReportError"
    assert out["chain"].state == "completed"
    assert out["group"].state == "completed"
    batch = out["batch"]
    assert batch.state == "completed"
    fired = {s.type: s.state for s in batch.steps}
    assert fired["merge.results"] == "completed" and fired["cleanup.temp"] == "completed"
    assert fired["alert.operator"] != "completed"
    assert out["cron"].next_run_at is not None
