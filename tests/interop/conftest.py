"""Polyglot interop: real gateway processes, on the embedded store and on Redis.

Each test module of this package builds its language's worker or client once and
runs it against both gateways; every test uses its own queue, so the gateway is
shared per module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.support.processes import GatewayProcess, redis_server, running_gateway


@pytest.fixture(scope="module", params=["embedded", "redis"])
def gateway(request: pytest.FixtureRequest) -> Iterator[GatewayProcess]:
    """A gateway process on the store named by the parameter."""
    with ExitStack() as stack:
        redis_url = None if request.param == "embedded" else stack.enter_context(redis_server()).url
        yield stack.enter_context(running_gateway(redis_url=redis_url))


@pytest.fixture
def queue() -> str:
    """A queue name of this test's own."""
    return f"interop-{uuid.uuid4().hex[:12]}"
