"""Calls that arrive in one event-loop turn, handled as one batch.

Many workers acking at once over unary RPCs (every OJS SDK worker does) would each pay a
Redis round trip for its transition script and another for its events. A
:class:`TurnBatcher` collects the calls made during one turn of the event loop, grouped by
a key, and hands each group to a batch handler once the turn's other ready callbacks have
run; every caller gets its own item's result (or the batch's exception).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
I = TypeVar("I")  # noqa: E741 - item
R = TypeVar("R")


class TurnBatcher(Generic[K, I, R]):
    """``await batcher.submit(key, item)``: the result for ``item`` of
    ``handler(key, items)``, which gets every item submitted under ``key`` in the same
    loop turn (in submission order) and returns one result per item, in that order."""

    def __init__(self, handler: Callable[[K, list[I]], Awaitable[Sequence[R]]]) -> None:
        self._handler = handler
        self._pending: dict[K, list[tuple[I, asyncio.Future[R]]]] = {}
        self._scheduled = False
        self._running: set[asyncio.Task[None]] = set()

    async def submit(self, key: K, item: I) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._pending.setdefault(key, []).append((item, future))
        if not self._scheduled:
            self._scheduled = True
            # After the callbacks already ready: the other calls of this turn join first.
            loop.call_soon(self._flush)
        try:
            # A caller that goes away does not cancel the batch the others wait on.
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(_retrieve)
            raise

    def _flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, {}
        for key, entries in pending.items():
            task = asyncio.ensure_future(self._run(key, entries))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _run(self, key: K, entries: list[tuple[I, asyncio.Future[R]]]) -> None:
        try:
            results = await self._handler(key, [item for item, _ in entries])
        except Exception as exc:
            for _, future in entries:
                if not future.done():
                    future.set_exception(exc)
            return
        except BaseException:  # cancelled (shutdown): so are the callers
            for _, future in entries:
                future.cancel()
            raise
        for (_, future), result in zip(entries, results, strict=True):
            if not future.done():
                future.set_result(result)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark the outcome of a call whose caller went away as seen (no asyncio warning)."""
    if not future.cancelled():
        future.exception()


__all__ = ["TurnBatcher"]
