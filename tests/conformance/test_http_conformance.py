"""The official OJS conformance cases (levels 0-1), literally over HTTP, on both stores."""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp
import pytest

from tests.conformance.conftest import RESULTS
from tests.conformance.http_runner import Case, load_cases, run_case
from tests.support.processes import GatewayProcess

SUITES = Path(__file__).parent / "suites"
# Levels the server implements; OJS_CONFORMANCE_LEVELS=2,3 runs others while building them.
LEVELS = tuple(int(x) for x in os.environ.get("OJS_CONFORMANCE_LEVELS", "0,1").split(","))
CASES = load_cases(SUITES, LEVELS)


@pytest.mark.parametrize("backend", ["embedded", "redis"])
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
async def test_case_over_http(
    case: Case, backend: str, conformance_gateways: dict[str, GatewayProcess]
) -> None:
    gw = conformance_gateways[backend]

    async def reset() -> None:
        async with aiohttp.ClientSession() as s, s.post(f"{gw.http_url}/ojs/v1/admin/reset") as r:
            assert r.status == 200, await r.text()

    result = await run_case(case, gw.http_url, reset)
    RESULTS.setdefault(("HTTP", backend), []).append(result)
    assert result.passed, result.format()
