"""The gateway restarts under load: a worker fleet and a producer keep going, nothing is lost,
nothing runs twice.

Real processes: redis-server, a gateway on it, an ``ojs-worker-runtime`` fleet of two
processes running :data:`worker` below (it appends ``start|end <job id> <attempt> <pid>`` to
a file around every execution) and a producer in the test. Mid-way the gateway is stopped
(SIGTERM, or SIGKILL) and a new one starts on the same ports; the workers reconnect by
themselves. One run per signal; the tests below check what it left behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from ojs_grpc.client import Client, OJSClientError
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.support.processes import (
    REPO,
    GatewayProcess,
    RedisServer,
    collect_stderr,
    free_port,
    start_gateway,
)
from worker_runtime import JobContext, Worker

QUEUE = "restart"
JOBS = 600
RESTART_AT = JOBS // 2  # accepted jobs before the gateway goes down
LOG_ENV = "OJS_RESTART_TEST_LOG"
# A job's lease: what a delivery lost with a killed gateway waits before it comes back
# (the server's default is 30 minutes).
LEASE_S = 10.0

worker = Worker(queues=[QUEUE], concurrency=8, heartbeat_interval=1.0, lease=LEASE_S)


@worker.register("restart.work")
async def work(ctx: JobContext) -> dict[str, Any]:
    """Records the execution's start and end (one line each, appended atomically)."""
    record("start", ctx)
    await asyncio.sleep(float(ctx.args[0]))
    record("end", ctx)
    return {"pid": os.getpid()}


def record(what: str, ctx: JobContext) -> None:
    with open(os.environ[LOG_ENV], "a") as log:
        log.write(f"{what} {ctx.id} {ctx.attempt} {os.getpid()}\n")


pytestmark = pytest.mark.timeout(300)


@contextmanager
def fleet(grpc_target: str, log_path: Path) -> Iterator[list[str]]:
    """``ojs-worker-runtime`` with two processes running :data:`worker`; yields its log lines."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "worker_runtime",
            f"{__name__}:worker",
            "--url",
            grpc_target,
            "--processes",
            "2",
            "--grace",
            "10",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1", LOG_ENV: str(log_path)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines = collect_stderr(proc)
    try:
        yield lines
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def restart(gw: GatewayProcess, how: signal.Signals, *args: str, redis_url: str) -> GatewayProcess:
    """Stop ``gw`` with ``how`` and start a new gateway on the same ports."""
    if how is signal.SIGKILL:
        gw.kill()
    else:
        assert gw.terminate(timeout=60) == 0
    deadline = time.monotonic() + 30
    while True:
        try:
            return start_gateway(
                *args, redis_url=redis_url, grpc_port=gw.grpc_port, http_port=gw.http_port
            )
        except RuntimeError:
            # The port may still be held for a moment by the dead process's sockets.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


async def produce(client: Client, accepted: list[str], halfway: asyncio.Event) -> None:
    """Enqueue JOBS jobs, steadily; a refused or failed call is retried until accepted."""
    while len(accepted) < JOBS:
        try:
            job = await client.enqueue(
                "restart.work", [0.1], queue=QUEUE, visibility_timeout=LEASE_S
            )
        except OJSClientError as err:
            assert err.retryable, err  # only the gateway being away is expected
            await asyncio.sleep(0.1)
            continue
        accepted.append(job.id)
        if len(accepted) == RESTART_AT:
            halfway.set()
        await asyncio.sleep(0.005)


def executions(log_path: Path) -> tuple[list[tuple[str, int, int]], set[tuple[str, int]]]:
    """Every execution started (job id, attempt, pid), and the (job id, attempt) that ended."""
    rows = [line.split() for line in log_path.read_text().splitlines() if line.strip()]
    runs = [
        (job_id, int(attempt), int(pid)) for what, job_id, attempt, pid in rows if what == "start"
    ]
    ended = {(job_id, int(attempt)) for what, job_id, attempt, _ in rows if what == "end"}
    return runs, ended


async def wait_completed(client: Client, job_ids: list[str], timeout: float) -> dict[str, str]:
    """Each job's state once all are completed, or when ``timeout`` runs out."""
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    pending = list(job_ids)
    while pending and time.monotonic() < deadline:
        still = []
        for job_id in pending:
            try:
                states[job_id] = (await client.get_job(job_id)).state
            except OJSClientError as err:
                assert err.retryable, err
                states[job_id] = "unknown"
            if states[job_id] != "completed":
                still.append(job_id)
        pending = still
        if pending:
            await asyncio.sleep(0.5)
    return states


@dataclass
class Restarted:
    """What one run under load with a gateway restart left behind."""

    accepted: list[str]
    states: dict[str, str]
    runs: list[tuple[str, int, int]]  # (job id, attempt, pid) per execution
    ended: set[tuple[str, int]]  # (job id, attempt) whose handler returned
    fleet_log: list[str]


async def run_with_restart(redis_url: str, how: signal.Signals, log_path: Path) -> Restarted:
    prefix = f"restart-{uuid.uuid4().hex[:8]}"
    gw_args = ("--key-prefix", prefix, "--shutdown-grace", "5")
    gw = start_gateway(*gw_args, redis_url=redis_url, grpc_port=free_port(), http_port=free_port())
    store = RedisStore(aioredis.from_url(redis_url, decode_responses=True), Keys(prefix))
    try:
        with fleet(gw.grpc_target, log_path) as fleet_log:
            async with Client(gw.grpc_target, http_url=gw.http_url) as client:
                accepted: list[str] = []
                halfway = asyncio.Event()
                producer = asyncio.create_task(produce(client, accepted, halfway))
                await asyncio.wait_for(halfway.wait(), 120)
                gw = await asyncio.to_thread(restart, gw, how, *gw_args, redis_url=redis_url)
                await asyncio.wait_for(producer, 120)
                states = await wait_completed(client, accepted, timeout=120)
        return Restarted(accepted, states, *executions(log_path), fleet_log)
    finally:
        if gw.proc.poll() is None:
            gw.terminate()
        await store.reset()
        await store.close()


@pytest.fixture(scope="module", params=[signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def restarted(
    request: pytest.FixtureRequest, redis_srv: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Restarted:
    """One run per way of stopping the gateway, shared by the checks below."""
    log_path = tmp_path_factory.mktemp("restart") / "executions.log"
    return asyncio.run(run_with_restart(redis_srv.url, request.param, log_path))


def test_every_accepted_job_completes(restarted: Restarted) -> None:
    assert len(restarted.accepted) == JOBS
    not_done = {j: s for j, s in restarted.states.items() if s != "completed"}
    assert not not_done, f"{len(not_done)} accepted jobs not completed: {not_done}"
    assert set(restarted.accepted) <= {job_id for job_id, _, _ in restarted.runs}


def test_no_job_runs_twice(restarted: Restarted) -> None:
    count = Counter(job_id for job_id, _, _ in restarted.runs)
    twice = {
        job_id: [(a, p) for j, a, p in restarted.runs if j == job_id]
        for job_id, n in count.items()
        if n > 1
    }
    # A first run that ended means its ack was lost; one that did not, that its lease was.
    ended = {j: (j, runs[0][0]) in restarted.ended for j, runs in twice.items()}
    assert not twice, (
        f"{len(twice)} jobs ran more than once (attempt, pid): {twice}\n"
        f"first run ended: {ended}\n" + "".join(restarted.fleet_log[-60:])
    )


def test_workers_reconnect_by_themselves(restarted: Restarted) -> None:
    # A draining gateway says TERMINATE with `reconnect`: the worker must reconnect, not
    # exit and be replaced by the supervisor.
    restarts = [line for line in restarted.fleet_log if "restarting in" in line]
    assert not restarts, "".join(restarted.fleet_log)
    # Both worker processes ran jobs, and kept running them after the restart.
    assert len({pid for _, _, pid in restarted.runs}) == 2
