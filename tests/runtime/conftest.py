"""A real gateway process on the embedded store for client and worker-runtime tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ojs_grpc.client import Client
from tests.support.processes import GatewayProcess, start_gateway


@pytest.fixture(scope="module")
def gateway() -> Iterator[GatewayProcess]:
    gw = start_gateway()
    try:
        yield gw
    finally:
        if gw.proc.poll() is None:
            gw.terminate()


@pytest.fixture
async def client(gateway: GatewayProcess) -> AsyncIterator[Client]:
    async with Client(gateway.grpc_target, http_url=gateway.http_url) as c:
        yield c
