"""A worker fleet beside the gateway: ``ojs-grpc serve --workers module:worker``.

The fleet is the ``ojs-worker-runtime`` supervisor in a child process, pointed at this
gateway's gRPC port. It runs in a session of its own so that a terminal's Ctrl-C reaches
only the gateway, which then asks the fleet to drain (one SIGTERM) before it stops itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

log = logging.getLogger("ojs_grpc.fleet")


class Fleet:
    def __init__(self, target: str, grpc_port: int, processes: int, grace: float) -> None:
        self.target = target
        self.grpc_port = grpc_port
        self.processes = processes
        self.grace = grace
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "worker_runtime",
            self.target,
            "--url",
            f"127.0.0.1:{self.grpc_port}",
            "--processes",
            str(self.processes),
            "--grace",
            str(self.grace),
            start_new_session=True,
        )
        log.info(
            "worker fleet %s: %d process(es), pid %d", self.target, self.processes, self._proc.pid
        )

    async def stop(self) -> None:
        """Let the fleet drain (its grace, plus a margin), then make sure it is gone."""
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), self.grace + 10)
        except TimeoutError:
            log.warning("worker fleet did not stop in time: killing it")
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        log.info("worker fleet stopped (exit %s)", proc.returncode)
