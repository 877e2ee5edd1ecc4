"""Loads the store's Lua scripts, each prefixed with the shared prelude."""

from __future__ import annotations

from importlib import resources
from typing import Any

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
        self._scripts = {name: client.register_script(script_source(name)) for name in SCRIPT_NAMES}

    async def run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[name](keys=keys, args=args)
