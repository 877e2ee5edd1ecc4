"""A Python service enqueues, the Java worker (examples/java-worker) runs the jobs.

The example is built once per module (one Maven reactor: the stubs in gen/java, then the
worker, a jar with its dependencies in target/lib) and started per test with
``java -jar`` against a real gateway, embedded and Redis.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from ojs_grpc import Client, RetryPolicy
from ojs_grpc.client.types import Job
from tests.interop.support import (
    ExampleWorker,
    ExampleWorkerTests,
    WorkerProcess,
    built_example,
    run_checked,
    skip_unless_installed,
)
from tests.support.processes import REPO, GatewayProcess

BUILD = REPO / "examples" / "java-worker"
JAR = BUILD / "worker" / "target" / "ojs-java-worker.jar"
# The JVM's exit status once its shutdown hooks return after SIGTERM (128 + 15): the
# worker drains in such a hook.
SIGTERM_EXIT = 143


@pytest.fixture(scope="module")
def example(pytestconfig: pytest.Config) -> Iterator[ExampleWorker]:
    """The built Java worker jar; reports build and module wall time."""
    skip_unless_installed("java", "mvn", why="the Java worker needs JDK 17+, Maven")

    def build() -> ExampleWorker:
        run_checked(["mvn", "-B", "-q", "-f", str(BUILD / "pom.xml"), "package"])
        return ExampleWorker("java", ("java", "-jar", str(JAR)), drained_exit=SIGTERM_EXIT)

    yield from built_example(pytestconfig, "java", "mvn package", build)


async def http_job(gateway: GatewayProcess, job_id: str) -> dict[str, Any]:
    """The job over the HTTP binding, which keeps the worker's code apart from its type."""

    def get() -> dict[str, Any]:
        with urllib.request.urlopen(f"{gateway.http_url}/ojs/v1/jobs/{job_id}", timeout=10) as r:
            body: dict[str, Any] = json.load(r)
        job: dict[str, Any] = body.get("job", body)
        return job

    return await asyncio.to_thread(get)


class TestJavaWorker(ExampleWorkerTests):
    """The example worker tests on the Java worker, and its exception classes as codes."""

    stopping = "stopping: finishing 1 jobs in flight"

    async def check_errors(self, gateway: GatewayProcess, job: Job) -> None:
        """Nack errors whose code is the exception class, the HTTP binding's handler_error."""
        for error in job.errors:
            # Over gRPC an error's code is its type: details.error_class, the Java exception.
            assert error.code == "java.lang.IllegalStateException"
            assert error.message.startswith("java worker: interop.fail raised")
            assert error.details == {
                "error_class": "java.lang.IllegalStateException",
                "lang": "java",
            }
            assert "InteropHandlers.fail" in error.backtrace  # the Java stack trace
        errors = (await http_job(gateway, job.id))["errors"]
        assert [(e["code"], e["type"]) for e in errors] == [
            ("handler_error", "java.lang.IllegalStateException")
        ] * 2

    async def wait_running(self, client: Client, worker: WorkerProcess, job: Job) -> None:
        """Return once ``job`` runs in the worker, not only claimed (a claimed job still in
        transit when the stream is cancelled comes back when its lease ends)."""
        await worker.logged(f"start interop.slow {job.id}")

    async def test_java_exception_class_can_be_non_retryable(
        self, gateway: GatewayProcess, queue: str, example: ExampleWorker
    ) -> None:
        policy = RetryPolicy(
            max_attempts=5, initial_interval="PT0.1S", non_retryable_errors=["java.lang.*"]
        )
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue("interop.fail", [], queue=queue, retry=policy)
            [job], log = await example.work_off(client, gateway.grpc_target, queue, [job])
        assert (job.state, job.attempt, len(job.errors)) == ("discarded", 1, 1), log
