"""Go against the Python gateway, both ways, through the committed Go stubs (gen/go).

A Go worker (examples/go-worker) runs jobs a Python client enqueues; a Go client
(examples/go-client) enqueues jobs the Python worker runtime runs. The examples are built
once per module with `go build`, which downloads the pinned modules on a cold cache. Every
package of the committed stubs must compile too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from ojs_grpc import Client, RetryPolicy
from tests.interop.support import FINAL, WorkerProcess, built_example, run_checked, spawned
from tests.runtime.helpers import wait_job
from tests.support.processes import REPO, GatewayProcess

GO = shutil.which("go")
pytestmark = pytest.mark.skipif(GO is None, reason="the go toolchain (Go 1.26+) is not installed")


def _go(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the go tool; a failure (a module download too) fails the test with go's output."""
    assert GO is not None
    return run_checked([GO, *args], cwd=cwd)


@pytest.fixture(scope="module")
def go_bin(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Path]:
    """examples/go-worker and examples/go-client, built into one directory; reports build
    and module wall time."""

    def build() -> Path:
        out = tmp_path_factory.mktemp("go-bin")
        for name in ("go-worker", "go-client"):
            _go("build", "-o", str(out / name), ".", cwd=REPO / "examples" / name)
        return out

    yield from built_example(pytestconfig, "go", "go build", build)


@asynccontextmanager
async def go_worker(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> AsyncIterator[WorkerProcess]:
    """The Go worker on ``queue``, once its job stream is subscribed; stopped by SIGTERM."""
    args = [str(go_bin / "go-worker"), "--url", gateway.grpc_target, "--queue", queue]
    with spawned(args) as worker:
        await worker.logged("msg=ready")
        yield worker
        if worker.proc.poll() is None:
            assert worker.stop() == 0, worker.log


async def test_go_worker_echoes_json_args(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> None:
    all_args: list[list[Any]] = [
        [],
        ["hello", 1, 2.5, True, None],
        [{"nested": {"list": [1, "two", False]}, "empty": {}}, []],
    ]
    async with go_worker(go_bin, gateway, queue):
        async with Client(gateway.grpc_target) as client:
            ids = [(await client.enqueue("interop.echo", a, queue=queue)).id for a in all_args]
            for job_id, args in zip(ids, all_args, strict=True):
                job = await wait_job(client, job_id, set(FINAL))
                assert (job.state, job.attempt, job.errors) == ("completed", 1, [])
                assert job.result == {"echo": args, "lang": "go"}


async def test_go_worker_failures_follow_the_retry_policy(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> None:
    async with go_worker(go_bin, gateway, queue):
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue(
                "interop.fail",
                [],
                queue=queue,
                retry=RetryPolicy(max_attempts=2, initial_interval="PT0.1S", jitter=False),
            )
            job = await wait_job(client, job.id, set(FINAL))
    assert (job.state, job.attempt) == ("discarded", 2)
    assert [e.attempt for e in job.errors] == [1, 2]
    for error in job.errors:
        assert error.code == "handler_error"
        assert "go worker" in error.message
        assert error.details["lang"] == "go"


async def test_go_worker_heartbeats_keep_a_short_lease(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> None:
    # The job runs 3 s on a 2 s lease: only the worker's heartbeats keep it from being
    # reclaimed and delivered a second time.
    async with go_worker(go_bin, gateway, queue):
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue("interop.slow", [3], queue=queue, visibility_timeout="PT2S")
            job = await wait_job(client, job.id, set(FINAL), timeout=30)
    assert (job.state, job.attempt, job.errors) == ("completed", 1, [])
    assert job.result == {"slept": 3, "lang": "go"}


async def test_go_worker_finishes_its_job_on_sigterm(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> None:
    async with go_worker(go_bin, gateway, queue) as worker:
        async with Client(gateway.grpc_target) as client:
            job = await client.enqueue("interop.slow", [1.5], queue=queue)
            await wait_job(client, job.id, {"active"})
            assert worker.stop() == 0, worker.log
            job = await client.get_job(job.id)
    assert (job.state, job.attempt) == ("completed", 1)
    assert "msg=stopped" in worker.log


async def test_go_client_jobs_run_on_the_python_worker_runtime(
    go_bin: Path, gateway: GatewayProcess, queue: str
) -> None:
    all_args: list[list[Any]] = [["from go", 1], [{"k": [True, None, 2.5]}]]
    runtime = Path(sys.executable).parent / "ojs-worker-runtime"
    fleet = [
        str(runtime),
        "tests.interop.python_worker_app:worker",
        "--processes",
        "1",
        "--queues",
        queue,
        "--url",
        gateway.grpc_target,
        "--grace",
        "5",
    ]
    with spawned(fleet) as fleet_worker:
        client_args = [str(go_bin / "go-client"), "--url", gateway.grpc_target]
        client_args += ["--queue", queue, "--type", "interop.echo", "--wait", "--timeout", "60s"]
        for args in all_args:
            client_args += ["--args", json.dumps(args)]
        done = subprocess.run(client_args, capture_output=True, text=True, timeout=90, check=False)
        assert done.returncode == 0, done.stderr + fleet_worker.log
        printed = [json.loads(line) for line in done.stdout.splitlines()]
        assert fleet_worker.stop() == 0, fleet_worker.log
    assert [j["state"] for j in printed] == ["JOB_STATE_COMPLETED"] * len(all_args)
    assert [j["result"] for j in printed] == [{"echo": a, "lang": "python"} for a in all_args]
    async with Client(gateway.grpc_target) as client:
        for printed_job, args in zip(printed, all_args, strict=True):
            job = await client.get_job(printed_job["id"])
            assert (job.type, job.queue, job.state) == ("interop.echo", queue, "completed")
            assert job.result == {"echo": args, "lang": "python"}


def test_go_worker_unit_tests() -> None:
    """Fetch fallback, lease tokens, heartbeats and Nack errors against a fake server."""
    _go("vet", "./...", cwd=REPO / "examples" / "go-worker")
    _go("test", "-count=1", "./...", cwd=REPO / "examples" / "go-worker")


def test_go_sources_are_gofmt_clean() -> None:
    assert GO is not None
    gofmt = Path(GO).parent / "gofmt"
    dirs = [str(REPO / "examples" / name) for name in ("go-worker", "go-client")]
    proc = subprocess.run([str(gofmt), "-l", *dirs], capture_output=True, text=True, check=True)
    assert proc.stdout == "", f"not gofmt-formatted:\n{proc.stdout}"


def test_committed_go_stubs_compile() -> None:
    """Every generated package in gen/go builds (the examples import only ojs/v1); that the
    stubs are current is tests/interop/test_stubs_fresh.py's check."""
    _go("build", "./...", cwd=REPO / "gen" / "go")
