"""Gateways for the conformance runs, and the per-level counts printed at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.processes import GatewayProcess, RedisServer, start_gateway

# (binding, backend) -> results, filled by the conformance tests.
RESULTS: dict[tuple[str, str], list[object]] = {}


@pytest.fixture(scope="session")
def conformance_gateways(redis_srv: RedisServer) -> Iterator[dict[str, GatewayProcess]]:
    """A real gateway process per backend, with the reset route and test hooks on."""
    flags = ("--enable-reset", "--conformance-hooks", "--key-prefix", "conformance")
    gateways = {
        "embedded": start_gateway(*flags),
        "redis": start_gateway(*flags, redis_url=redis_srv.url),
    }
    try:
        yield gateways
    finally:
        for gw in gateways.values():
            gw.terminate()


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
