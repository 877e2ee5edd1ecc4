"""Loads the store's Lua scripts, each prefixed with the shared prelude."""

from __future__ import annotations

from importlib import resources
from typing import Any

SCRIPT_NAMES = (
    "enqueue",
    "fetch",
    "ack",
    "fail",
    "reclaim",
    "cancel",
    "heartbeat",
    "tick",
    "dead_retry",
    "dead_delete",
    "purge",
)


def script_source(name: str) -> str:
    """The full source of one script: prelude + body."""
    lua = resources.files("ojs_grpc.store").joinpath("lua")
    prelude = lua.joinpath("_prelude.lua").read_text(encoding="utf-8")
    body = lua.joinpath(f"{name}.lua").read_text(encoding="utf-8")
    return f"{prelude}\n{body}"


class Scripts:
    """Every store script registered on one Redis client (EVALSHA, reloaded on NOSCRIPT)."""

    def __init__(self, client: Any) -> None:
        self._scripts = {name: client.register_script(script_source(name)) for name in SCRIPT_NAMES}

    async def run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[name](keys=keys, args=args)
