"""TurnBatcher (ojs_grpc/coalesce.py): calls of one loop turn go to one batch per key,
each caller gets its own result; failures reach every caller of the batch; a caller that
goes away leaves the others their results."""

from __future__ import annotations

import asyncio

import pytest

from ojs_grpc.coalesce import TurnBatcher


async def test_calls_of_one_turn_are_one_batch_per_key() -> None:
    batches: list[tuple[str, list[int]]] = []

    async def handler(key: str, items: list[int]) -> list[int]:
        batches.append((key, items))
        return [item * 10 for item in items]

    batcher: TurnBatcher[str, int, int] = TurnBatcher(handler)
    results = await asyncio.gather(*(batcher.submit("ab"[i % 2], i) for i in range(6)))
    assert results == [0, 10, 20, 30, 40, 50]
    assert sorted(batches) == [("a", [0, 2, 4]), ("b", [1, 3, 5])]
    assert await batcher.submit("a", 7) == 70  # a later turn: a batch of its own
    assert batches[-1] == ("a", [7])


async def test_a_failed_batch_fails_each_of_its_callers() -> None:
    async def handler(key: str, items: list[int]) -> list[int]:
        raise RuntimeError(f"down: {items}")

    batcher: TurnBatcher[str, int, int] = TurnBatcher(handler)
    outcomes = await asyncio.gather(
        *(batcher.submit("k", i) for i in range(3)), return_exceptions=True
    )
    assert [str(o) for o in outcomes] == ["down: [0, 1, 2]"] * 3


async def test_a_caller_that_goes_away_does_not_cancel_the_batch() -> None:
    release = asyncio.Event()

    async def handler(key: str, items: list[int]) -> list[int]:
        await release.wait()
        return items

    batcher: TurnBatcher[str, int, int] = TurnBatcher(handler)
    gone = asyncio.ensure_future(batcher.submit("k", 1))
    stays = asyncio.ensure_future(batcher.submit("k", 2))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    assert await stays == 2
    with pytest.raises(asyncio.CancelledError):
        await gone
