"""The embedded default store: the Redis store's own scripts on an in-process Redis.

It needs no external service and has exactly the Redis store's semantics,
because it *is* the Redis store, running on fakeredis (with its Lua engine).
It keeps nothing across a restart: every job lives in this process's memory.
"""

from __future__ import annotations

import fakeredis

from .keys import Keys
from .redis_store import RedisStore

PERSISTENCE_NOTE = "embedded store: in memory only, nothing is kept across a restart"


def embedded_store(keys: Keys | None = None) -> RedisStore:
    """A fresh, empty in-process store."""
    client = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=True)
    return RedisStore(client, keys or Keys(), backend="embedded")
