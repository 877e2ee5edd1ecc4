"""What a handler (and each middleware) sees of the job it runs."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ojs_grpc._proto.ojs.v1 import job_pb2
from ojs_grpc.client._values import duration_from_proto
from ojs_grpc.client.client import job_from_proto
from ojs_grpc.client.types import Job
from ojs_grpc.values import value_to_py

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

    def __init__(self, job: Job | job_pb2.Job, worker: Worker) -> None:
        # A delivered message becomes a full ``Job`` only when ``job`` is read: building one
        # (timestamps, policy, ...) took ~8 us of the ~28 us a worker spent per no-op job.
        # timeout / visibility_timeout: the job's own, in seconds (None: not set).
        self._id, self._type, self._queue, self._attempt = job.id, job.type, job.queue, job.attempt
        if isinstance(job, Job):
            self._job: Job | None = job
            self._message: job_pb2.Job | None = None
            self._args = job.args
            self.timeout, self.visibility_timeout = job.timeout, job.visibility_timeout
        else:
            self._job, self._message = None, job
            self._args = [value_to_py(v) for v in job.args]
            self.timeout = duration_from_proto(job.timeout) if job.HasField("timeout") else None
            self.visibility_timeout = (
                duration_from_proto(job.visibility_timeout)
                if job.HasField("visibility_timeout")
                else None
            )
        self._worker = worker
        self._cancelled = False
        self._cancel: asyncio.Event | None = None  # made for wait_cancelled only: rarely used
        self.cancel_reason = ""
        self.state: dict[str, Any] = {}
        """Scratch space shared by the middleware and the handler of this attempt."""

    @property
    def job(self) -> Job:
        """The whole job as delivered (its envelope, policy, timestamps)."""
        if self._job is None:
            assert self._message is not None
            self._job = job_from_proto(self._message)
        return self._job

    @property
    def args(self) -> list[Any]:
        return self._args

    @property
    def id(self) -> str:
        return self._id

    @property
    def type(self) -> str:
        return self._type

    @property
    def queue(self) -> str:
        return self._queue

    @property
    def attempt(self) -> int:
        return self._attempt

    @property
    def meta(self) -> dict[str, Any]:
        return self.job.meta

    @property
    def worker_id(self) -> str:
        return self._worker.worker_id

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    async def wait_cancelled(self) -> None:
        if self._cancel is None:
            self._cancel = asyncio.Event()
            if self._cancelled:
                self._cancel.set()
        await self._cancel.wait()

    def _mark_cancelled(self, reason: str) -> None:
        if not self._cancelled:
            self.cancel_reason = reason
            self._cancelled = True
            if self._cancel is not None:
                self._cancel.set()

    async def heartbeat(self) -> None:
        """Extend this job's lease now (the worker also beats on its own timer)."""
        await self._worker.heartbeat_now(self._id)

    async def progress(
        self, fraction: float, message: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Report how far the job got (``fraction`` 0.0 to 1.0, a message, JSON data).

        On the gateway's worker session the report is kept with the job, emitted as a
        ``job.progress`` event and extends the lease; other servers only get a heartbeat."""
        await self._worker.report_progress(self._id, fraction, message, data)
