"""What a handler (and each middleware) sees of the job it runs."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ojs_grpc.client.types import Job

if TYPE_CHECKING:
    from .worker import Worker


class JobContext:
    """The running job: ``args``, ``job``, ``attempt``, ``heartbeat()``, ``progress()``,
    cancellation.

    ``cancelled`` turns true when the job must stop (its execution timeout passed, the worker
    is shutting down past its grace period, or the server no longer holds the job for us:
    cancelled or reclaimed). Async handlers are also cancelled; sync handlers running in a
    thread should poll ``ctx.cancelled``.
    """

    def __init__(self, job: Job, worker: Worker) -> None:
        self.job = job
        self._worker = worker
        self._cancel = asyncio.Event()
        self.cancel_reason = ""
        self.state: dict[str, Any] = {}
        """Scratch space shared by the middleware and the handler of this attempt."""

    @property
    def args(self) -> list[Any]:
        return self.job.args

    @property
    def id(self) -> str:
        return self.job.id

    @property
    def type(self) -> str:
        return self.job.type

    @property
    def queue(self) -> str:
        return self.job.queue

    @property
    def attempt(self) -> int:
        return self.job.attempt

    @property
    def meta(self) -> dict[str, Any]:
        return self.job.meta

    @property
    def worker_id(self) -> str:
        return self._worker.worker_id

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    async def wait_cancelled(self) -> None:
        await self._cancel.wait()

    def _mark_cancelled(self, reason: str) -> None:
        if not self._cancel.is_set():
            self.cancel_reason = reason
            self._cancel.set()

    async def heartbeat(self) -> None:
        """Extend this job's lease now (the worker also beats on its own timer)."""
        await self._worker.heartbeat_now(self.job.id)

    async def progress(
        self, fraction: float, message: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Report how far the job got (``fraction`` 0.0 to 1.0, a message, JSON data).

        On the gateway's worker session the report is kept with the job, emitted as a
        ``job.progress`` event and extends the lease; other servers only get a heartbeat."""
        await self._worker.report_progress(self.job.id, fraction, message, data)
