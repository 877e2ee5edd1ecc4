"""Gateway settings, from command-line flags and ``OJS_*`` environment variables."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_GRPC_ADDR = "0.0.0.0:9090"
DEFAULT_HTTP_ADDR = "0.0.0.0:8080"


@dataclass
class Settings:
    grpc_addr: str = DEFAULT_GRPC_ADDR
    http_addr: str = DEFAULT_HTTP_ADDR
    redis_url: str | None = None
    key_prefix: str = "ojs"
    # Terminal jobs (completed, cancelled, discarded outside the DLQ) are purged after this.
    retention_ms: int = 7 * 24 * 3600 * 1000
    # Dead-letter jobs: kept this long, at most this many per queue (ojs-dead-letter §5.2).
    dead_retention_ms: int = 180 * 24 * 3600 * 1000
    dead_max_per_queue: int = 10_000
    # An encoded job envelope above this size is refused (1 MiB must be accepted).
    max_job_bytes: int = 1024 * 1024
    # Whole request (gRPC message / HTTP body) limit; batches need more than one job.
    max_request_bytes: int = 64 * 1024 * 1024
    # Most jobs one EnqueueBatch / POST /ojs/v1/jobs/batch may carry (at least 1000 must work).
    max_batch_size: int = 1000
    # A heartbeat's requested extension (gRPC extend_by, HTTP visibility_timeout_ms) is capped
    # at this; a beat that names none extends by the job's own visibility timeout.
    max_heartbeat_extend_ms: int = 3600 * 1000
    # Operator rate limits: queue -> most job starts per sliding second (semantics §10.6).
    queue_rate_limits: dict[str, int] = field(default_factory=dict)
    # Maintenance loops never sleep longer than this, so a missed wake-up costs little.
    max_idle_ms: int = 250
    # Conformance-only behaviour: the reset route and the test hooks of the HTTP cases.
    enable_reset: bool = False
    conformance_hooks: bool = False
    shutdown_grace_s: float = 10.0
    max_events: int = 10_000
