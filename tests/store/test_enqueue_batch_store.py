"""RedisStore.enqueue_batch on both stores: plain jobs of one queue inserted with their
job-id index entries in one round trip, all or nothing, in the order and with the scores
single enqueues give them."""

from __future__ import annotations

from ojs_grpc.model import Job, JobState
from ojs_grpc.store.redis_store import EventsOf, RedisStore
from ojs_grpc.store.scripts import pack
from tests.store.test_store_contract import HOUR, NOW, Q, counts, get, make_job, only, put, zset

PRIORITY_SPAN = 2**44  # available score = (100 - priority) * 2^44 + sequence (_prelude.lua)


async def test_a_batch_is_stored_like_single_enqueues(store: RedisStore) -> None:
    jobs = [
        make_job("a", priority=0),
        make_job("s", state=JobState.SCHEDULED, scheduled_at=NOW + HOUR),
        make_job("b", priority=5),
        make_job("p", state=JobState.PENDING),
        make_job("c", priority=0),
    ]
    stored = await store.enqueue_batch(Q, jobs, NOW + 7)
    assert isinstance(stored, list)
    assert [job.id for job in stored] == ["a", "s", "b", "p", "c"]
    assert [job.enqueued_at for job in stored] == [NOW + 7, None, NOW + 7, None, NOW + 7]
    assert await counts(store) == only(available=3, scheduled=1)
    assert await zset(store, "scheduled") == {"s": NOW + HOUR}
    # Priority first, then the order of the batch, continuing the queue's sequence.
    available = await zset(store, "available")
    assert sorted(available, key=available.__getitem__) == ["b", "a", "c"]
    assert available["b"] < 96 * PRIORITY_SPAN < available["a"] < available["c"]
    for job in stored:
        read = await get(store, job.id)
        assert (read.state, read.enqueued_at, read.args) == (job.state, job.enqueued_at, [job.id])
        assert await store.queue_of(job.id) == Q
    assert Q in await store.queues()
    later = await put(store, "d")
    assert (await zset(store, "available"))["d"] > available["c"]
    assert later.enqueued_at == NOW


async def test_a_taken_id_refuses_the_whole_batch_and_frees_the_new_ids(
    store: RedisStore,
) -> None:
    await put(store, "taken")
    refused = await store.enqueue_batch(Q, [make_job("n1"), make_job("taken"), make_job("n2")], NOW)
    assert refused == 1
    assert await counts(store) == only(available=1)
    assert await store.queue_of("n1") is None and await store.queue_of("n2") is None
    assert await store.queue_of("taken") == Q


async def test_the_queue_is_registered_again_after_a_reset(store: RedisStore) -> None:
    await put(store, "x", queue="first")
    assert await store.queues() == {"first"}
    await store.reset()
    assert await store.queues() == set()
    await put(store, "y", queue="first")
    assert await store.queues() == {"first"}


async def _stream(store: RedisStore) -> list[str]:
    return [fields["e"] for _, fields in await store.client.xrange(store.keys.events)]


def _events(store: RedisStore, *names: str) -> EventsOf:
    """An events builder writing one entry per name, each naming the jobs it was given."""

    async def build(jobs: list[Job]) -> list[bytes]:
        ids = ",".join(job.id for job in jobs)
        return [pack("XADD", store.keys.events, "*", "e", f"{name}:{ids}") for name in names]

    return build


async def test_events_sent_with_an_insert_follow_it(store: RedisStore) -> None:
    stored = await store.enqueue_batch(Q, [make_job("a")], NOW, events=_events(store, "1", "2"))
    assert isinstance(stored, list) and [job.id for job in stored] == ["a"]
    assert await _stream(store) == ["1:a", "2:a"]
    assert await counts(store) == only(available=1)


async def test_events_sent_with_a_refused_insert_are_taken_back(store: RedisStore) -> None:
    await put(store, "taken")
    events = _events(store, "refused")
    assert await store.enqueue_batch(Q, [make_job("taken")], NOW, events=events) == 0
    single = await store.enqueue(make_job("taken"), NOW, check_duplicate=False, events=events)
    assert single.status == "duplicate"
    assert await _stream(store) == []


async def test_events_stay_with_an_insert_that_had_to_load_its_script(
    store: RedisStore,
) -> None:
    await put(store, "a")
    await store.client.script_flush()  # as a Redis restart would
    stored = await store.enqueue_batch(Q, [make_job("b")], NOW, events=_events(store, "e"))
    assert isinstance(stored, list)
    assert await _stream(store) == ["e:b"]
    assert await counts(store) == only(available=2)


async def test_meanwhile_gets_the_jobs_as_stored_while_the_insert_runs(store: RedisStore) -> None:
    seen: list[list[tuple[str, int | None]]] = []
    jobs = [make_job("a"), make_job("s", state=JobState.SCHEDULED, scheduled_at=NOW + HOUR)]
    stored = await store.enqueue_batch(
        Q, jobs, NOW + 3, meanwhile=lambda js: seen.append([(j.id, j.enqueued_at) for j in js])
    )
    assert isinstance(stored, list)
    assert (
        seen == [[(job.id, job.enqueued_at) for job in stored]] == [[("a", NOW + 3), ("s", None)]]
    )
