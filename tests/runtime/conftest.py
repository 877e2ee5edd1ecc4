"""A real gateway process on the embedded store for client and worker-runtime tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ojs_grpc.client import Client
from tests.support.processes import GatewayProcess, running_gateway


@pytest.fixture(scope="module")
def gateway() -> Iterator[GatewayProcess]:
    with running_gateway() as gw:
        yield gw


@pytest.fixture
async def client(gateway: GatewayProcess) -> AsyncIterator[Client]:
    async with Client(gateway.grpc_target, http_url=gateway.http_url) as c:
        yield c
