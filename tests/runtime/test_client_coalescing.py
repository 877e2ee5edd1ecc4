"""Client.enqueue coalescing: concurrent enqueues travel as one EnqueueBatch per queue,
and every caller still gets its own job or its own error (real gateway, embedded store)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from ojs_grpc import BackendError, Client, InvalidRequestError, RetryPolicy
from tests.support.processes import GatewayProcess


def _queue() -> str:
    return f"q{uuid.uuid4().hex[:10]}"


class Counted:
    """A client whose Enqueue and EnqueueBatch stubs count their calls (and batch sizes)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.calls: Counter[str] = Counter()
        self.batch_sizes: list[int] = []
        stub = client.stub
        for name in ("Enqueue", "EnqueueBatch"):
            setattr(stub, name, self._counting(name, getattr(stub, name)))

    def _counting(self, name: str, method: Any) -> Any:
        def call(request: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            if name == "EnqueueBatch":
                self.batch_sizes.append(len(request.jobs))
            return method(request, **kwargs)

        return call


@pytest.fixture
async def counted(gateway: GatewayProcess) -> AsyncIterator[Counted]:
    async with Client(gateway.grpc_target) as c:
        yield Counted(c)


async def test_concurrent_enqueues_become_one_batch_and_map_to_their_callers(
    counted: Counted,
) -> None:
    client, q = counted.client, _queue()
    jobs = await asyncio.gather(
        *(client.enqueue("x.each", [i, f"n{i}"], queue=q, priority=i % 3) for i in range(20))
    )
    assert counted.calls == {"EnqueueBatch": 1}
    assert counted.batch_sizes == [20]
    assert [job.args for job in jobs] == [[i, f"n{i}"] for i in range(20)]
    assert [job.priority for job in jobs] == [i % 3 for i in range(20)]
    assert len({job.id for job in jobs}) == 20
    for i, job in enumerate(jobs):
        stored = await client.get_job(job.id)
        assert (stored.args, stored.queue, stored.state) == ([i, f"n{i}"], q, "available")


async def test_an_invalid_job_fails_only_its_own_caller(counted: Counted) -> None:
    client, q = counted.client, _queue()
    calls = [client.enqueue("x.ok", [i], queue=q) for i in range(5)]
    calls.insert(2, client.enqueue("x.bad", [99], queue=q, retry=RetryPolicy(max_attempts=-1)))
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    bad = outcomes.pop(2)
    assert isinstance(bad, InvalidRequestError)
    assert "max_attempts" in str(bad) and "jobs[" not in str(bad)  # the unary call's error
    assert [job.args for job in outcomes if not isinstance(job, BaseException)] == [
        [i] for i in range(5)
    ]
    # The refused batch (all or nothing: nothing written) was sent again job by job.
    assert counted.calls == {"EnqueueBatch": 1, "Enqueue": 6}
    stats = await client.queue_stats(q)
    assert stats.available == 5


async def test_one_batch_per_queue_and_at_most_coalesce_max_jobs(gateway: GatewayProcess) -> None:
    async with Client(gateway.grpc_target, coalesce_max=4) as client:
        counted = Counted(client)
        a, b = _queue(), _queue()
        jobs = await asyncio.gather(
            *(client.enqueue("x.q", [i], queue=a if i % 2 else b) for i in range(12))
        )
        assert [(job.queue, job.args) for job in jobs] == [
            (a if i % 2 else b, [i]) for i in range(12)
        ]
        assert counted.calls == {"EnqueueBatch": 4}
        assert sorted(counted.batch_sizes) == [2, 2, 4, 4]


async def test_a_lone_enqueue_stays_unary_and_unique_jobs_are_never_coalesced(
    counted: Counted,
) -> None:
    client, q = counted.client, _queue()
    await client.enqueue("x.lone", [1], queue=q)
    assert counted.calls == {"Enqueue": 1}
    outcomes = await asyncio.gather(
        *(client.enqueue("x.unique", [7], queue=q, unique={"key": ["type"]}) for _ in range(2)),
        return_exceptions=True,
    )
    assert counted.calls == {"Enqueue": 3}
    assert sorted(type(o).__name__ for o in outcomes) == ["DuplicateError", "Job"]


async def test_coalescing_can_be_turned_off(gateway: GatewayProcess) -> None:
    async with Client(gateway.grpc_target, coalesce=False) as client:
        counted = Counted(client)
        await asyncio.gather(*(client.enqueue("x.off", [i], queue=_queue()) for i in range(3)))
        assert counted.calls == {"Enqueue": 3}


async def test_a_backend_failure_reaches_every_caller_and_is_not_resent(counted: Counted) -> None:
    client = counted.client

    async def unavailable(request: Any, **kwargs: Any) -> Any:
        raise grpc.aio.AioRpcError(
            grpc.StatusCode.UNAVAILABLE, grpc.aio.Metadata(), grpc.aio.Metadata(), "down"
        )

    client.stub.EnqueueBatch = counted._counting("EnqueueBatch", unavailable)  # type: ignore[method-assign]
    q = _queue()
    outcomes = await asyncio.gather(
        *(client.enqueue("x.down", [i], queue=q) for i in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, BackendError) for o in outcomes)
    # The batch may have been stored before the connection broke: never sent twice.
    assert counted.calls == {"EnqueueBatch": 1}


async def test_close_sends_the_enqueues_still_waiting(gateway: GatewayProcess) -> None:
    client = Client(gateway.grpc_target)
    q = _queue()
    tasks = [asyncio.ensure_future(client.enqueue("x.late", [i], queue=q)) for i in range(3)]
    await asyncio.sleep(0)  # the tasks are waiting for the next turn of the loop
    await client.close()
    jobs = await asyncio.gather(*tasks)
    assert [job.args for job in jobs] == [[0], [1], [2]]
    async with Client(gateway.grpc_target) as reader:
        assert (await reader.queue_stats(q)).available == 3


async def test_each_job_of_a_batch_reply_keeps_its_own_retry_policy(counted: Counted) -> None:
    client, q = counted.client, _queue()
    jobs = await asyncio.gather(
        *(client.enqueue("x.retry", [i], queue=q, max_attempts=2 + i % 3) for i in range(9))
    )
    assert counted.calls == {"EnqueueBatch": 1}
    assert [job.retry_policy.max_attempts if job.retry_policy else None for job in jobs] == [
        2 + i % 3 for i in range(9)
    ]
    assert [job.state for job in jobs] == ["available"] * 9
