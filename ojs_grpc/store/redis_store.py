"""The job store on Redis: one atomic Lua script per state transition.

The same class serves the embedded store, which runs these very scripts on an
in-process Redis (see :mod:`ojs_grpc.store.embedded`), so both share one
implementation of the semantics.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import NoScriptError

from ..model import Job, JobState
from .keys import Keys
from .records import dumps, job_from_parts, job_with_doc, new_doc, new_spec
from .scripts import Scripts, pack, pack_sets, send_packed

# How many due jobs one script call promotes or reclaims before yielding.
BATCH_LIMIT = 500
# Acks one ack.lua call applies at most: Redis runs nothing else while a script runs
# (~8 us an ack), so a worker's window of acks goes as calls of about a millisecond.
ACKS_PER_CALL = 128
# Queues whose script keys are kept built at most.
MAX_KEY_LISTS = 4096
# How long an enqueue trusts that its queue is in the set of queues (seconds).
QUEUE_REGISTRATION_S = 60.0
# Worker records outlive a day of silence, then Redis drops them.
WORKER_TTL_S = 86_400


@dataclass
class Outcome:
    """What a transition did.

    ``status``: ``ok``; ``not_found``; ``conflict`` (``detail`` = current state);
    ``stale`` (lease token of another attempt; ``detail`` = current attempt);
    ``not_owner`` (held by worker ``detail``); ``moved`` (the attempt changed
    since the caller read it); ``duplicate``; ``alive`` (lease not yet ended).
    """

    status: str
    job: Job | None = None
    detail: str = ""
    previous_state: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class FetchResult:
    jobs: list[Job] = field(default_factory=list)
    expired: list[tuple[str, str]] = field(default_factory=list)  # (queue, job id)
    # Available jobs a rate limit kept from this claim: no message announces the end of a
    # rate window, so a consumer that got nothing looks again soon.
    held_back: bool = False


@dataclass
class AckOp:
    """ACK of ``job_id`` in ``queue`` (store.apply).

    ``held``: the job as delivered to the acking worker session, which holds it in that
    attempt. The script then skips the ``f:<id>`` message (nobody else holds the job) and
    returns only the state document; the acked job is ``held`` updated from it."""

    job_id: str
    queue: str
    result: Any = None
    has_result: bool = False
    lease_token: int | None = None
    worker_id: str | None = None
    held: Job | None = None


@dataclass
class FailOp:
    """A failure outcome decided from ``job`` as read (store.apply; see :meth:`RedisStore.fail`)."""

    job: Job
    outcome: str
    delay_ms: int
    errors: list[dict[str, Any]]
    lease_token: int | None = None
    worker_id: str | None = None

    @property
    def queue(self) -> str:
        return self.job.queue


@dataclass
class ReleaseOp:
    """RELEASE: hand an active job back without counting the attempt (store.apply)."""

    job_id: str
    queue: str
    lease_token: int | None = None
    worker_id: str | None = None


@dataclass
class BeatOp:
    """Extend a lease, optionally keeping a progress report (JSON text) with the job."""

    job_id: str
    queue: str
    extend_ms: int | None = None
    lease_token: int | None = None
    worker_id: str | None = None
    progress: str | None = None


WorkerOp = AckOp | FailOp | ReleaseOp | BeatOp
_SCRIPT: dict[type, str] = {FailOp: "fail", ReleaseOp: "release", BeatOp: "heartbeat"}


# Packed commands (the enqueue events) for jobs as stored: see RedisStore.enqueue_batch.
EventsOf = Callable[[list[Job]], Awaitable[Sequence[bytes]]]


def _per_op(replies: Sequence[Any], sizes: Sequence[int]) -> list[Any]:
    """One reply per op from the replies of :meth:`RedisStore._apply_calls`' calls."""
    out: list[Any] = []
    for reply, size in zip(replies, sizes, strict=True):
        if size:
            out.extend(reply)
        else:
            out.append(reply)
    return out


@dataclass
class TickResult:
    promoted: int
    expired_leases: list[str]
    next_due: int | None
    next_lease_end: int | None


class RedisStore:
    """Job storage over a ``redis.asyncio`` client (real Redis or the embedded one)."""

    def __init__(self, client: Any, keys: Keys, *, backend: str = "redis") -> None:
        self.client = client
        self.keys = keys
        self.backend = backend
        self._scripts = Scripts(client)
        # queue -> its script keys: built once, not for every transition.
        self._key_lists: dict[str, list[str]] = {}
        # queue -> when this process last added it to the set of queues: enqueues skip
        # the SADD for a while (QUEUE_REGISTRATION_S re-adds it should the set be lost).
        self._queues_registered: dict[str, float] = {}
        # Whether an insert ran here: until then Redis may lack the script (NOSCRIPT), and
        # events sent in the insert's write would land ahead of it.
        self._insert_ran = False

    async def close(self) -> None:
        await self.client.aclose()

    async def ping(self) -> None:
        await self.client.ping()

    # -- helpers -----------------------------------------------------------------

    async def _run(self, name: str, queue: str, args: list[Any]) -> Any:
        return await self._scripts.run(name, self._script_keys(queue), args)

    def _script_keys(self, queue: str) -> list[str]:
        keys = self._key_lists.get(queue)
        if keys is None:
            if len(self._key_lists) >= MAX_KEY_LISTS:
                self._key_lists.clear()
            keys = self._key_lists[queue] = self.keys.queue(queue).all()
        return keys

    async def queue_of(self, job_id: str) -> str | None:
        queue: str | None = await self.client.get(self.keys.job_queue(job_id))
        return queue

    async def queues_of(self, job_ids: Sequence[str]) -> list[str | None]:
        """:meth:`queue_of` for many jobs in one round trip."""
        if not job_ids:
            return []
        # GETs, not MGET: the index keys live in different cluster slots.
        async with self.client.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.get(self.keys.job_queue(job_id))
            queues: list[str | None] = await pipe.execute()
        return queues

    async def get_many(self, jobs: Sequence[tuple[str, str]]) -> list[Job | None]:
        """:meth:`get_in_queue` for many (queue, job id) pairs in one round trip."""
        if not jobs:
            return []
        names = ("jobs", "spec", "errors", "result")
        async with self.client.pipeline(transaction=False) as pipe:
            for queue, job_id in jobs:
                qk = self.keys.queue(queue)
                for name in names:
                    pipe.hget(qk.key(name), job_id)
            replies = await pipe.execute()
        found: list[Job | None] = []
        for i, (queue, job_id) in enumerate(jobs):
            doc, spec, errors, result = replies[i * 4 : i * 4 + 4]
            ok = doc is not None and spec is not None
            found.append(job_from_parts(job_id, queue, doc, spec, errors, result) if ok else None)
        return found

    @staticmethod
    def _opt(value: Any) -> str:
        return "" if value is None else str(value)

    def _job(self, job_id: str, queue: str, reply: list[Any], start: int) -> Job:
        doc, spec, errors, result = reply[start : start + 4]
        return job_from_parts(job_id, queue, doc, spec, errors or None, result or None)

    # -- transitions ---------------------------------------------------------------

    async def enqueue(
        self,
        job: Job,
        now: int,
        *,
        check_duplicate: bool,
        spec_json: str | None = None,
        events: EventsOf | None = None,
    ) -> Outcome:
        """Insert ``job`` (state available, scheduled or pending); an available job is
        enqueued at ``now``. ``spec_json``: the job's spec as stored (``dumps`` of
        ``new_spec(job)``) when the caller has encoded it already. ``events``: see
        :meth:`enqueue_batch`; only without ``check_duplicate``."""
        specs = None if spec_json is None else [spec_json]
        if not check_duplicate:
            inserted = await self.enqueue_batch(job.queue, [job], now, specs, events=events)
            if isinstance(inserted, int):
                return Outcome("duplicate", detail=job.id)
            return Outcome("ok", inserted[0])
        # A client-chosen id must be unique across queues: whoever creates the index entry
        # owns the id. (Purge and dead-letter delete drop the entry with the job.)
        index_key = self.keys.job_queue(job.id)
        if not await self.client.set(index_key, job.queue, nx=True):
            return Outcome("duplicate", detail=job.id)
        try:
            if self._unregistered(job.queue):
                await self.client.sadd(self.keys.queues, job.queue)
                self._registered(job.queue)
            args, stored = self._insert_args([job], now, specs)
            reply = await self._run("enqueue", job.queue, args)
        except Exception:
            await self.client.delete(index_key)  # best effort: free the id for a retry
            raise
        if reply[0] == "duplicate":
            return Outcome("duplicate", detail=job.id)
        return Outcome("ok", stored[0])

    async def enqueue_batch(
        self,
        queue: str,
        jobs: Sequence[Job],
        now: int,
        specs: Sequence[str] | None = None,
        *,
        events: EventsOf | None = None,
        meanwhile: Callable[[list[Job]], object] | None = None,
    ) -> list[Job] | int:
        """Insert new jobs of ``queue`` (distinct ids nobody else can hold: generated,
        not client-chosen; no unique policy), all or nothing, together with their job-id
        index entries in ONE round trip. ``specs``: their encoded specs, when the caller
        has them. ``events`` packs XADDs to the event stream (the jobs' enqueue events)
        for the jobs as stored: they are built while Redis runs the insert and written
        right behind it on the same connection, so they follow it; when the insert is
        refused or fails they are deleted again. Returns the jobs as stored, or the
        position of a job whose id the queue holds already (then no job was inserted).
        ``meanwhile`` is called with the jobs as stored after that, while Redis still
        works (what it makes of them is for a caller whose insert succeeds)."""
        args, stored = self._insert_args(jobs, now, specs)
        index_keys = [self.keys.job_queue(job.id) for job in jobs]
        register = self._unregistered(queue)
        # The index entries go first on the same connection, so they exist before a
        # worker can fetch the jobs; they live in other cluster slots than the queue.
        commands = pack_sets(index_keys, queue)
        if register:
            commands.append(pack("SADD", self.keys.queues, queue))
        keys = self._script_keys(queue)
        commands.append(self._scripts.packed("enqueue", keys, args))
        count = len(commands)
        # Until an insert has run here the script may need loading (NOSCRIPT): the events
        # then wait for the insert's outcome.
        riding = events if self._insert_ran else None
        replies = await send_packed(
            self.client,
            b"".join(commands),
            count,
            more=None if riding is None else lambda: riding(stored),
            meanwhile=None if meanwhile is None else lambda: meanwhile(stored),
        )
        *writes, reply = replies[:count]
        appended = replies[count:]
        try:
            if isinstance(reply, NoScriptError):  # Redis lost its scripts: run() loads it
                # (events sent along ran ahead of the insert: they stay unless it fails;
                # taking them back could not stop a reader that has seen them already)
                reply = await self._run("enqueue", queue, args)
            for failed in (*writes, reply, *appended):
                if isinstance(failed, Exception):
                    raise failed
        except Exception:
            await self._retract_events(appended)
            await self.client.delete(*index_keys)  # best effort: free the ids for a retry
            raise
        if reply[0] == "duplicate":
            await self._retract_events(appended)
            taken = int(reply[1])
            others = [key for i, key in enumerate(index_keys) if i != taken]
            if others:
                await self.client.delete(*others)
            return taken
        self._insert_ran = True
        if register:
            self._registered(queue)
        if events is not None and riding is None:
            packed = await events(stored)
            for failed in await send_packed(self.client, b"".join(packed), len(packed)):
                if isinstance(failed, Exception):
                    raise failed
        return stored

    async def _retract_events(self, replies: Sequence[Any]) -> None:
        """Delete the stream entries that XADD ``replies`` name (errors added nothing)."""
        ids = [entry for entry in replies if not isinstance(entry, Exception)]
        if ids:
            await self.client.xdel(self.keys.events, *ids)

    def _insert_args(
        self, jobs: Sequence[Job], now: int, specs: Sequence[str] | None
    ) -> tuple[list[Any], list[Job]]:
        """The ``enqueue`` script's arguments for ``jobs`` and the jobs as it stores them."""
        args: list[Any] = [len(jobs)]
        stored: list[Job] = []
        for i, job in enumerate(jobs):
            doc = new_doc(job)
            if job.state is JobState.AVAILABLE:
                doc["enqueued_at"] = now
                if job.enqueued_at != now:
                    job = job.copy(enqueued_at=now)
            stored.append(job)
            args += [
                job.id,
                dumps(doc),
                dumps(new_spec(job)) if specs is None else specs[i],
                job.state.value,
                job.priority,
                self._opt(job.scheduled_at),
            ]
        return args, stored

    def _unregistered(self, queue: str) -> bool:
        """Whether ``queue`` must be added to the set of queues (not done lately here)."""
        at = self._queues_registered.get(queue)
        return at is None or time.monotonic() - at > QUEUE_REGISTRATION_S

    def _registered(self, queue: str) -> None:
        if len(self._queues_registered) >= MAX_KEY_LISTS:
            self._queues_registered.clear()
        self._queues_registered[queue] = time.monotonic()

    async def fetch(
        self,
        queues: list[str],
        count: int,
        worker_id: str,
        now: int,
        visibility_override_ms: int | None = None,
        *,
        track: bool = True,
    ) -> FetchResult:
        """Claim up to ``count`` jobs walking ``queues`` in order. ``track=False`` leaves
        the worker's job set (:meth:`remember_worker_jobs`) to the caller."""
        result = FetchResult()
        for queue in queues:
            wanted = count - len(result.jobs)
            if wanted <= 0:
                break
            reply = await self._run(
                "fetch", queue, self._fetch_args(now, wanted, worker_id, visibility_override_ms)
            )
            self._add_claimed(result, queue, reply)
        if track and worker_id and result.jobs:
            async with self.client.pipeline(transaction=False) as pipe:
                self.remember_worker_jobs(pipe, worker_id, result.jobs)
                await pipe.execute()
        return result

    def _fetch_args(
        self, now: int, count: int, worker_id: str, visibility_override_ms: int | None
    ) -> list[Any]:
        return [now, count, worker_id, self._opt(visibility_override_ms)]

    @staticmethod
    def _add_claimed(result: FetchResult, queue: str, reply: list[Any]) -> None:
        """Add one fetch script's reply (claimed jobs, expired ids, held back) to ``result``."""
        claimed, expired, held = reply
        result.held_back = result.held_back or held > 0
        for job_id, doc, spec, errors in claimed:
            result.jobs.append(job_from_parts(job_id, queue, doc, spec, errors or None))
        result.expired.extend((queue, job_id) for job_id in expired)

    def remember_worker_jobs(self, pipe: Any, worker_id: str, jobs: Sequence[Job]) -> None:
        """Buffer on ``pipe``: add jobs claimed by ``worker_id`` to its job set, which
        worker-wide heartbeats walk."""
        if worker_id and jobs:
            key = self.keys.worker_jobs(worker_id)
            pipe.sadd(key, *(f"{job.queue}\t{job.id}" for job in jobs))
            pipe.expire(key, WORKER_TTL_S)

    async def get(self, job_id: str) -> Job | None:
        queue = await self.queue_of(job_id)
        if queue is None:
            return None
        return await self.get_in_queue(queue, job_id)

    async def ack(
        self,
        job_id: str,
        now: int,
        result: Any | None,
        *,
        has_result: bool,
        lease_token: int | None = None,
        worker_id: str | None = None,
    ) -> Outcome:
        queue = await self.queue_of(job_id)
        if queue is None:
            return Outcome("not_found")
        op = AckOp(job_id, queue, result, has_result, lease_token, worker_id)
        return (await self.apply([op], now))[0]

    async def fail(
        self,
        job: Job,
        now: int,
        outcome: str,
        delay_ms: int,
        errors: list[dict[str, Any]],
        *,
        lease_token: int | None = None,
        worker_id: str | None = None,
    ) -> Outcome:
        """Apply a failure outcome decided from ``job`` (as read) if it still holds."""
        op = FailOp(job, outcome, delay_ms, errors, lease_token, worker_id)
        return (await self.apply([op], now))[0]

    async def apply(self, ops: Sequence[WorkerOp], now: int) -> list[Outcome]:
        """Run each worker-side transition (its own atomic script) in one round trip;
        the outcomes come back in the order of ``ops``."""
        if not ops:
            return []
        calls, sizes = self._apply_calls(ops, now)
        replies = _per_op(await self._scripts.run_many(calls), sizes)
        return [self._outcome(op, reply) for op, reply in zip(ops, replies, strict=True)]

    async def apply_and_fetch(
        self,
        ops: Sequence[WorkerOp],
        now: int,
        queues: list[str],
        count: int,
        worker_id: str,
        visibility_override_ms: int | None = None,
    ) -> tuple[list[Outcome], FetchResult]:
        """:meth:`apply`, then :meth:`fetch` (``track=False``), the transitions and the
        first queue's claim in one round trip: a worker session settles and claims every
        turn. Each script stays atomic on its own; the claim runs after the transitions."""
        calls, sizes = self._apply_calls(ops, now)
        args = self._fetch_args(now, count, worker_id, visibility_override_ms)
        calls.append(("fetch", self._script_keys(queues[0]), args))
        *applied, claimed = await self._scripts.run_many(calls)
        replies = _per_op(applied, sizes)
        outcomes = [self._outcome(op, reply) for op, reply in zip(ops, replies, strict=True)]
        result = FetchResult()
        self._add_claimed(result, queues[0], claimed)
        if len(queues) > 1 and len(result.jobs) < count:
            rest = await self.fetch(
                queues[1:],
                count - len(result.jobs),
                worker_id,
                now,
                visibility_override_ms,
                track=False,
            )
            result.jobs.extend(rest.jobs)
            result.expired.extend(rest.expired)
            result.held_back = result.held_back or rest.held_back
        return outcomes, result

    def _apply_calls(
        self, ops: Sequence[WorkerOp], now: int
    ) -> tuple[list[tuple[str, list[str], list[Any]]], list[int]]:
        """The scripts that apply ``ops`` and how many ops each applies (0: one op, its
        reply as it is; n: a list of n replies). A run of acks of one queue is one call
        (of at most ``ACKS_PER_CALL``)."""
        calls: list[tuple[str, list[str], list[Any]]] = []
        sizes: list[int] = []
        acking: str | None = None  # the queue of the last call when it is an ack call
        for op in ops:
            if isinstance(op, AckOp):
                if op.queue == acking and sizes[-1] < ACKS_PER_CALL:
                    calls[-1][2].extend(self._ack_args(op))
                    sizes[-1] += 1
                else:
                    calls.append(("ack", self._script_keys(op.queue), [now, *self._ack_args(op)]))
                    sizes.append(1)
                    acking = op.queue
                continue
            calls.append((_SCRIPT[type(op)], self._script_keys(op.queue), self._args(op, now)))
            sizes.append(0)
            acking = None
        return calls, sizes

    def _ack_args(self, op: AckOp) -> list[Any]:
        result = dumps(op.result) if op.has_result else ""
        token, worker = self._opt(op.lease_token), op.worker_id or ""
        return [op.job_id, result, token, worker, "" if op.held is None else "1"]

    def _args(self, op: FailOp | ReleaseOp | BeatOp, now: int) -> list[Any]:
        token, worker = self._opt(op.lease_token), op.worker_id or ""
        if isinstance(op, FailOp):
            job = op.job
            return [
                job.id,
                now,
                job.attempt,
                op.outcome,
                op.delay_ms,
                dumps(op.errors),
                token,
                worker,
            ]
        if isinstance(op, ReleaseOp):
            return [op.job_id, now, token, worker]
        return [op.job_id, now, self._opt(op.extend_ms), token, worker, op.progress or ""]

    def _outcome(self, op: WorkerOp, reply: list[Any]) -> Outcome:
        if isinstance(op, FailOp):
            return self._doc_outcome(op.job, reply, op.errors)
        if reply[0] != "ok":
            return Outcome(reply[0], detail=reply[1] if len(reply) > 1 else "")
        if isinstance(op, BeatOp):
            return Outcome("ok", detail=reply[1])
        if isinstance(op, AckOp) and op.held is not None:
            return Outcome("ok", job_with_doc(op.held, reply[1], op.result, op.has_result))
        return Outcome("ok", self._job(op.job_id, op.queue, reply, 1))

    async def reclaim(
        self, job: Job, now: int, outcome: str, delay_ms: int, errors: list[dict[str, Any]]
    ) -> Outcome:
        """Return an expired lease (decided from ``job`` as read) if it is still expired."""
        reply = await self._run(
            "reclaim", job.queue, [job.id, now, job.attempt, outcome, delay_ms, dumps(errors)]
        )
        return self._doc_outcome(job, reply, errors)

    def _doc_outcome(self, job: Job, reply: list[Any], errors: list[dict[str, Any]]) -> Outcome:
        if reply[0] != "ok":
            return Outcome(reply[0], detail=reply[1] if len(reply) > 1 else "")
        updated = job_from_parts(
            job.id,
            job.queue,
            reply[1],
            dumps(new_spec(job)),
            dumps(errors),
            dumps(job.result) if job.has_result else None,
        )
        return Outcome("ok", updated)

    async def cancel(self, job_id: str, now: int) -> Outcome:
        queue = await self.queue_of(job_id)
        if queue is None:
            return Outcome("not_found")
        reply = await self._run("cancel", queue, [job_id, now])
        if reply[0] != "ok":
            return Outcome(reply[0], detail=reply[1] if len(reply) > 1 else "")
        return Outcome("ok", self._job(job_id, queue, reply, 2), previous_state=reply[1])

    async def heartbeat(
        self,
        job_id: str,
        now: int,
        extend_ms: int | None,
        *,
        lease_token: int | None = None,
        worker_id: str | None = None,
    ) -> Outcome:
        """Extend an active job's lease; ``detail`` is the new deadline (ms) on success."""
        queue = await self.queue_of(job_id)
        if queue is None:
            return Outcome("not_found")
        op = BeatOp(job_id, queue, extend_ms, lease_token, worker_id)
        return (await self.apply([op], now))[0]

    async def heartbeat_worker(
        self, worker_id: str, now: int, extend_ms: int | None
    ) -> list[tuple[str, int]]:
        """Extend every lease ``worker_id`` still holds; returns (job id, new deadline)."""
        key = self.keys.worker_jobs(worker_id)
        members = sorted(await self.client.smembers(key))
        ops = []
        for member in members:
            queue, _, job_id = member.partition("\t")
            ops.append(BeatOp(job_id, queue, extend_ms, None, worker_id))
        extended: list[tuple[str, int]] = []
        lost: list[str] = []
        for member, op, outcome in zip(members, ops, await self.apply(ops, now), strict=True):
            if outcome.ok:
                extended.append((op.job_id, int(outcome.detail)))
            else:
                lost.append(member)  # finished, reclaimed or taken over: forget it
        if lost:
            await self.client.srem(key, *lost)
        return extended

    def forget_worker_jobs(
        self, pipe: Any, worker_id: str, jobs: Sequence[tuple[str, str]]
    ) -> None:
        """Buffer on ``pipe``: drop (queue, job id) pairs a worker settled from its job set,
        so worker-wide heartbeats do not walk finished jobs."""
        if worker_id and jobs:
            pipe.srem(self.keys.worker_jobs(worker_id), *(f"{q}\t{j}" for q, j in jobs))

    async def progress(self, queue: str, job_id: str) -> dict[str, Any] | None:
        """The last progress report kept with a job (worker session), if any."""
        raw = await self.client.hget(self.keys.queue(queue).key("jobs"), job_id)
        report = json.loads(raw).get("progress") if raw else None
        return json.loads(report) if report else None

    async def tick(self, queue: str, now: int) -> TickResult:
        promoted, expired, next_due, next_lease = await self._run("tick", queue, [now, BATCH_LIMIT])
        return TickResult(
            int(promoted),
            list(expired),
            int(next_due) if next_due else None,
            int(next_lease) if next_lease else None,
        )

    async def get_in_queue(self, queue: str, job_id: str) -> Job | None:
        return (await self.get_many([(queue, job_id)]))[0]

    async def purge_finished(
        self, queue: str, cutoff: int, dead_cutoff: int = 0, dead_max: int = 10_000
    ) -> int:
        """Drop finished jobs older than ``cutoff`` and dead-letter jobs older than
        ``dead_cutoff`` or beyond the newest ``dead_max``; returns how many went."""
        ids: list[str] = await self._run(
            "purge", queue, [cutoff, BATCH_LIMIT, dead_cutoff, dead_max]
        )
        if ids:
            await self.client.delete(*(self.keys.job_queue(i) for i in ids))
        return len(ids)

    # -- dead letter -----------------------------------------------------------------

    async def dead_retry(self, job_id: str, now: int) -> Outcome:
        queue = await self.queue_of(job_id)
        if queue is None:
            return Outcome("not_found")
        reply = await self._run("dead_retry", queue, [job_id, now])
        if reply[0] != "ok":
            return Outcome(reply[0])
        return Outcome("ok", self._job(job_id, queue, reply, 1))

    async def dead_delete(self, job_id: str) -> Outcome:
        queue = await self.queue_of(job_id)
        if queue is None:
            return Outcome("not_found")
        reply = await self._run("dead_delete", queue, [job_id])
        if reply[0] == "ok":
            await self.client.delete(self.keys.job_queue(job_id))
        return Outcome(reply[0])

    async def dead_list(self, queue: str | None, offset: int, limit: int) -> tuple[list[Job], int]:
        """Dead-letter jobs, oldest first, across one queue or all; and the total."""
        queues = [queue] if queue else sorted(await self.queues())
        entries: list[tuple[float, str, str]] = []
        for q in queues:
            for job_id, score in await self.client.zrange(
                self.keys.queue(q).key("dead"), 0, -1, withscores=True
            ):
                entries.append((score, q, job_id))
        entries.sort()
        page: list[Job] = []
        for _, q, job_id in entries[offset : offset + limit]:
            job = await self.get_in_queue(q, job_id)
            if job is not None:
                page.append(job)
        return page, len(entries)

    # -- queues ------------------------------------------------------------------------

    async def queues(self) -> set[str]:
        names: set[str] = await self.client.smembers(self.keys.queues)
        return names

    async def register_queue(self, queue: str, now: int) -> None:
        await self.client.sadd(self.keys.queues, queue)
        await self.client.hsetnx(self.keys.queue(queue).key("stats"), "created_at", now)

    async def set_paused(self, queue: str, paused: bool) -> None:
        await self.client.sadd(self.keys.queues, queue)
        if paused:
            await self.client.set(self.keys.queue(queue).paused, "1")
        elif await self.client.delete(self.keys.queue(queue).paused):
            await self.client.publish(self.keys.queue(queue).notify, "a")  # wake StreamJobs

    async def queue_info(self, queue: str) -> dict[str, Any]:
        qk = self.keys.queue(queue)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.exists(qk.paused)
            for name in ("available", "leases", "scheduled", "retryable", "dead"):
                pipe.zcard(qk.key(name))
            pipe.hgetall(qk.key("stats"))
            paused, available, active, scheduled, retryable, dead, stats = await pipe.execute()
        return {
            "name": queue,
            "paused": bool(paused),
            "available": available,
            "active": active,
            "scheduled": scheduled,
            "retryable": retryable,
            "dead": dead,
            "completed": int(stats.get("completed", 0)),
            "discarded": int(stats.get("discarded", 0)),
            "created_at": int(stats["created_at"]) if "created_at" in stats else None,
        }

    # -- workers -------------------------------------------------------------------------

    async def worker_directive(self, worker_id: str, now: int, ttl_s: int = WORKER_TTL_S) -> str:
        """Record a worker's liveness; return its current directive (default running)."""
        key = self.keys.worker(worker_id)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(key, "last_seen", now)
            pipe.hget(key, "directive")
            pipe.expire(key, ttl_s)
            _, directive, _ = await pipe.execute()
        return directive or "running"

    async def set_worker_directive(self, worker_id: str, directive: str) -> None:
        await self.client.hset(self.keys.worker(worker_id), "directive", directive)

    # -- test support ------------------------------------------------------------------

    async def reset(self) -> None:
        """Delete every key of this namespace (conformance runs only)."""
        self._queues_registered.clear()
        batch: list[str] = []
        async for key in self.client.scan_iter(match=self.keys.pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                await self.client.delete(*batch)
                batch.clear()
        if batch:
            await self.client.delete(*batch)
