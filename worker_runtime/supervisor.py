"""The multiprocess supervisor behind ``ojs-worker-runtime``.

N children from the *spawn* context (no inherited gRPC state; each child imports the worker
module, creates its own channel and runs ``asyncio.Runner(loop_factory=uvloop.new_event_loop)``).
Children report ``ready`` once their job consumer is live. A child that dies is restarted
with exponential backoff, unless it never became ready: then the whole fleet stops with an
error (a bad URL, import error or missing handler would only crash-loop). Signal handlers
only set flags: SIGTERM or a first SIGINT -> SIGTERM to every child (drain within the grace
period, then nack the rest with ``shutdown``); a second SIGINT/SIGTERM -> SIGINT to every
child (hand back in-flight jobs now), SIGKILL if they still do not exit.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from .worker import Worker

log = logging.getLogger("worker_runtime.supervisor")


@dataclass
class Options:
    target: str
    processes: int = 1
    concurrency: int | None = None
    queues: list[str] | None = None
    grace: float = 30.0
    url: str | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    ready_timeout: float = 30.0
    restart_backoff: float = 0.5
    max_restart_backoff: float = 30.0
    sys_path: list[str] = field(default_factory=list)


# -- logging ------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out)


def setup_logging(fmt: str, level: str, tag: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s %(levelname)s {tag} %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


# -- the child ----------------------------------------------------------------------------


def load_worker(target: str) -> Worker:
    """``package.module:attr`` -> the Worker (``attr`` may also be a factory returning one)."""
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise ValueError(f"{target!r}: expected 'module:attribute', e.g. 'myapp.tasks:worker'")
    obj: Any = getattr(importlib.import_module(module_name), attr)
    if not isinstance(obj, Worker) and callable(obj):
        obj = obj()
    if not isinstance(obj, Worker):
        raise TypeError(f"{target!r} is a {type(obj).__name__}, not a worker_runtime.Worker")
    return obj


def child_main(opts: Options, index: int, events: Any) -> None:
    """Entry point of one child process (spawned: nothing inherited but these arguments)."""
    os.setpgid(0, 0)  # a terminal Ctrl-C reaches the supervisor only; it decides
    for p in reversed(opts.sys_path):
        if p not in sys.path:
            sys.path.insert(0, p)
    setup_logging(opts.log_format, opts.log_level, f"[worker {index}]")
    import uvloop

    worker = load_worker(opts.target)
    if opts.url:
        worker.url = opts.url
    if opts.concurrency:
        worker.concurrency = opts.concurrency
    if opts.queues:
        worker.queues = list(opts.queues)
    worker.grace = opts.grace

    async def run() -> None:
        loop = asyncio.get_running_loop()
        stops: set[asyncio.Task[None]] = set()

        def stop(grace: float) -> None:
            task = asyncio.ensure_future(worker.stop(grace))
            stops.add(task)
            task.add_done_callback(stops.discard)

        loop.add_signal_handler(signal.SIGTERM, stop, opts.grace)
        loop.add_signal_handler(signal.SIGINT, stop, 0.0)
        started = asyncio.ensure_future(worker.start())
        ready = asyncio.ensure_future(worker.wait_ready())
        await asyncio.wait([started, ready], return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            events.put(("ready", index, os.getpid()))
        else:
            ready.cancel()
        await started

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run())


# -- the supervisor -----------------------------------------------------------------------


@dataclass
class _Slot:
    index: int
    proc: BaseProcess | None = None
    started_at: float = 0.0
    ready: bool = False
    ever_ready: bool = False
    restarts: int = 0
    restart_at: float | None = None


class FleetError(RuntimeError):
    """The fleet could not run (a child never became ready)."""


class Supervisor:
    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.ctx = mp.get_context("spawn")
        self.events: Any = self.ctx.Queue()
        self.slots = [_Slot(i) for i in range(opts.processes)]
        self.signals: list[int] = []
        self.failure: str | None = None

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.signals.append(signum)

    def _spawn(self, slot: _Slot) -> None:
        proc = self.ctx.Process(
            target=child_main,
            args=(self.opts, slot.index, self.events),
            name=f"ojs-worker-{slot.index}",
        )
        proc.start()
        slot.proc, slot.started_at, slot.ready, slot.restart_at = (
            proc,
            time.monotonic(),
            False,
            None,
        )
        log.info("worker %d started (pid %s)", slot.index, proc.pid)

    def _alive(self) -> list[_Slot]:
        return [s for s in self.slots if s.proc is not None and s.proc.exitcode is None]

    def _drain_events(self) -> None:
        while True:
            try:
                kind, index, pid = self.events.get_nowait()
            except queue.Empty:
                return
            slot = self.slots[index]
            if kind == "ready" and slot.proc is not None and slot.proc.pid == pid:
                slot.ready = slot.ever_ready = True
                log.info("worker %d ready (pid %d)", index, pid)

    def _signal_all(self, sig: int) -> None:
        for s in self._alive():
            if s.proc is not None and s.proc.pid is not None:
                try:
                    os.kill(s.proc.pid, sig)
                except ProcessLookupError:
                    pass

    def run(self) -> int:
        """Run the fleet until signalled (exit 0) or it cannot run (FleetError -> exit 1)."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            for slot in self.slots:
                self._spawn(slot)
            self._watch()
            self._shutdown()  # still under our handlers: a second signal forces
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.failure:
            log.error("%s", self.failure)
            return 1
        return 0

    def _watch(self) -> None:
        while not self.signals:
            time.sleep(0.05)
            self._drain_events()
            now = time.monotonic()
            for slot in self.slots:
                proc = slot.proc
                if slot.restart_at is not None:
                    if now >= slot.restart_at:
                        self._spawn(slot)
                    continue
                assert proc is not None
                if proc.exitcode is None:
                    if not slot.ready and now - slot.started_at > self.opts.ready_timeout:
                        self.failure = (
                            f"worker {slot.index} (pid {proc.pid}) never became ready within "
                            f"{self.opts.ready_timeout:g}s; stopping the fleet"
                        )
                        return
                    continue
                self._drain_events()
                if not slot.ready:
                    self.failure = (
                        f"worker {slot.index} exited with code {proc.exitcode} before it "
                        "became ready (bad --url, import error or unreachable server? see its "
                        "log above); stopping the fleet"
                    )
                    return
                if now - slot.started_at > 60:
                    slot.restarts = 0  # it had been running fine: restart quickly
                delay = min(
                    self.opts.restart_backoff * 2**slot.restarts, self.opts.max_restart_backoff
                )
                slot.restarts += 1
                slot.restart_at = now + delay
                slot.ready = False
                log.warning(
                    "worker %d (pid %s) exited with code %s; restarting in %.1fs",
                    slot.index,
                    proc.pid,
                    proc.exitcode,
                    delay,
                )

    def _shutdown(self) -> None:
        forced = len(self.signals) > 1 or self.failure is not None
        self._signal_all(signal.SIGINT if forced else signal.SIGTERM)
        log.info("stopping %d worker(s)%s", len(self._alive()), " now" if forced else " gracefully")
        deadline = time.monotonic() + (0 if forced else self.opts.grace) + 10
        seen = len(self.signals)
        while self._alive() and time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.signals) > seen and not forced:  # second signal: force
                forced = True
                seen = len(self.signals)
                log.warning("second signal: handing back in-flight jobs now")
                self._signal_all(signal.SIGINT)
                deadline = min(deadline, time.monotonic() + 10)
        for s in self._alive():
            log.error("worker %d did not exit; killing it", s.index)
            self._signal_all(signal.SIGKILL)
        for s in self.slots:
            if s.proc is not None:
                s.proc.join(5)
        log.info("all workers stopped")
