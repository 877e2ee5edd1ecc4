"""Every Redis key the gateway uses, built in this one module.

All keys of one queue share the hash tag ``{<queue>}`` so that every store
script touches a single cluster slot; scripts receive them in KEYS in the
fixed order of :data:`QUEUE_KEY_ORDER` (the Lua prelude names them). A few
keys span queues (queue registry, job-id index, event log, workers): those are
only touched by the gateway's Python code, one command at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

QUEUE_KEY_ORDER = (
    "jobs",  # HASH id -> JSON of the mutable job state (read and written by scripts)
    "spec",  # HASH id -> JSON of the immutable envelope (type, args, meta, policies)
    "result",  # HASH id -> JSON result given at ACK
    "errors",  # HASH id -> JSON array, error history (oldest first)
    "available",  # ZSET id by (priority, FIFO sequence)
    "scheduled",  # ZSET id by due time, state scheduled
    "retryable",  # ZSET id by next attempt time, state retryable
    "leases",  # ZSET id by lease expiry, state active
    "dead",  # ZSET id by discard time: the dead-letter set
    "finished",  # ZSET id by finish time: terminal jobs awaiting the retention purge
    "seq",  # STRING counter giving FIFO order among equal priorities
    "paused",  # STRING present while the queue is paused
    "stats",  # HASH totals (completed, discarded, created_at)
    "unique",  # HASH unique-job fingerprint -> id of the last job inserted under it
    "rate",  # ZSET recent rate-limited starts (member id:attempt, score start time)
    "metrics",  # HASH ring of 10-second buckets: completions, failures, duration/wait sums
    "wf_outbox",  # LIST "<workflow id>\t<job id>\t<state>": member jobs turned terminal
    # Not a key: the queue's pub/sub channel (in KEYS so scripts can PUBLISH on it). Scripts
    # send "a" when jobs became available, "f:<id>" when job <id> left `active` (job_stream.py).
    "notify",
)


@dataclass(frozen=True)
class QueueKeys:
    """The keys of one queue, in script order via :meth:`all`."""

    prefix: str
    queue: str

    def key(self, name: str) -> str:
        return f"{self.prefix}:{{{self.queue}}}:{name}"

    def all(self) -> list[str]:
        return [self.key(name) for name in QUEUE_KEY_ORDER]

    @property
    def paused(self) -> str:
        return self.key("paused")

    @property
    def notify(self) -> str:
        """Pub/sub channel of this queue's wake-ups (see ``notify`` in QUEUE_KEY_ORDER)."""
        return self.key("notify")


@dataclass(frozen=True)
class Keys:
    """Key builder for one namespace (``prefix``), so tests and tenants never collide."""

    prefix: str = "ojs"

    def queue(self, name: str) -> QueueKeys:
        return QueueKeys(self.prefix, name)

    @property
    def queues(self) -> str:
        """SET of every queue name ever used."""
        return f"{self.prefix}:queues"

    def job_queue(self, job_id: str) -> str:
        """STRING job id -> queue name; lets a bare job id find its queue's keys."""
        return f"{self.prefix}:jobq:{job_id}"

    @property
    def events(self) -> str:
        """STREAM of OJS events, capped."""
        return f"{self.prefix}:events"

    def worker(self, worker_id: str) -> str:
        """HASH worker directive and last-seen time."""
        return f"{self.prefix}:worker:{worker_id}"

    def worker_jobs(self, worker_id: str) -> str:
        """SET of ``queue<TAB>job id`` delivered to a worker, for worker-wide heartbeats."""
        return f"{self.prefix}:worker:{worker_id}:jobs"

    # -- cron: every cron key shares the hash tag {cron} (one slot for the cron scripts) --

    @property
    def cron_defs(self) -> str:
        """HASH cron name -> JSON definition (expression, zone, policy, job template)."""
        return f"{self.prefix}:cron:{{cron}}:defs"

    @property
    def cron_state(self) -> str:
        """HASH cron name -> JSON of scalars the cron scripts keep (next run, counts)."""
        return f"{self.prefix}:cron:{{cron}}:state"

    @property
    def cron_due(self) -> str:
        """ZSET cron name by next run (ms); enabled entries only."""
        return f"{self.prefix}:cron:{{cron}}:due"

    def cron_keys(self) -> list[str]:
        """KEYS of every cron script, in this order."""
        return [self.cron_defs, self.cron_state, self.cron_due]

    # -- workflows: each workflow under its own hash tag {wf:<id>} (workflows.py) --

    def workflow(self, workflow_id: str) -> str:
        """HASH def, state, v (version), r:<step id> (step results) of one workflow."""
        return f"{self.prefix}:{{wf:{workflow_id}}}"

    @property
    def workflow_reconcile(self) -> str:
        """ZSET workflow id by time: created or cancelled, jobs not yet all enqueued/cancelled."""
        return f"{self.prefix}:wf:reconcile"

    @property
    def pattern(self) -> str:
        """Glob matching every key of this namespace (used only by the reset route)."""
        return f"{self.prefix}:*"
