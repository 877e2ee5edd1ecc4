"""Cron entries in Redis: a definition hash, a state hash and a due set (``{cron}``).

The definition (expression, zone, policy, job template) is JSON only Python reads;
the state document holds the scalars the ``cron_*`` scripts compare and set
(next run, revision, counts, the decision recorded for a tick in flight). The due
set orders enabled entries by next run so the scheduler reads only what is due.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .records import dumps
from .redis_store import RedisStore
from .scripts import Scripts


@dataclass
class CronRecord:
    """One stored entry: its definition and its state, both as decoded JSON."""

    name: str
    definition: dict[str, Any]
    state: dict[str, Any]

    def _int(self, key: str) -> int | None:
        value = self.state.get(key)
        return None if value is None else int(value)

    @property
    def next_run_at(self) -> int | None:
        return self._int("next_run_at")

    @property
    def last_run_at(self) -> int | None:
        return self._int("last_run_at")

    @property
    def created_at(self) -> int:
        return self._int("created_at") or 0

    @property
    def anchor(self) -> int | None:
        return self._int("anchor")

    @property
    def rev(self) -> int:
        return self._int("rev") or 0

    @property
    def run_count(self) -> int:
        return self._int("run_count") or 0

    @property
    def last_job_id(self) -> str | None:
        value = self.state.get("last_job_id")
        return str(value) if value else None

    @property
    def pending(self) -> tuple[int, str, str] | None:
        """(tick, decision, job id) recorded for a tick not yet advanced past."""
        tick = self._int("pending_tick")
        if tick is None:
            return None
        return (
            tick,
            str(self.state.get("pending_decision", "")),
            str(self.state.get("pending_job", "")),
        )


class CronStore:
    """Cron storage on the job store's Redis client (real Redis or the embedded one)."""

    def __init__(self, store: RedisStore) -> None:
        self.client = store.client
        self.keys = store.keys
        self._scripts = Scripts(store.client)

    async def _run(self, name: str, args: list[Any]) -> Any:
        return await self._scripts.run(name, self.keys.cron_keys(), args)

    @staticmethod
    def _record(name: str, definition: str | None, state: str | None) -> CronRecord | None:
        if definition is None:
            return None
        return CronRecord(name, json.loads(definition), json.loads(state) if state else {})

    async def register(
        self,
        name: str,
        definition: dict[str, Any],
        now: int,
        next_run_at: int | None,
        schedule_key: str,
        *,
        enabled: bool,
    ) -> tuple[CronRecord, bool]:
        """Upsert; returns the stored record and whether the name was new."""
        status, state = await self._run(
            "cron_register",
            [
                name,
                dumps(definition),
                now,
                "" if next_run_at is None else next_run_at,
                schedule_key,
                "1" if enabled else "0",
            ],
        )
        return CronRecord(name, definition, json.loads(state)), status == "created"

    async def unregister(self, name: str) -> CronRecord | None:
        reply = await self._run("cron_unregister", [name])
        if reply[0] != "ok":
            return None
        return self._record(name, reply[1], reply[2])

    async def get(self, name: str) -> CronRecord | None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hget(self.keys.cron_defs, name)
            pipe.hget(self.keys.cron_state, name)
            definition, state = await pipe.execute()
        return self._record(name, definition, state)

    async def all(self) -> list[CronRecord]:
        """Every entry, by name."""
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.keys.cron_defs)
            pipe.hgetall(self.keys.cron_state)
            definitions, states = await pipe.execute()
        records = (self._record(n, d, states.get(n)) for n, d in sorted(definitions.items()))
        return [r for r in records if r is not None]

    async def due(self, now: int, limit: int) -> list[str]:
        names: list[str] = await self.client.zrangebyscore(
            self.keys.cron_due, "-inf", now, start=0, num=limit
        )
        return names

    async def earliest(self) -> int | None:
        """The earliest next run of any enabled entry."""
        first = await self.client.zrange(self.keys.cron_due, 0, 0, withscores=True)
        return int(first[0][1]) if first else None

    async def forget_due(self, name: str) -> None:
        """Drop a due-set member whose entry is gone (never left by the scripts)."""
        await self.client.zrem(self.keys.cron_due, name)

    async def claim(
        self, name: str, tick: int, rev: int, decision: str, job_id: str
    ) -> tuple[str, str] | None:
        """Record the decision for ``tick``; returns the recorded (decision, job id), or
        None when the entry moved on, changed or went away."""
        reply = await self._run("cron_claim", [name, tick, rev, decision, job_id])
        if reply[0] != "ok":
            return None
        return str(reply[1]), str(reply[2])

    async def advance(
        self,
        name: str,
        tick: int,
        rev: int,
        next_run_at: int | None,
        *,
        fired: bool,
        job_id: str,
    ) -> dict[str, Any] | None:
        """Move past ``tick`` if the entry still waits for it; returns the new state or
        None when another replica (or a re-registration) got there first."""
        reply = await self._run(
            "cron_advance",
            [
                name,
                tick,
                rev,
                "" if next_run_at is None else next_run_at,
                "1" if fired else "0",
                job_id,
            ],
        )
        if reply[0] != "ok":
            return None
        state: dict[str, Any] = json.loads(reply[1])
        return state
