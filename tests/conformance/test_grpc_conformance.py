"""The official OJS conformance cases, faithfully translated onto gRPC, on both stores.

Each case runs through :mod:`tests.conformance.grpc_translator` (semantics §11.9) against the
gRPC port of a real gateway process, alone on a gateway of the case pool (``conftest.py``).
Cases whose request has no proto form are skipped as "not carried by the proto"; cases failing
only because an optional streaming RPC is unimplemented are expected failures ("unsupported by
the server"); every other case must pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conformance.conftest import RESULTS
from tests.conformance.grpc_translator import GrpcCaseResult
from tests.conformance.http_runner import Case, load_cases
from tests.conformance.pool import CasePool

SUITES = Path(__file__).parent / "suites"
# Same selection as the HTTP run: every level unless OJS_CONFORMANCE_LEVELS says otherwise.
LEVELS = tuple(int(x) for x in os.environ.get("OJS_CONFORMANCE_LEVELS", "0,1,2,3,4").split(","))
CASES = load_cases(SUITES, LEVELS)


@pytest.mark.conformance("gRPC")
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("backend", ["embedded", "redis"])
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_case_over_grpc(
    case: Case, backend: str, case_pools: dict[tuple[str, str], CasePool]
) -> None:
    result: GrpcCaseResult = case_pools[("gRPC", backend)].result(case)
    RESULTS.setdefault(("gRPC", backend), []).append(result)
    if result.outcome == "not_carried":
        pytest.skip(f"not carried by the proto: {result.reason}")
    if result.outcome == "unsupported":
        pytest.xfail(f"unsupported by the server: {result.reason}")
    assert result.passed, result.format()
