"""Unary Ack / Nack RPCs arriving together are settled as one batch (OJSService's
TurnBatcher), each call still answered for its own job: the right status, the right
state, a refusal only for the call that earned it. Both stores."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from ojs_grpc._proto.ojs.v1 import job_pb2, worker_pb2
from ojs_grpc.service import OJSService
from tests.integration.conftest import Client

pytestmark = pytest.mark.timeout(60)
Q = "batched"


async def test_concurrent_acks_and_nacks_share_batches_and_keep_their_answers(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    settle = OJSService.settle

    async def counting(self: OJSService, items: Any, worker_id: Any = None) -> Any:
        batches.append(len(items))
        return await settle(self, items, worker_id)

    monkeypatch.setattr(OJSService, "settle", counting)
    for _ in range(12):
        req = job_pb2.EnqueueRequest(
            type="b.job", options=job_pb2.EnqueueOptions(queue=Q, max_attempts=1)
        )
        await client.stub.Enqueue(req)
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=[Q], count=12, worker_id="w"))
    jobs = list(fetched.jobs)
    assert len(jobs) == 12

    def token(job: job_pb2.Job, attempt: int | None = None) -> list[tuple[str, str]]:
        return [("x-ojs-lease-token", str(job.attempt if attempt is None else attempt))]

    error = job_pb2.JobError(code="BoomError", message="failed")
    calls = [
        client.stub.Ack(worker_pb2.AckRequest(job_id=j.id), metadata=token(j)) for j in jobs[:8]
    ]
    calls += [
        client.stub.Nack(worker_pb2.NackRequest(job_id=j.id, error=error), metadata=token(j))
        for j in jobs[8:11]
    ]
    stale = jobs[11]
    calls.append(client.stub.Ack(worker_pb2.AckRequest(job_id=stale.id), metadata=token(stale, 9)))
    outcomes = await asyncio.gather(*calls, return_exceptions=True)

    assert all(o.acknowledged for o in outcomes[:8])
    assert [o.state for o in outcomes[8:11]] == [job_pb2.JOB_STATE_DISCARDED] * 3
    refused = outcomes[11]
    assert isinstance(refused, grpc.aio.AioRpcError)
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    # Far fewer settles than calls: the calls of one loop turn went as one batch.
    assert sum(batches) == 12 and len(batches) < 12
    for job in jobs[:8]:
        got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job.id))
        assert got.job.state == job_pb2.JOB_STATE_COMPLETED
    still = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=stale.id))
    assert still.job.state == job_pb2.JOB_STATE_ACTIVE
