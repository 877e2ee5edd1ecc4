"""Five-minute tour over gRPC with the generated stubs: enqueue, fetch, ack, read back.

Start the gateway first (./scripts/serve); queue `tour` has no worker, so this script
plays the worker by hand: .venv/bin/python examples/grpc_tour.py
"""

from __future__ import annotations

import asyncio
import os

import grpc

from ojs_grpc._proto.ojs.v1 import job_pb2, service_pb2_grpc, worker_pb2


async def main() -> None:
    target = os.environ.get("OJS_GRPC_TARGET", "localhost:9090")
    async with grpc.aio.insecure_channel(target) as channel:
        ojs = service_pb2_grpc.OJSServiceStub(channel)

        # Producer: JSON-native args only (no pickle), retry policy enforced by the server.
        request = job_pb2.EnqueueRequest(
            type="email.send",
            options=job_pb2.EnqueueOptions(
                queue="tour", retry=job_pb2.RetryPolicy(max_attempts=5, jitter=True)
            ),
        )
        request.args.add().string_value = "user@example.com"
        request.args.add().string_value = "Welcome!"
        job = (await ojs.Enqueue(request)).job
        print("enqueued", job.id, job_pb2.JobState.Name(job.state))

        # Worker: claim it, do the work, acknowledge with a result.
        fetched = await ojs.Fetch(worker_pb2.FetchRequest(queues=["tour"], worker_id="tour-1"))
        claimed = fetched.jobs[0]
        print("fetched", claimed.id, "attempt", claimed.attempt, list(claimed.args))
        ack = worker_pb2.AckRequest(job_id=claimed.id)
        ack.result.fields["delivered"].bool_value = True
        await ojs.Ack(ack, metadata=[("x-ojs-lease-token", str(claimed.attempt))])

        done = (await ojs.GetJob(job_pb2.GetJobRequest(job_id=job.id))).job
        print("state", job_pb2.JobState.Name(done.state), "result", dict(done.result))


if __name__ == "__main__":
    asyncio.run(main())
