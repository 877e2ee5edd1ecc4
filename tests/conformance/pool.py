"""Runs conformance cases concurrently, each alone on a gateway of its own.

The official runners reset the whole store before every case, so two cases may
never share a gateway at the same time. A :class:`CasePool` starts ``size`` real
gateway processes (each embedded, or each on its own Redis key prefix) and feeds
them the cases, longest first, on a background event loop; the parametrized tests
only wait for their case's result. Wall time drops from the sum of every case's
waits (cron cases wait 65 s and 130 s) to roughly the longest case.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

import aiohttp

from tests.conformance.http_runner import Case
from tests.support.processes import GatewayProcess, start_gateway

Runner = Callable[[Case, GatewayProcess, Callable[[], Awaitable[None]]], Awaitable[Any]]
GATEWAY_FLAGS = ("--enable-reset", "--conformance-hooks")


def case_wait_ms(case: Case) -> int:
    """How long a case sleeps in total: its delays and WAIT steps."""
    total = 0
    for step in case.data.get("steps", []):
        total += int(step.get("delay_ms", 0))
        if step.get("action") == "WAIT":
            total += int(step.get("duration_ms", step.get("delay_ms", 0)))
    return total


class CasePool:
    def __init__(
        self, name: str, cases: list[Case], runner: Runner, size: int, redis_url: str | None
    ) -> None:
        self._futures: dict[str, Future[Any]] = {c.key: Future() for c in cases}
        self._cases = sorted(cases, key=case_wait_ms, reverse=True)
        self._runner = runner
        self._gateways = [
            start_gateway(*GATEWAY_FLAGS, "--key-prefix", f"conf-{name}-{i}", redis_url=redis_url)
            for i in range(min(size, max(1, len(cases))))
        ]
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)
        self._thread.start()

    def result(self, case: Case, timeout: float = 900) -> Any:
        return self._futures[case.key].result(timeout)

    def close(self) -> None:
        self._thread.join(timeout=900)
        for gw in self._gateways:
            gw.terminate()

    async def _run(self) -> None:
        queue: asyncio.Queue[Case] = asyncio.Queue()
        for case in self._cases:
            queue.put_nowait(case)
        await asyncio.gather(*(self._work(gw, queue) for gw in self._gateways))

    async def _work(self, gw: GatewayProcess, queue: asyncio.Queue[Case]) -> None:
        async with aiohttp.ClientSession() as session:

            async def reset() -> None:
                async with session.post(f"{gw.http_url}/ojs/v1/admin/reset") as r:
                    assert r.status == 200, await r.text()

            while not queue.empty():
                case = queue.get_nowait()
                future = self._futures[case.key]
                try:
                    future.set_result(await self._runner(case, gw, reset))
                except BaseException as exc:  # surfaces in the case's own test
                    future.set_exception(exc)
