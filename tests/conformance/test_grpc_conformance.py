"""The official OJS conformance cases, faithfully translated onto gRPC, on both stores.

Each case runs through :mod:`tests.conformance.grpc_translator` (semantics §11.9) against the
gRPC port of a real gateway process. Cases whose request has no proto form are skipped as "not
carried by the proto"; cases failing only because an optional streaming RPC is unimplemented are
expected failures ("unsupported by the server"); every other case must pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp
import pytest

from tests.conformance.conftest import RESULTS
from tests.conformance.grpc_translator import run_case
from tests.conformance.http_runner import Case, load_cases
from tests.support.processes import GatewayProcess

SUITES = Path(__file__).parent / "suites"
# Same selection as the HTTP run (OJS_CONFORMANCE_LEVELS, default 0,1); the translator covers
# every route of levels 0-4.
LEVELS = tuple(int(x) for x in os.environ.get("OJS_CONFORMANCE_LEVELS", "0,1").split(","))
CASES = load_cases(SUITES, LEVELS)


@pytest.mark.parametrize("backend", ["embedded", "redis"])
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
async def test_case_over_grpc(
    case: Case, backend: str, conformance_gateways: dict[str, GatewayProcess]
) -> None:
    gw = conformance_gateways[backend]

    async def reset() -> None:
        async with aiohttp.ClientSession() as s, s.post(f"{gw.http_url}/ojs/v1/admin/reset") as r:
            assert r.status == 200, await r.text()

    result = await run_case(case, gw.grpc_target, reset)
    RESULTS.setdefault(("gRPC", backend), []).append(result)
    if result.outcome == "not_carried":
        pytest.skip(f"not carried by the proto: {result.reason}")
    if result.outcome == "unsupported":
        pytest.xfail(f"unsupported by the server: {result.reason}")
    assert result.passed, result.format()
