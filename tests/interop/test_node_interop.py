"""A Python service enqueues, the Node/TypeScript worker (examples/node-worker) runs the jobs.

The example is built once per module (``npm ci`` packs gen/node into it, ``tsc``
compiles it) and started per test against a real gateway, embedded and Redis.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ojs_grpc.client.types import Job
from tests.interop.support import (
    ExampleWorker,
    ExampleWorkerTests,
    built_example,
    run_checked,
    skip_unless_installed,
)
from tests.support.processes import REPO, GatewayProcess

EXAMPLE = REPO / "examples" / "node-worker"


@pytest.fixture(scope="module")
def example(pytestconfig: pytest.Config) -> Iterator[ExampleWorker]:
    """The built Node worker; reports build and module wall time."""
    skip_unless_installed("node", "npm", why="the Node worker needs Node.js 20+")

    def build() -> ExampleWorker:
        run_checked(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=EXAMPLE)
        run_checked(["npm", "run", "--silent", "build"], cwd=EXAMPLE)
        return ExampleWorker("node", ("node", str(EXAMPLE / "dist" / "main.js")), drained_exit=0)

    yield from built_example(pytestconfig, "node", "npm ci + tsc", build)


class TestNodeWorker(ExampleWorkerTests):
    """The example worker tests on the Node worker."""

    stopping = "stopping:"
    poll_args = ("--poll-interval", "0.1")

    async def check_errors(self, gateway: GatewayProcess, job: Job) -> None:
        """Nack errors: handler_error, with the lang and the JavaScript stack."""
        for error in job.errors:
            assert error.code == "handler_error"
            assert "node worker" in error.message
            assert error.details.get("lang") == "node"
            assert "interop.fail" in error.backtrace  # the JavaScript stack trace
