"""The one clock of the gateway: everything reads time through a :class:`Clock`.

Store scripts receive ``now`` as an argument, so tests drive time with
:class:`ManualClock` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time (may return early on shutdown)."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that moves only when told to; sleepers wake when time passes them."""

    def __init__(self, start_ms: int = 1_767_225_600_000) -> None:
        self._now = start_ms
        self._changed = asyncio.Condition()
        self._wake_times: list[int] = []

    @property
    def wake_times(self) -> list[int]:
        """When each pending :meth:`sleep` ends (ms, sorted): lets a test see that a
        timer is armed before it moves time past it."""
        return sorted(self._wake_times)

    def now_ms(self) -> int:
        return self._now

    async def advance(self, ms: int) -> None:
        self._now += ms
        async with self._changed:
            self._changed.notify_all()
        await asyncio.sleep(0)

    async def sleep(self, seconds: float) -> None:
        wake_at = self._now + int(seconds * 1000)
        self._wake_times.append(wake_at)
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: self._now >= wake_at)
        finally:
            self._wake_times.remove(wake_at)
