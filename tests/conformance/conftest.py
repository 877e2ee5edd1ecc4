"""Gateways for the conformance runs, and the per-level counts printed at the end."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from tests.conformance.http_runner import Case
from tests.conformance.pool import CasePool
from tests.support.processes import GatewayProcess, RedisServer

# (binding, backend) -> results, filled by the conformance tests.
RESULTS: dict[tuple[str, str], list[object]] = {}
# (binding, backend) -> the cases selected in this session (after -k and friends).
SELECTED: dict[tuple[str, str], list[Case]] = {}
# Gateways per (binding, backend): cases of one pool run this many at a time.
POOL_SIZE = int(os.environ.get("OJS_CONFORMANCE_PARALLEL", "3"))


async def _over_http(case: Case, gw: GatewayProcess, reset: Callable[[], Awaitable[None]]) -> Any:
    from tests.conformance.http_runner import run_case

    return await run_case(case, gw.http_url, reset)


async def _over_grpc(case: Case, gw: GatewayProcess, reset: Callable[[], Awaitable[None]]) -> Any:
    from tests.conformance.grpc_translator import run_case

    return await run_case(case, gw.grpc_target, reset)


RUNNERS = {"HTTP": _over_http, "gRPC": _over_grpc}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note which conformance cases run, so every pool starts at once, up front."""
    for item in items:
        marker = item.get_closest_marker("conformance")
        callspec = getattr(item, "callspec", None)
        if marker is not None and callspec is not None:
            combo = (marker.args[0], callspec.params["backend"])
            SELECTED.setdefault(combo, []).append(callspec.params["case"])


@pytest.fixture(scope="session")
def case_pools(redis_srv: RedisServer) -> Iterator[dict[tuple[str, str], CasePool]]:
    """One pool of gateways per (binding, backend) with selected cases, all started together."""
    pools = {
        (binding, backend): CasePool(
            f"{binding}-{backend}".lower(),
            cases,
            RUNNERS[binding],
            POOL_SIZE,
            redis_srv.url if backend == "redis" else None,
        )
        for (binding, backend), cases in SELECTED.items()
    }
    try:
        yield pools
    finally:
        for pool in pools.values():
            pool.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.conformance.http_runner import summarize

    for (binding, backend), results in sorted(RESULTS.items()):
        terminalreporter.write_sep("-", f"OJS conformance over {binding} on the {backend} store")
        if binding == "gRPC":
            # Translated runs also count cases "not carried by the proto" (semantics §11.9).
            from tests.conformance.grpc_translator import summarize as summarize_grpc

            terminalreporter.write_line(summarize_grpc(results))  # type: ignore[arg-type]
            continue
        terminalreporter.write_line(summarize(results))  # type: ignore[arg-type]
