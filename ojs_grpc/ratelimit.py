"""Per-job rate limits (semantics §10.6; HTTP ``options.rate_limit``, no proto field).

The accepted shape is the one of openapi.yaml and L4-RL-001, ``{"max_per_second": n}``:
at most ``n`` jobs of the job's queue start in any sliding second. The limit is stored on
the job and enforced atomically by the fetch script: a limited job is skipped (it stays
``available``, keeping its place) and a later eligible job is taken instead. The window
counts the starts of rate-limited jobs of the queue (every start while the queue has an
operator limit, see :func:`ojs_grpc.store.level4.set_queue_rate_limit`).
"""

from __future__ import annotations

from typing import Any

from .errors import invalid


def parse_rate_limit(raw: Any, path: str = "options.rate_limit") -> int:
    """``max_per_second`` of a rate-limit object; a policy error (HTTP 422) otherwise."""
    if not isinstance(raw, dict):
        raise invalid(path, f"'{path}' must be a JSON object", policy=True)
    other = sorted(set(raw) - {"max_per_second"})
    if other:
        raise invalid(
            f"{path}.{other[0]}",
            f"'{path}' supports only 'max_per_second' (starts per second on the queue); "
            f"got {', '.join(other)}",
            policy=True,
        )
    value = raw.get("max_per_second")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise invalid(
            f"{path}.max_per_second",
            f"'{path}.max_per_second' must be a positive integer",
            policy=True,
        )
    return value
