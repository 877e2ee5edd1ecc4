"""Loads the store's Lua scripts, each prefixed with the shared prelude."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

from redis.exceptions import NoScriptError

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

    async def run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[name](keys=keys, args=args)

    async def run_many(self, calls: Sequence[tuple[str, list[str], list[Any]]]) -> list[Any]:
        """Run several scripts in one pipeline (one round trip), replies in call order.

        Each script stays atomic on its own; the batch is not a transaction. EVALSHA goes
        out directly (redis-py's pipeline script support would add a SCRIPT EXISTS round
        trip per batch); a call the server answers NOSCRIPT did not run and is run again
        through :meth:`run`, which loads the script. Script errors are raised."""
        async with self._client.pipeline(transaction=False) as pipe:
            for name, keys, args in calls:
                pipe.evalsha(self._scripts[name].sha, len(keys), *keys, *args)
            replies: list[Any] = await pipe.execute(raise_on_error=False)
        for i, reply in enumerate(replies):
            if isinstance(reply, NoScriptError):
                name, keys, args = calls[i]
                replies[i] = await self.run(name, keys, args)
            elif isinstance(reply, Exception):
                raise reply
        return replies
