"""The official OJS conformance cases (levels 0-4), literally over HTTP, on both stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conformance.conftest import RESULTS
from tests.conformance.http_runner import Case, CaseResult, load_cases
from tests.conformance.pool import CasePool

SUITES = Path(__file__).parent / "suites"
# Every level by default; OJS_CONFORMANCE_LEVELS=2,3 runs a selection.
LEVELS = tuple(int(x) for x in os.environ.get("OJS_CONFORMANCE_LEVELS", "0,1,2,3,4").split(","))
CASES = load_cases(SUITES, LEVELS)


@pytest.mark.conformance("HTTP")
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("backend", ["embedded", "redis"])
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_case_over_http(
    case: Case, backend: str, case_pools: dict[tuple[str, str], CasePool]
) -> None:
    result: CaseResult = case_pools[("HTTP", backend)].result(case)
    RESULTS.setdefault(("HTTP", backend), []).append(result)
    assert result.passed, result.format()
