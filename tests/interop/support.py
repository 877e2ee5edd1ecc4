"""What the polyglot interop modules share: building an example once per module, running
it as a child process, waiting on jobs and logs, the gateway proxy without StreamJobs, and
the tests every example worker (Node, Java) passes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import grpc
import pytest

from ojs_grpc import Client, RetryPolicy
from ojs_grpc._proto.ojs.v1 import service_pb2_grpc, worker_pb2
from ojs_grpc.client.client import LEASE_TOKEN_KEY
from ojs_grpc.client.types import Job
from tests.support.processes import REPO, GatewayProcess

FINAL = frozenset({"completed", "discarded", "cancelled"})
# Long enough for a cold cache (module downloads, Maven dependencies); pytest's own
# timeout still bounds the test.
BUILD_TIMEOUT = 900.0

T = TypeVar("T")
# (RPC name, lease token it carried) for each call through a streamless proxy.
Calls = list[tuple[str, str | None]]


def skip_unless_installed(*tools: str, why: str) -> None:
    """Skip the test unless each of ``tools`` is on PATH; ``why`` says what needs them."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: {why}")


def run_checked(
    args: Sequence[str], cwd: Path = REPO, timeout: float = BUILD_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a build or generator command; a failure fails the test with the command's output."""
    proc = subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(args)} in {cwd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def report(config: pytest.Config, line: str) -> None:
    """Print ``line`` on a line of its own past pytest's output capture, so CI logs show it."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
        print(f"\n{line}", flush=True)


def built_example(
    config: pytest.Config, lang: str, how: str, build: Callable[[], T]
) -> Iterator[T]:
    """For a module fixture to ``yield from``: what ``build`` returns, then a report of the
    build's wall time and the whole module's."""
    started = time.monotonic()
    built = build()
    build_seconds = time.monotonic() - started
    yield built
    report(
        config,
        f"{lang} interop: example built in {build_seconds:.1f} s ({how}), "
        f"module took {time.monotonic() - started:.1f} s",
    )


class WorkerProcess:
    """A child process whose output (stdout and stderr) a thread collects line by line, so
    its pipe never fills up and tests can wait on what it logs."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        """Everything it has written so far."""
        return "\n".join(self.lines)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    async def logged(self, text: str, timeout: float = 30) -> None:
        """Return once ``text`` is in the log; fail if the process exits or ``timeout``
        runs out first."""
        deadline = time.monotonic() + timeout
        while text not in self.log:
            if self.proc.poll() is not None:
                # Its last lines may still be in the pipe: read up to the end first.
                await asyncio.to_thread(self._reader.join, 5)
                assert text in self.log, f"exited before logging {text!r}:\n{self.log}"
                return
            assert time.monotonic() < deadline, f"no {text!r} within {timeout} s in:\n{self.log}"
            await asyncio.sleep(0.02)

    def close(self) -> None:
        """Kill it if it still runs, and collect the rest of its output."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._reader.join(5)


@contextmanager
def spawned(args: Sequence[str], env: Mapping[str, str] | None = None) -> Iterator[WorkerProcess]:
    """``args`` running from the repository root, killed on the way out if still running."""
    proc = subprocess.Popen(
        list(args),
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = WorkerProcess(proc)
    try:
        yield worker
    finally:
        worker.close()


async def wait_for(
    client: Client, job_id: str, done: Callable[[Job], bool], timeout: float = 30
) -> Job:
    """The job once ``done`` holds for it, or as it is when ``timeout`` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        job = await client.get_job(job_id)
        if done(job) or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.05)


async def settled(client: Client, job_id: str, timeout: float = 30) -> Job:
    """The job once in a final state, or as it is when ``timeout`` runs out."""
    return await wait_for(client, job_id, lambda j: j.state in FINAL, timeout)


def streamless_service(
    upstream: service_pb2_grpc.OJSServiceStub, calls: Calls
) -> grpc.GenericRpcHandler:
    """ojs.v1.OJSService without StreamJobs (so it answers UNIMPLEMENTED, like a server that
    predates it): Fetch, Ack, Nack and Heartbeat go on to a gateway, and each call is
    recorded in ``calls`` with the lease token it carried."""

    def forwarded(name: str, request_type: Any) -> grpc.RpcMethodHandler[Any, Any]:
        async def handle(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            token = [(k, v) for k, v in context.invocation_metadata() or () if k == LEASE_TOKEN_KEY]
            calls.append((name, str(token[0][1]) if token else None))
            try:
                return await getattr(upstream, name)(request, metadata=token)
            except grpc.aio.AioRpcError as exc:
                await context.abort(exc.code(), exc.details() or "")

        return grpc.unary_unary_rpc_method_handler(
            handle,
            request_deserializer=request_type.FromString,
            response_serializer=lambda response: response.SerializeToString(),
        )

    unary = {
        "Fetch": worker_pb2.FetchRequest,
        "Ack": worker_pb2.AckRequest,
        "Nack": worker_pb2.NackRequest,
        "Heartbeat": worker_pb2.HeartbeatRequest,
    }
    return grpc.method_handlers_generic_handler(
        "ojs.v1.OJSService", {name: forwarded(name, t) for name, t in unary.items()}
    )


@asynccontextmanager
async def streamless_proxy(gateway: GatewayProcess, calls: Calls) -> AsyncIterator[str]:
    """The address of a :func:`streamless_service` in front of ``gateway``."""
    async with grpc.aio.insecure_channel(gateway.grpc_target) as channel:
        server = grpc.aio.server()
        server.add_generic_rpc_handlers(
            (streamless_service(service_pb2_grpc.OJSServiceStub(channel), calls),)
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            yield f"127.0.0.1:{port}"
        finally:
            await server.stop(None)


@dataclass(frozen=True)
class ExampleWorker:
    """A built example worker, started as ``command --queue QUEUE [args]`` with the gateway
    address in OJS_URL (as a deployment sets it); its results and errors name ``lang``."""

    lang: str
    command: tuple[str, ...]
    # Its exit status once SIGTERM has drained it.
    drained_exit: int

    def run(self, target: str, queue: str, *args: str) -> AbstractContextManager[WorkerProcess]:
        """The worker on ``queue`` against ``target``, killed on the way out if still running."""
        return spawned([*self.command, "--queue", queue, *args], env={"OJS_URL": target})

    async def work_off(
        self, client: Client, target: str, queue: str, jobs: Sequence[Job], *args: str
    ) -> tuple[list[Job], str]:
        """Run the worker until each of ``jobs`` has settled, then drain it by SIGTERM: the
        jobs as they ended, and the worker's log."""
        with self.run(target, queue, *args) as worker:
            done = [await settled(client, job.id) for job in jobs]
            assert worker.stop() == self.drained_exit, worker.log
        return done, worker.log


class ExampleWorkerTests:
    """The tests every example worker passes. A language's module subclasses this as
    Test<Lang>Worker, gives a module fixture ``example`` (the built worker) and fills in
    what differs between the languages."""

    # What the worker logs when SIGTERM comes with one job in flight.
    stopping: ClassVar[str]
    # Options that make the worker poll Fetch often enough for the fallback test.
    poll_args: ClassVar[tuple[str, ...]] = ()

    async def check_errors(self, gateway: GatewayProcess, job: Job) -> None:
        """The errors the worker reported for ``job``, whose handler raised twice."""
        raise NotImplementedError

    async def wait_running(self, client: Client, worker: WorkerProcess, job: Job) -> None:
        """Return once ``worker`` runs ``job``; by default once the job is active."""
        running = await wait_for(client, job.id, lambda j: j.state == "active")
        assert running.state == "active", worker.log

    async def test_echo_results_come_back(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        cases: list[list[Any]] = [[], [1, "two", 3.5], [{"nested": [True, None]}, "ünïcode"]]
        async with Client(gateway.grpc_target) as client:
            jobs = [await client.enqueue("interop.echo", args, queue=queue) for args in cases]
            done, log = await example.work_off(client, gateway.grpc_target, queue, jobs)
        for args, job in zip(cases, done, strict=True):
            assert job.state == "completed", log
            assert job.result == {"echo": args, "lang": example.lang}
            assert job.attempt == 1
        assert "streaming jobs from" in log

    async def test_failures_are_structured_and_the_policy_retries(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue(
                "interop.fail",
                ["boom"],
                queue=queue,
                retry=RetryPolicy(max_attempts=2, initial_interval="PT0.1S"),
            )
            [job], log = await example.work_off(client, gateway.grpc_target, queue, [job])
        assert job.state == "discarded", log
        assert [e.attempt for e in job.errors] == [1, 2]
        await self.check_errors(gateway, job)

    async def test_slow_job_outlives_its_lease_by_heartbeats(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue("interop.slow", [3], queue=queue, visibility_timeout="PT2S")
            [job], log = await example.work_off(client, gateway.grpc_target, queue, [job])
        assert job.state == "completed", log
        assert job.result == {"slept": 3, "lang": example.lang}
        # Never redelivered: one attempt, no lease-expiry error, one ack, no refused heartbeat.
        assert job.attempt == 1
        assert job.errors == []
        assert log.count(f"ack interop.slow {job.id}") == 1
        assert "heartbeat of" not in log

    async def test_sigterm_finishes_running_jobs_and_takes_no_more(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        async with Client(gateway.grpc_target) as client:
            slow = await client.enqueue("interop.slow", [2], queue=queue)
            with example.run(gateway.grpc_target, queue) as worker:
                await self.wait_running(client, worker, slow)
                worker.proc.send_signal(signal.SIGTERM)
                await worker.logged(self.stopping)
                # Enqueued once the worker has stopped taking work (its stream is cancelled).
                late = await client.enqueue("interop.echo", ["late"], queue=queue)
                exit_code = await asyncio.to_thread(worker.proc.wait, 30)
            assert exit_code == example.drained_exit, worker.log
            slow = await client.get_job(slow.id)
            assert (slow.state, slow.attempt) == ("completed", 1), worker.log
            assert (await client.get_job(late.id)).state == "available"

    async def test_falls_back_to_fetch_when_streamjobs_is_unimplemented(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        calls: Calls = []
        async with (
            Client(gateway.grpc_target) as client,
            streamless_proxy(gateway, calls) as target,
        ):
            jobs = [
                await client.enqueue("interop.echo", ["polled"], queue=queue),
                await client.enqueue("interop.slow", [3], queue=queue, visibility_timeout="PT2S"),
                await client.enqueue("interop.fail", [], queue=queue, max_attempts=1),
            ]
            [echo, slow, fail], log = await example.work_off(
                client, target, queue, jobs, *self.poll_args
            )
        assert "polling Fetch" in log
        assert echo.result == {"echo": ["polled"], "lang": example.lang}, log
        # Heartbeats kept the 2 s lease of the 3 s job: no redelivery.
        assert (slow.state, slow.attempt) == ("completed", 1), log
        assert (fail.state, len(fail.errors)) == ("discarded", 1), log
        # Ack, Nack and Heartbeat each named the attempt held; Fetch takes no token.
        assert {call for call in calls if call[0] != "Fetch"} == {
            ("Ack", "1"),
            ("Nack", "1"),
            ("Heartbeat", "1"),
        }
        assert calls.count(("Ack", "1")) == 2
