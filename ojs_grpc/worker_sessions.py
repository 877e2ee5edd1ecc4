"""Worker sessions: ``ojsgrpc.worker.v1.WorkerStreamService.Connect``, one per worker process.

A session pushes jobs under the credits the worker granted and takes its acks, nacks,
releases, heartbeats and progress reports in batches on the same call:

- **Credits.** ``credits`` add to the session's window; every delivered job uses one.
  Finishing a job does not give it back: the worker grants credits again when it has
  free slots, so the gateway never holds more undelivered credit than was granted.
- **Deliveries** are claimed in one fetch of up to the open credit (the same claim as
  FETCH, under the session's ``worker_id``) and go out together in one response. An idle
  session waits on the gateway's shared queue subscriber (:class:`QueueSubscriber`,
  job_stream.py), never polls; a paused queue stays silent until resumed.
- **Settling.** Acks, nacks and releases of every message read since the last turn are
  applied as one batch (``OJSService.settle``: one transition script each, pipelined),
  answered with one ``SettleResult`` each in arrival order (within one message: acks,
  then nacks, then releases). Events and workflow steps follow as for the unary calls.
  A turn that settles and has open credit (and no heartbeat, which may end it) claims in
  the same round trip as the transition scripts, after them, and writes the claimed jobs'
  ``job.started`` events with the settled jobs' events: two round trips a busy turn. Jobs
  claimed in a turn without settles are sent first; their ``job.started`` rides the next
  settle's write (before its events), or goes alone after ``ANNOUNCE_DELAY_S``.
- **Leases.** A ``heartbeat`` extends every lease the session holds in one round trip;
  a job it no longer holds (cancelled, reclaimed, settled elsewhere) gets a
  ``CancelRequest`` (``CANCELLED`` or ``LEASE_LOST``). The queue's ``f:<id>`` message
  pushes the same as soon as a held job leaves ``active`` (``CancelJob`` on any replica).
- **Drain.** On shutdown the session says ``TERMINATE``, delivers nothing more, keeps
  taking acks and releases for a short moment (until it holds nothing, at most
  :attr:`WorkerSessions.drain_wait_s`), then the call ends with ``UNAVAILABLE``.
- A session that goes away leaves its jobs to their leases: they come back when the
  lease ends (released jobs at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import __version__
from ._proto.ojs.v1 import worker_pb2
from ._proto.ojsgrpc.worker.v1 import worker_stream_pb2 as ws
from .errors import invalid
from .grpc_api.codec import STATE_TO_PROTO, JobWriter, failure_report, set_ts
from .grpc_api.common import DIRECTIVE_TO_PROTO
from .ids import uuid7
from .job_stream import (
    HELD_BACK_RETRY_S,
    MAX_CONCURRENT_LIMIT,
    SAFETY_INTERVAL_S,
    QueueSubscriber,
    check_consumer,
    claim_watched,
    left_active,
    raise_if_cancelled,
    wait_for_wake,
)
from .model import DEFAULT_VISIBILITY_TIMEOUT_MS, Job, JobState
from .service import Claimed, ProgressReport, Settled, Settlement
from .store.redis_store import Outcome
from .values import struct_to_py, value_to_py

if TYPE_CHECKING:
    from .service import OJSService

log = logging.getLogger(__name__)

# Most jobs claimed by one fetch; a larger open credit is served over several turns.
FETCH_BATCH_MAX = 500
# How long a draining session waits for the worker's last acks and releases, at most.
DRAIN_WAIT_S = 5.0
# Longest a delivered job's job.started waits to ride along with the session's next write
# (usually the job's own ack): one round trip less per job when jobs trickle in.
ANNOUNCE_DELAY_S = 0.02

_SETTLE_STATUS = {
    "ok": ws.SETTLE_STATUS_OK,
    "stale": ws.SETTLE_STATUS_STALE,
    # Held by another worker under the same token: after a release, another delivery.
    "not_owner": ws.SETTLE_STATUS_STALE,
    "not_found": ws.SETTLE_STATUS_NOT_FOUND,
    "conflict": ws.SETTLE_STATUS_CONFLICT,
    "invalid": ws.SETTLE_STATUS_INVALID,
}


class SessionDraining(Exception):
    """The gateway is shutting down: the call ends with UNAVAILABLE (reconnect elsewhere)."""


@dataclass(eq=False)
class _Session:
    id: str
    worker_id: str
    queues: list[str]
    credit: int = 0
    directive: str = "running"
    # The last heartbeat's requested extension; progress reports extend by it too.
    extend_ms: int | None = None
    # job id -> the job as delivered (its attempt is the lease token).
    inflight: dict[str, Job] = field(default_factory=dict)
    suspects: set[str] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    inbox: list[ws.ConnectRequest] = field(default_factory=list)
    closed: bool = False
    claiming: bool = False
    # Delivered jobs whose job.started is still to be written, and by when at the latest.
    unannounced: list[Job] = field(default_factory=list)
    announce_by: float = 0.0

    def has_credit(self) -> bool:
        return self.free_credit() > 0

    def free_credit(self) -> int:
        return self.credit if self.directive == "running" else 0


class WorkerSessions:
    """Every worker session of one gateway; they share the gateway's queue subscriber."""

    def __init__(self, service: OJSService, subscriber: QueueSubscriber) -> None:
        self.service = service
        self.subscriber = subscriber
        self.drain_wait_s = min(DRAIN_WAIT_S, service.settings.shutdown_grace_s / 2)
        # Responses stay well under the gRPC message limit however large the jobs are.
        self.max_response_bytes = service.settings.max_request_bytes // 2

    @property
    def stopping(self) -> bool:
        return self.subscriber.stopping

    async def serve(
        self, requests: AsyncIterator[ws.ConnectRequest]
    ) -> AsyncGenerator[ws.ConnectResponse, None]:
        """The responses of one session. Raises OJSError on a bad request (the first must
        carry ``hello``) and SessionDraining when the gateway shuts down; ends when the
        worker closes its side."""
        try:
            first = await anext(aiter(requests))
        except StopAsyncIteration:
            return
        if not first.HasField("hello"):
            raise invalid("hello", "the first message of a session must carry 'hello'")
        hello = first.hello
        check_consumer(list(hello.queues), hello.worker_id)
        now = self.service.clock.now_ms()
        session = _Session(uuid7(now), hello.worker_id, list(hello.queues), inbox=[first])
        first.ClearField("hello")
        reader = asyncio.create_task(self._read(requests, session), name=f"session-{session.id}")
        try:
            async with (
                self.subscriber.listening(session),
                contextlib.aclosing(self._turns(session)) as turns,
            ):
                yield self._welcome(session)
                async for response in turns:
                    yield response
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            if session.unannounced:
                with contextlib.suppress(Exception):
                    await self._announce(session)
            if session.inflight:
                log.info(
                    "session %s of worker %s ended holding %d job(s): they return when "
                    "their leases end",
                    session.id,
                    session.worker_id,
                    len(session.inflight),
                )

    @staticmethod
    def _welcome(session: _Session) -> ws.ConnectResponse:
        resp = ws.ConnectResponse()
        welcome = resp.welcome
        welcome.session_id = session.id
        welcome.lease_duration.FromMilliseconds(DEFAULT_VISIBILITY_TIMEOUT_MS)
        welcome.heartbeat_interval.FromMilliseconds(DEFAULT_VISIBILITY_TIMEOUT_MS // 3)
        welcome.server_version = __version__
        return resp

    @staticmethod
    async def _read(requests: AsyncIterator[ws.ConnectRequest], session: _Session) -> None:
        """Move the worker's messages to the session's inbox as they arrive."""
        try:
            async for request in requests:
                session.inbox.append(request)
                session.wake.set()
        except Exception:  # the call broke: the session loop ends with it
            log.debug("session %s: reading failed", session.id, exc_info=True)
        finally:
            session.closed = True
            session.wake.set()

    async def _turns(self, s: _Session) -> AsyncGenerator[ws.ConnectResponse, None]:
        """One turn: take what arrived, look at suspect jobs, deliver; then wait."""
        next_sweep = time.monotonic() + SAFETY_INTERVAL_S
        drain_until: float | None = None
        while True:
            raise_if_cancelled()
            s.wake.clear()  # anything arriving or published from here on sets it again
            out = [ws.ConnectResponse()]
            inbox, s.inbox = s.inbox, []
            closed = s.closed  # set only after the last message reached the inbox
            claimed: Claimed | None = None  # None: the settles claimed nothing
            if inbox:
                claimed = await self._take(s, inbox, out[0], claim=not closed)
            if time.monotonic() >= next_sweep:
                s.suspects.update(s.inflight)
                next_sweep = time.monotonic() + SAFETY_INTERVAL_S
            if s.suspects:
                await self._look_again(s, out[0])
            if self.stopping and s.directive != "terminate":
                s.directive = "terminate"
                out[0].directive = worker_pb2.WORKER_STATE_TERMINATE
                out[0].reconnect = True  # this replica is going away, not the worker
                drain_until = time.monotonic() + self.drain_wait_s
            wait = SAFETY_INTERVAL_S
            more = False
            if claimed is not None or (s.has_credit() and not closed):
                if claimed is None:
                    claim = self.service.claim(s.queues, self._claim_size(s), s.worker_id)
                    claimed = await claim_watched(s, self.subscriber, claim)
                    # Claimed here, not with settles: job.started rides a later write.
                    if claimed.jobs and not s.unannounced:
                        s.announce_by = time.monotonic() + ANNOUNCE_DELAY_S
                    s.unannounced.extend(claimed.jobs)
                self._deliver(s, claimed.jobs, out)
                # A full claim may have left jobs: take more while credit lasts, else
                # wake the others. A partial one took all there was.
                more = claimed.full and s.credit > 0
                if claimed.full and not more:
                    self.subscriber.pass_on(s)
                if not claimed.jobs and claimed.held_back:
                    wait = HELD_BACK_RETRY_S
            for response in out:
                if response.ListFields():
                    yield response
            if s.unannounced and (closed or time.monotonic() >= s.announce_by):
                await self._announce(s)
            if closed:
                return
            if drain_until is not None:
                if not s.inflight or time.monotonic() >= drain_until:
                    raise SessionDraining
                wait = min(wait, drain_until - time.monotonic())
            if more:
                continue
            if s.unannounced:
                wait = min(wait, s.announce_by - time.monotonic())
            raise_if_cancelled()
            await wait_for_wake(s.wake, min(wait, next_sweep - time.monotonic()))

    async def _announce(self, s: _Session) -> None:
        """Write the job.started events of delivered jobs not announced yet."""
        jobs, s.unannounced = s.unannounced, []
        await self.service.announce_started(jobs, s.worker_id)

    @staticmethod
    def _claim_size(s: _Session) -> int:
        return min(s.credit, FETCH_BATCH_MAX)

    def _deliver(self, s: _Session, jobs: list[Job], out: list[ws.ConnectResponse]) -> None:
        size = out[-1].ByteSize()
        writer = JobWriter()
        for job in jobs:
            s.credit -= 1
            s.inflight[job.id] = job
            delivery = ws.Delivery(lease_token=str(job.attempt))
            writer.write(job, delivery.job)
            if job.lease_end is not None:
                set_ts(delivery.lease_deadline, job.lease_end)
            delivery_size = delivery.ByteSize()
            if size and size + delivery_size > self.max_response_bytes:
                out.append(ws.ConnectResponse())
                size = 0
            out[-1].deliveries.append(delivery)
            size += delivery_size

    # -- what the worker sent ------------------------------------------------------------

    async def _take(
        self, s: _Session, inbox: list[ws.ConnectRequest], resp: ws.ConnectResponse, claim: bool
    ) -> Claimed | None:
        """Apply what the worker sent. When ``claim`` allows it and the messages carry
        settles and no heartbeat (which may end the credit), the turn's claim rides along
        with them: it is returned, None when no claim was made."""
        items: list[tuple[str, Settlement | None]] = []
        beat: ws.Heartbeat | None = None
        progress: list[ws.Progress] = []
        for request in inbox:
            if request.HasField("hello"):
                raise invalid("hello", "'hello' is only allowed in the first message")
            if request.credits < 0:
                raise invalid("credits", "'credits' must not be negative")
            s.credit = min(s.credit + request.credits, MAX_CONCURRENT_LIMIT)
            for ack in request.acks:
                item = self._settlement(s, "ack", ack.job_id, ack.lease_token)
                if item is not None and ack.HasField("result"):
                    item.result, item.has_result = value_to_py(ack.result), True
                items.append((ack.job_id, item))
            for nack in request.nacks:
                item = self._settlement(s, "nack", nack.job_id, nack.lease_token)
                if item is not None and nack.HasField("error"):
                    item.report = failure_report(nack.error)
                items.append((nack.job_id, item))
            for release in request.releases:
                item = self._settlement(s, "release", release.job_id, release.lease_token)
                items.append((release.job_id, item))
            if request.HasField("heartbeat"):
                beat = request.heartbeat
            progress.extend(request.progress)
        # Progress first: a report written before the job's ack may share its message.
        if progress:
            await self._progress(s, progress, resp)
        claimed: Claimed | None = None
        if items:
            claim = claim and beat is None and not self.stopping and s.has_credit()
            claimed = await self._settle(s, items, resp, self._claim_size(s) if claim else 0)
        if beat is not None:
            await self._heartbeat(s, beat, resp)
        return claimed

    @staticmethod
    def _settlement(s: _Session, kind: str, job_id: str, token: str) -> Settlement | None:
        """The settlement asked for, or None when its lease token is malformed."""
        held = s.inflight.get(job_id)
        try:
            lease_token = int(token) if token else None
        except ValueError:
            return None
        if held is None:
            return Settlement(kind, job_id, lease_token)
        mine = held if lease_token == held.attempt else None
        return Settlement(kind, job_id, lease_token, queue=held.queue, held=mine)

    async def _settle(
        self,
        s: _Session,
        items: list[tuple[str, Settlement | None]],
        resp: ws.ConnectResponse,
        claim: int,
    ) -> Claimed | None:
        """Settle ``items``, claiming up to ``claim`` jobs in the same round trip (None when
        ``claim`` is 0). The job.started events still to come go first in its write."""
        valid = [item for _, item in items if item is not None]
        outcomes: list[Settled] = []

        async def settle_and_claim() -> Claimed:
            announce, s.unannounced = s.unannounced, []
            try:
                done, claimed = await self.service.settle_and_claim(
                    valid, s.worker_id, s.queues, claim, announce
                )
            except BaseException:
                s.unannounced[:0] = announce
                raise
            outcomes.extend(done)
            return claimed

        if claim:
            claimed: Claimed | None = await claim_watched(s, self.subscriber, settle_and_claim())
        else:
            claimed = None
            await settle_and_claim()
        settled = iter(outcomes)
        for job_id, item in items:
            if item is None:
                error = invalid("lease_token", "'lease_token' must be the token of a delivery")
                outcome = Settled.refused(job_id, error)
            else:
                outcome = next(settled)
            if outcome.status != "invalid":
                s.inflight.pop(job_id, None)  # settled, or not held in that attempt
            resp.results.append(self._result(outcome))
        return claimed

    @staticmethod
    def _result(outcome: Settled) -> ws.SettleResult:
        result = ws.SettleResult(job_id=outcome.job_id, status=_SETTLE_STATUS[outcome.status])
        job = outcome.job
        if job is not None:
            result.state = STATE_TO_PROTO[job.state]
            if job.state is JobState.RETRYABLE and job.next_attempt_at is not None:
                set_ts(result.next_attempt_at, job.next_attempt_at)
        elif outcome.state in JobState._value2member_map_:
            result.state = STATE_TO_PROTO[JobState(outcome.state)]
        elif outcome.status in ("stale", "not_owner"):
            result.state = STATE_TO_PROTO[JobState.ACTIVE]
        if outcome.error is not None:
            result.error_code = outcome.error.code
            result.error_message = outcome.error.message
        return result

    async def _heartbeat(self, s: _Session, beat: ws.Heartbeat, resp: ws.ConnectResponse) -> None:
        if beat.HasField("extend_by"):
            extend_ms = beat.extend_by.ToMilliseconds()
            if extend_ms <= 0:
                raise invalid("heartbeat.extend_by", "'extend_by' must be a positive duration")
            s.extend_ms = extend_ms
        if beat.current_state in (worker_pb2.WORKER_STATE_QUIET, worker_pb2.WORKER_STATE_TERMINATE):
            s.credit = 0  # the worker takes no more work: its open credit lapses
        jobs = list(s.inflight.values())
        directive, outcomes = await self.service.heartbeat_leases(s.worker_id, jobs, s.extend_ms)
        self._drop_lost(s, jobs, outcomes, resp)
        deadlines = [int(o.detail) for o in outcomes if o.ok]
        resp.heartbeat.extended = len(deadlines)
        if deadlines:
            set_ts(resp.heartbeat.new_deadline, min(deadlines))
        if directive != "running" and s.directive == "running":
            s.directive = directive  # QUIET or TERMINATE set for this worker: deliver no more
            resp.directive = DIRECTIVE_TO_PROTO[directive]
            resp.reconnect = self.stopping

    async def _progress(
        self, s: _Session, progress: list[ws.Progress], resp: ws.ConnectResponse
    ) -> None:
        if s.unannounced:  # job.started before any job.progress
            await self._announce(s)
        reports: list[ProgressReport] = []
        for p in progress:
            job = s.inflight.get(p.job_id) or await self.service.store.get(p.job_id)
            if job is None:
                continue
            data = struct_to_py(p.data) if p.HasField("data") else None
            try:
                token = int(p.lease_token) if p.lease_token else None
            except ValueError:
                continue
            reports.append(ProgressReport(job, token, p.fraction, p.message, data))
        outcomes = await self.service.report_progress(s.worker_id, reports, s.extend_ms)
        held = [r.job for r in reports]
        self._drop_lost(s, held, outcomes, resp)

    @staticmethod
    def _drop_lost(
        s: _Session, jobs: list[Job], outcomes: list[Outcome], resp: ws.ConnectResponse
    ) -> None:
        """Jobs whose lease a heartbeat or progress report found gone: cancel them."""
        for job, outcome in zip(jobs, outcomes, strict=True):
            if outcome.ok or s.inflight.get(job.id) is not job:
                continue
            del s.inflight[job.id]
            cancelled = outcome.status == "conflict" and outcome.detail == "cancelled"
            reason = ws.CANCEL_REASON_CANCELLED if cancelled else ws.CANCEL_REASON_LEASE_LOST
            resp.cancels.add(job_id=job.id, lease_token=str(job.attempt), reason=reason)

    async def _look_again(self, s: _Session, resp: ws.ConnectResponse) -> None:
        """Held jobs a message said left ``active``: cancelled, or the lease is lost."""
        suspects = {i: s.inflight[i] for i in s.suspects if i in s.inflight}
        s.suspects.clear()
        held = {i: (job.queue, job.attempt) for i, job in suspects.items()}
        for job_id, doc in (await left_active(self.service.store, held)).items():
            job = s.inflight.pop(job_id)
            cancelled = doc.get("state") == "cancelled" and doc.get("attempt") == job.attempt
            reason = ws.CANCEL_REASON_CANCELLED if cancelled else ws.CANCEL_REASON_LEASE_LOST
            resp.cancels.add(job_id=job_id, lease_token=str(job.attempt), reason=reason)


__all__ = ["SessionDraining", "WorkerSessions"]
