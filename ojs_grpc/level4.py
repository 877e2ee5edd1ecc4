"""Conformance level 4 operations, once for both bindings (semantics Part E §10).

- Unique jobs (§10.2): the policy is checked, the fingerprint computed in Python
  (:mod:`ojs_grpc.unique`), and the duplicate check plus the insert (and ``replace``'s
  cancel-and-insert) run as ONE script on the queue's keys: strong uniqueness, declared as
  the manifest extension ``unique_jobs:strong``. Uniqueness is scoped to the job's queue
  (a per-queue fingerprint index), also when ``queue`` is not a key dimension.
- Batch enqueue (§10.3): every entry is validated before anything is written (errors name
  the index). A batch within one queue is inserted by one script: all or nothing. A batch
  spanning queues is *staged* queue by queue (stored but invisible to FETCH, fingerprints
  claimed); if any queue refuses or fails, every staged part is discarded, so nothing was
  ever visible; once all are staged each part is published. Only a backend failure during
  publishing can leave a cross-queue batch partly published (the rest is discarded).
- Queue statistics, pause and resume (§10.4, §10.5).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import DUPLICATE, FieldViolation, OJSError, invalid
from .events import enqueue_event_type
from .model import EnqueueSpec, Job, JobState
from .store.level4 import (
    Inserted,
    NewJob,
    QueueSnapshot,
    Refused,
    commit_staged,
    insert_jobs,
    pause_queue,
    queue_snapshot,
    resume_queue,
    set_queue_rate_limit,
)
from .store.records import dumps, job_from_parts, new_spec
from .store.redis_store import RedisStore
from .unique import fingerprint, parse_policy
from .validation import check_queue, check_spec

if TYPE_CHECKING:
    from .service import OJSService

UNIQUE_STRENGTH_EXTENSION = "unique_jobs:strong"

T = TypeVar("T")


@dataclass
class EnqueueResult:
    """An enqueue's job; ``created`` is False when a unique ``ignore`` returned an existing one."""

    job: Job
    created: bool = True


async def apply_queue_rate_limits(store: RedisStore, limits: dict[str, int]) -> None:
    """Install the operator's queue rate limits (``Settings.queue_rate_limits``) and drop
    those of queues no longer listed; every replica should be started with the same list."""
    for queue in limits:
        check_queue(queue, "queue_rate_limits")
    for queue in sorted(await store.queues() | set(limits)):
        await set_queue_rate_limit(store, queue, limits.get(queue))


def at_index(err: OJSError, index: int) -> OJSError:
    """``err`` about batch entry ``index``: field paths and message name ``jobs[index]``."""
    prefix = f"jobs[{index}]"

    def field(path: str) -> str:
        return path if path.startswith(prefix) else f"{prefix}.{path}"

    details = {**err.details, "index": index}
    if isinstance(details.get("field"), str):
        details["field"] = field(details["field"])
    message = err.message if prefix in err.message else f"{prefix}: {err.message}"
    return OJSError(
        err.code,
        message,
        violations=[FieldViolation(field(v.field), v.description) for v in err.violations],
        details=details,
        policy=err.policy,
    )


def _id_taken(job_id: str, index: int | None) -> OJSError:
    where = "" if index is None else f"jobs[{index}]: "
    details: dict[str, Any] = {"existing_job_id": job_id}
    if index is not None:
        details["index"] = index
    return OJSError(DUPLICATE, f"{where}a job with id '{job_id}' already exists", details=details)


def _duplicate(existing_id: str, index: int | None) -> OJSError:
    details: dict[str, Any] = {"existing_job_id": existing_id}
    if index is not None:
        details["index"] = index
    where = "" if index is None else f"jobs[{index}]: "
    return OJSError(
        DUPLICATE,
        f"{where}a job with the same unique key already exists: '{existing_id}'",
        details=details,
    )


class Level4:
    """Level-4 operations on the shared service layer (stateless)."""

    def __init__(self, service: OJSService) -> None:
        self.service = service

    # -- enqueue ------------------------------------------------------------------------------

    async def enqueue(self, spec: EnqueueSpec) -> EnqueueResult:
        """PUSH with the unique-job semantics; plain jobs take the level-0 path."""
        if spec.unique is None:
            return EnqueueResult(await self.service.enqueue(spec))
        (result,) = await self._insert([spec], batch=False)
        return EnqueueResult(result.job, created=result.outcome != "ignored")

    def check_batch_size(self, size: int) -> None:
        """A batch has 1 to ``Settings.max_batch_size`` entries (checked before parsing them)."""
        limit = self.service.settings.max_batch_size
        if size <= 0:
            raise invalid("jobs", "'jobs' must list at least one job")
        if size > limit:
            raise invalid(
                "jobs", f"'jobs' has {size} entries, over the maximum of {limit} per batch"
            )

    async def enqueue_batch(self, specs: list[EnqueueSpec], render: Callable[[list[Job]], T]) -> T:
        """PUSH of many jobs, all or nothing: the jobs (in request order) as ``render``
        (a binding's reply) makes them. On the common path (one queue, generated ids, no
        unique policy) they are rendered while Redis stores them, and the rendering is
        dropped if that fails."""
        self.check_batch_size(len(specs))
        rendered: list[T] = []
        inserted = await self._insert(
            specs, batch=True, meanwhile=lambda jobs: rendered.append(render(jobs))
        )
        return rendered[0] if rendered else render([r.job for r in inserted])

    def _prepare(self, spec: EnqueueSpec, path: str, now: int) -> tuple[NewJob, str]:
        """The job to insert and its encoded spec (stale once a unique policy edits it)."""
        policy = None
        if spec.unique is not None:
            policy = parse_policy(spec.unique, f"{path}options.unique")
            spec.unique = policy.to_dict()
        check_spec(spec, path)
        job, spec_json = self.service.prepare_job(spec, checked=True, now=now)
        if policy is None:
            return NewJob(job), spec_json
        if policy.on_conflict == "replace_except_schedule":
            job.scheduled_at_text = None  # the schedule may come from the replaced job
        item = NewJob(
            job,
            fingerprint(policy, job.type, job.queue, job.args, job.meta, f"{path}options.unique"),
            policy.on_conflict,
            policy.states,
            policy.period_ms,
        )
        return item, spec_json

    async def _insert(
        self,
        specs: list[EnqueueSpec],
        *,
        batch: bool,
        meanwhile: Callable[[list[Job]], object] | None = None,
    ) -> list[Inserted]:
        items: list[NewJob] = []
        encoded: list[str] = []
        seen: dict[str, int] = {}
        now = self.service.clock.now_ms()
        for i, spec in enumerate(specs):
            path = f"jobs[{i}]." if batch else ""
            try:
                item, spec_json = self._prepare(spec, path, now)
                if spec.client_id is not None and spec.client_id in seen:
                    raise invalid(
                        f"{path}id", f"'{path}id' repeats jobs[{seen[spec.client_id]}].id"
                    )
            except OJSError as err:
                raise at_index(err, i) if batch else err from None
            if spec.client_id is not None:
                seen[spec.client_id] = i
            items.append(item)
            encoded.append(spec_json)

        if not seen and all(not item.fingerprint for item in items):
            queues = {item.job.queue for item in items}
            if len(queues) == 1:  # the common batch: one script, one round trip
                return await self._insert_plain(queues.pop(), items, encoded, now, batch, meanwhile)

        store = self.service.store
        index_keys = [store.keys.job_queue(item.job.id) for item in items]
        # Whoever creates a job-id index entry owns the id (client ids are unique across
        # queues); generated ids cannot collide, the NX costs nothing.
        async with store.client.pipeline(transaction=False) as pipe:
            for key, item in zip(index_keys, items, strict=True):
                pipe.set(key, item.job.queue, nx=True)
            pipe.sadd(store.keys.queues, *{item.job.queue for item in items})
            owned = [bool(ok) for ok in (await pipe.execute())[:-1]]
        if not all(owned):
            mine = [key for key, ok in zip(index_keys, owned, strict=True) if ok]
            if mine:
                await store.client.delete(*mine)
            index = owned.index(False)
            raise _id_taken(items[index].job.id, index if batch else None)

        try:
            results = await self._store_by_queue(items, now, batch)
        except BaseException:
            await store.client.delete(*index_keys)  # best effort: free the ids for a retry
            raise
        unused = [key for key, r in zip(index_keys, results, strict=True) if r.outcome == "ignored"]
        if unused:
            await store.client.delete(*unused)
        await self._announce(results)
        return results

    async def _insert_plain(
        self,
        queue: str,
        items: list[NewJob],
        specs: list[str],
        now: int,
        batch: bool,
        meanwhile: Callable[[list[Job]], object] | None,
    ) -> list[Inserted]:
        """Jobs of one queue with generated ids and no unique policy: no id can be taken
        and no fingerprint checked, so the store inserts them with their index entries
        and their events in one round trip."""
        jobs = [item.job for item in items]
        stored = await self.service.store.enqueue_batch(
            queue, jobs, now, specs, events=self.service.enqueue_events, meanwhile=meanwhile
        )
        if isinstance(stored, int):  # a generated id that exists: never in practice
            raise _id_taken(items[stored].job.id, stored if batch else None)
        if any(job.state is JobState.SCHEDULED for job in stored):
            self.service._wake_maintenance(None)
        return [Inserted("inserted", job) for job in stored]

    async def _store_by_queue(self, items: list[NewJob], now: int, batch: bool) -> list[Inserted]:
        store = self.service.store
        groups: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            groups.setdefault(item.job.queue, []).append(i)
        results: list[Inserted | None] = [None] * len(items)

        def refused(r: Refused, indexes: list[int]) -> OJSError:
            index = indexes[r.index]
            if r.reason == "duplicate":
                return _duplicate(r.existing_id, index if batch else None)
            return _id_taken(items[index].job.id, index if batch else None)

        if len(groups) == 1:
            (indexes,) = groups.values()
            reply = await insert_jobs(store, items[0].job.queue, items, now)
            if isinstance(reply, Refused):
                raise refused(reply, indexes)
            return reply

        # Across queues: stage every part, then publish (or discard all on a refusal).
        staged: list[str] = []
        try:
            for queue, indexes in groups.items():
                reply = await insert_jobs(
                    store, queue, [items[i] for i in indexes], now, stage=True
                )
                if isinstance(reply, Refused):
                    raise refused(reply, indexes)
                staged.append(queue)
                for i, r in zip(indexes, reply, strict=True):
                    results[i] = r
        except BaseException:
            await asyncio.gather(
                *(
                    commit_staged(
                        store, q, self._staged_ids(groups[q], results), now, publish=False
                    )
                    for q in staged
                ),
                return_exceptions=True,
            )
            raise
        now = self.service.clock.now_ms()
        for pos, queue in enumerate(staged):
            ids = self._staged_ids(groups[queue], results)
            try:
                published = await commit_staged(store, queue, ids, now, publish=True)
            except BaseException:
                for rest in staged[pos + 1 :]:  # keep the failure all-or-nothing where possible
                    ids = self._staged_ids(groups[rest], results)
                    await commit_staged(store, rest, ids, now, publish=False)
                raise
            for i in groups[queue]:
                res = results[i]
                assert res is not None
                if res.outcome == "ignored" or res.job.id not in published:
                    continue
                doc_json, old_id, old_state = published[res.job.id]
                res.job = job_from_parts(res.job.id, queue, doc_json, dumps(new_spec(res.job)))
                res.replaced_id, res.replaced_state = old_id, old_state
                if not old_id and res.outcome == "replaced":
                    res.outcome = "inserted"  # the replaced job ended meanwhile
        return [r for r in results if r is not None]

    @staticmethod
    def _staged_ids(indexes: list[int], results: list[Inserted | None]) -> list[str]:
        return [
            r.job.id
            for r in (results[i] for i in indexes)
            if r is not None and r.outcome != "ignored"
        ]

    async def _announce(self, results: list[Inserted]) -> None:
        """The events of the inserted jobs (and of the jobs they replaced), in order and
        in one round trip."""
        replaced = {
            r.replaced_id: await self.service.store.get(r.replaced_id)
            for r in results
            if r.replaced_id and r.outcome != "ignored"
        }
        scheduled = False
        async with self.service._event_batch() as (events, _):
            for r in results:
                if r.outcome == "ignored":
                    continue
                old = replaced.get(r.replaced_id) if r.replaced_id else None
                if old is not None and old.state is JobState.CANCELLED:
                    await events.emit(
                        "job.cancelled",
                        old,
                        previous_state=r.replaced_state,
                        reason="replaced by a unique job",
                        replaced_by=r.job.id,
                    )
                scheduled = scheduled or r.job.state is JobState.SCHEDULED
                await events.emit(enqueue_event_type(r.job), r.job, priority=r.job.priority)
        if scheduled:
            self.service._wake_maintenance(None)

    # -- queues -------------------------------------------------------------------------------

    async def queue_stats(self, queue: str) -> QueueSnapshot:
        check_queue(queue, "queue")
        return await queue_snapshot(self.service.store, queue, self.service.clock.now_ms())

    async def pause_queue(self, queue: str) -> tuple[bool, int | None]:
        """Pause (idempotent); returns (paused now, paused_at). Emits ``queue.paused``."""
        check_queue(queue, "queue")
        changed, at = await pause_queue(self.service.store, queue, self.service.clock.now_ms())
        if changed:
            await self.service.events.emit_event("queue.paused", queue=queue, paused_at=at)
        return changed, at

    async def resume_queue(self, queue: str) -> tuple[bool, int | None]:
        """Resume (idempotent); returns (resumed now, resumed_at). Emits ``queue.resumed``."""
        check_queue(queue, "queue")
        changed, at = await resume_queue(self.service.store, queue, self.service.clock.now_ms())
        if changed:
            await self.service.events.emit_event("queue.resumed", queue=queue, resumed_at=at)
        return changed, at
