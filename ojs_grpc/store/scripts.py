"""The store's Lua scripts, each prefixed with the shared prelude, and the batches of
commands (script calls, event appends) this module packs and sends itself."""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Awaitable, Callable, Sequence
from importlib import resources
from typing import Any

from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Packed command heads kept at most (one per script and queue in use).
_MAX_HEADS = 4096
_LUA = resources.files("ojs_grpc.store").joinpath("lua")
# Every lua/<name>.lua except the prelude is a script, registered under <name>.
SCRIPT_NAMES = tuple(
    sorted(
        p.name.removesuffix(".lua")
        for p in _LUA.iterdir()
        if p.name.endswith(".lua") and not p.name.startswith("_")
    )
)


def script_source(name: str) -> str:
    """The full source of one script: prelude + body."""
    prelude = _LUA.joinpath("_prelude.lua").read_text(encoding="utf-8")
    body = _LUA.joinpath(f"{name}.lua").read_text(encoding="utf-8")
    return f"{prelude}\n{body}"


class Scripts:
    """Every store script registered on one Redis client (EVALSHA, reloaded on NOSCRIPT)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._scripts = {name: client.register_script(script_source(name)) for name in SCRIPT_NAMES}
        # (script name, *keys) -> (argument count, packed EVALSHA sha numkeys keys...).
        self._heads: dict[tuple[str, ...], tuple[int, bytes]] = {}

    async def run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[name](keys=keys, args=args)

    def packed(self, name: str, keys: list[str], args: list[Any]) -> bytes:
        """One EVALSHA of script ``name``, packed, for a caller that sends it with other
        commands (:func:`send_packed`); on a NOSCRIPT reply the caller runs the call again
        through :meth:`run`, which loads the script."""
        return self._packed(name, keys, args)

    async def run_many(self, calls: Sequence[tuple[str, list[str], list[Any]]]) -> list[Any]:
        """Run several scripts in one pipeline (one round trip), replies in call order.

        Each script stays atomic on its own; the batch is not a transaction. The EVALSHA
        commands are packed here, each script's name-and-keys part once per key list
        (redis-py packs every argument of every command again, and a script call carries
        the queue's 18 keys): this runs for every ack of every job. A call the server
        answers NOSCRIPT did not run and is run again through :meth:`run`, which loads
        the script. Script errors are raised."""
        payload = b"".join(self._packed(name, keys, args) for name, keys, args in calls)
        replies = await send_packed(self._client, payload, len(calls))
        for i, reply in enumerate(replies):
            if isinstance(reply, NoScriptError):
                name, keys, args = calls[i]
                replies[i] = await self.run(name, keys, args)
            elif isinstance(reply, Exception):
                raise reply
        return replies

    def _packed(self, name: str, keys: list[str], args: list[Any]) -> bytes:
        """One EVALSHA in the Redis protocol."""
        cache_key = (name, *keys)
        head = self._heads.get(cache_key)
        if head is None:
            if len(self._heads) >= _MAX_HEADS:
                self._heads.clear()
            parts = [b"EVALSHA", self._scripts[name].sha, len(keys), *keys]
            head = self._heads[cache_key] = (len(parts), b"".join(map(_bulk, parts)))
        count, packed = head
        return b"*%d\r\n%b%b" % (count + len(args), packed, b"".join(map(_bulk, args)))


def _bulk(value: Any) -> bytes:
    """One argument as a RESP bulk string (str as UTF-8, numbers in decimal)."""
    data = value if isinstance(value, bytes) else str(value).encode()
    return b"$%d\r\n%b\r\n" % (len(data), data)


@functools.lru_cache(maxsize=64)
def _entry_head(name: str, maxlen: int, field: str) -> bytes:
    """``XADD name MAXLEN ~ maxlen * field`` packed once (the same for every event), with
    the count of the whole command, its value still to come."""
    parts = ("XADD", name, "MAXLEN", "~", maxlen, "*", field)
    return b"*%d\r\n%b" % (len(parts) + 1, b"".join(map(_bulk, parts)))


def pack(*args: Any) -> bytes:
    """One command in the Redis protocol."""
    return b"*%d\r\n%b" % (len(args), b"".join(map(_bulk, args)))


def pack_sets(keys: Sequence[str], value: str) -> list[bytes]:
    """``SET key value`` for each of ``keys`` (a batch's job-id index entries)."""
    tail = _bulk(value)
    return [b"*3\r\n$3\r\nSET\r\n%b%b" % (_bulk(key), tail) for key in keys]


async def send_packed(
    client: Any,
    payload: bytes,
    count: int,
    *,
    more: Callable[[], Awaitable[Sequence[bytes]]] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[Any]:
    """Send ``count`` packed commands in one write and read their replies, error replies
    as exception objects (like a redis-py pipeline, without its packing). Once the write
    is out, while Redis runs the commands: ``more`` makes further packed commands, written
    at once on the same connection (their replies follow), then ``meanwhile`` is called
    (work the caller can do before the replies are read)."""
    pool = client.connection_pool
    conn = await pool.get_connection()
    replies: list[Any] = []
    try:
        await conn.send_packed_command(payload)
        if more is not None:
            extra = await more()
            if extra:
                await conn.send_packed_command(b"".join(extra))
                count += len(extra)
        if meanwhile is not None:
            meanwhile()
        # One deadline for all the replies: redis-py would arm a timer for each.
        async with asyncio.timeout(conn.socket_timeout):
            for _ in range(count):
                try:
                    replies.append(await conn.read_response(timeout=math.inf))
                except ResponseError as err:  # an error reply: the others still follow
                    replies.append(err)
    except BaseException as exc:
        # Replies may be left unread on the socket: never hand it back as it is.
        await conn.disconnect()
        if isinstance(exc, TimeoutError):
            raise RedisTimeoutError("timed out reading replies from Redis") from exc
        raise
    finally:
        await pool.release(conn)
    return replies


class CommandBatch:
    """Writes buffered and sent in one round trip on :meth:`execute`, packed by
    :func:`pack`: the events and worker job sets that follow every batch of
    transitions. Offers the few pipeline methods those writers call."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._commands: list[bytes] = []

    def xadd_entry(self, name: str, field: str, value: bytes, maxlen: int) -> None:
        """Buffer ``XADD name MAXLEN ~ maxlen * field value`` (one event entry)."""
        head = _entry_head(name, maxlen, field)
        self._commands.append(b"%b$%d\r\n%b\r\n" % (head, len(value), value))

    def sadd(self, key: str, *members: str) -> None:
        self._commands.append(pack("SADD", key, *members))

    def srem(self, key: str, *members: str) -> None:
        self._commands.append(pack("SREM", key, *members))

    def expire(self, key: str, seconds: int) -> None:
        self._commands.append(pack("EXPIRE", key, seconds))

    def take(self) -> list[bytes]:
        """The buffered commands, packed, leaving the batch empty: for a caller that sends
        them in a write of its own (the enqueue event after the insert)."""
        commands, self._commands = self._commands, []
        return commands

    async def execute(self) -> list[Any]:
        """Send what was buffered; raises the first error reply."""
        commands = self.take()
        if not commands:
            return []
        replies = await send_packed(self._client, b"".join(commands), len(commands))
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        return replies
