"""ManualClock: sleepers wake exactly when time passes them, and a test can see them armed."""

from __future__ import annotations

import asyncio

import pytest

from ojs_grpc.clock import ManualClock


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_sleep_ends_when_time_reaches_its_end_and_not_before() -> None:
    clock = ManualClock(start_ms=1_000)
    sleeper = asyncio.create_task(clock.sleep(25))
    await settle()
    assert clock.wake_times == [26_000]
    await clock.advance(24_999)
    await settle()
    assert not sleeper.done()
    await clock.advance(1)
    await settle()
    assert sleeper.done()
    assert clock.wake_times == []


async def test_wake_times_are_sorted_and_forget_cancelled_sleepers() -> None:
    clock = ManualClock(start_ms=0)
    late = asyncio.create_task(clock.sleep(30))
    early = asyncio.create_task(clock.sleep(5))
    await settle()
    assert clock.wake_times == [5_000, 30_000]
    late.cancel()
    with pytest.raises(asyncio.CancelledError):
        await late
    assert clock.wake_times == [5_000]
    await clock.advance(5_000)
    await early
    assert clock.wake_times == []


async def test_a_sleep_of_nothing_returns_at_once() -> None:
    clock = ManualClock(start_ms=0)
    await asyncio.wait_for(clock.sleep(0), 1)
    assert clock.wake_times == []
