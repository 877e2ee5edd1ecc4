"""The producer process of one system: ``python -m bench.agent bench.systems.<name>``.

It imports the system module, connects, then answers JSON commands on stdin with one
``@@ {json}`` line each (``Agent`` in common.py is the other end). Every enqueue loop is
timed here, after imports and connection set-up, so only enqueueing is measured.

A system module provides ``enqueue(ts)`` (sync or async: one no-op job carrying ``ts``),
optionally ``enqueue_bulk(count)`` and ``BULK_API``, ``setup()`` / ``teardown()``
(async), and ``ASYNC`` (whether the library's producer API is asyncio-native).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
import time
import traceback
from types import ModuleType
from typing import Any

from bench.common import Agent

CONCURRENT = 64


def reply(payload: dict[str, Any]) -> None:
    sys.stdout.write(Agent.PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


async def _call(fn: Any, *args: Any) -> None:
    result = fn(*args)
    if inspect.isawaitable(result):
        await result


async def enqueue_many(system: ModuleType, mode: str, count: int, rate: float) -> float:
    """Enqueue ``count`` jobs in ``mode``; returns the seconds it took."""
    enqueue = system.enqueue
    is_async = inspect.iscoroutinefunction(enqueue)
    start = time.perf_counter()
    if mode == "seq" and is_async:
        for _ in range(count):
            await enqueue(0.0)
    elif mode == "seq":
        for _ in range(count):
            enqueue(0.0)
    elif mode == "concurrent":
        if not is_async:
            raise ValueError("concurrent enqueue needs an async producer API")
        left = count

        async def lane() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                await enqueue(0.0)

        await asyncio.gather(*(lane() for _ in range(CONCURRENT)))
    elif mode == "bulk":
        await _call(system.enqueue_bulk, count)
    elif mode == "rate":
        # Steady pacing against the schedule, not the previous send, so a slow call
        # does not lower the rate; each job carries its own enqueue time.
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await _call(enqueue, time.time())
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return time.perf_counter() - start


async def main(module_name: str) -> None:
    try:
        system = importlib.import_module(module_name)
        setup = getattr(system, "setup", None)
        if setup is not None:
            await _call(setup)
    except Exception as exc:
        reply({"error": "".join(traceback.format_exception_only(exc)).strip()})
        raise
    modes = ["seq"]
    if getattr(system, "ASYNC", False):
        modes.append("concurrent")
    if hasattr(system, "enqueue_bulk"):
        modes.append("bulk")
    reply({"modes": modes, "bulk_api": getattr(system, "BULK_API", "")})
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        try:
            seconds = await enqueue_many(
                system, cmd["mode"], int(cmd["count"]), float(cmd.get("rate", 0))
            )
            reply({"seconds": seconds})
        except Exception as exc:
            reply({"error": "".join(traceback.format_exception_only(exc)).strip()})
            traceback.print_exc()
    teardown = getattr(system, "teardown", None)
    if teardown is not None:
        await _call(teardown)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
