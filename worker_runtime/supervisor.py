"""The multiprocess supervisor behind ``ojs-worker-runtime``.

N children from the *spawn* context (no inherited gRPC state; each child imports the worker
module, creates its own channel and runs ``asyncio.Runner(loop_factory=uvloop.new_event_loop)``).
Children report ``ready`` once their job consumer is live. A child that dies is restarted
with exponential backoff, unless it never became ready: then the whole fleet stops with an
error (a bad URL, import error or missing handler would only crash-loop). Signal handlers
only set flags: SIGTERM or a first SIGINT -> SIGTERM to every child (drain within the grace
period, then nack the rest with ``shutdown``); a second SIGINT/SIGTERM -> SIGINT to every
child (hand back in-flight jobs now), SIGKILL if they still do not exit. SIGTSTP -> quiet:
every child stops taking new work and finishes what it holds; the fleet stays up (and
restarts nothing) until SIGTERM.

Recycling: a child that finished ``max_jobs_per_child`` jobs, or whose resident memory passed
``max_memory_per_child`` MiB after a job, stops taking work and drains within the grace
period; the supervisor starts its replacement at once, beside it (no backoff, not a crash).
Each child logs a summary of its counts every ``stats_interval`` seconds when they changed.
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

from ojs_grpc.gc_policy import tune_for_server

from .context import JobContext
from .worker import SHUTDOWN, Next, Worker

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
    max_jobs_per_child: int = 0
    """Recycle a child after this many finished (completed or failed) jobs; 0: never."""
    max_memory_per_child: int = 0
    """Recycle a child whose resident memory exceeds this many MiB after a job; 0: never."""
    stats_interval: float = 10.0
    """Seconds between a child's count summaries (logged only when they changed); 0: none."""
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
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            out.update(extra)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out)


def log_fields(**values: Any) -> dict[str, Any]:
    """``log.info(..., extra=log_fields(jobs_done=3))``: machine-readable fields of a record,
    top-level keys in ``--log-format json`` (the text format shows only the message)."""
    return {"fields": values}


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


def resident_mib() -> float:
    """This process's resident memory now (Linux ``/proc``), else its peak (``getrusage``)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB; bytes on macOS
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class ChildStats:
    """One child's job counts, kept by an outermost middleware, and its recycling decision.

    A job counts as finished when its handler (through the worker's middleware) returned
    (``done``), or raised, timed out or was cancelled by the server (``failed``); a job
    interrupted by this worker's shutdown is handed back, not counted.
    """

    def __init__(self, worker: Worker, opts: Options, index: int, events: Any) -> None:
        self.worker = worker
        self.opts = opts
        self.index = index
        self.events = events
        self.done = 0
        self.failed = 0
        self.active = 0
        self.recycling: str | None = None
        """Why this child recycles, once it does."""
        self._stopping: asyncio.Future[None] | None = None  # held: a bare task may be collected
        self._logged = (0, 0, 0)
        self._started_at = self._logged_at = time.monotonic()

    @property
    def finished(self) -> int:
        return self.done + self.failed

    async def middleware(self, ctx: JobContext, next: Next) -> Any:
        self.active += 1
        try:
            result = await next()
        except asyncio.CancelledError:
            self.active -= 1
            if ctx.cancel_reason != SHUTDOWN:  # timed out or cancelled: it is over
                self.failed += 1
                self._check_recycle()
            raise
        except Exception:
            self.active -= 1
            self.failed += 1
            await self._after_job()
            raise
        self.active -= 1
        self.done += 1
        await self._after_job()
        return result

    async def _after_job(self) -> None:
        if self._check_recycle():
            # Give stop() its turns to close the job stream before this job is acked: the
            # ack frees a credit, and a job pushed into a closing stream waits out its lease.
            for _ in range(3):
                await asyncio.sleep(0)

    def _check_recycle(self) -> bool:
        """Start recycling if a limit is reached; True if it started just now."""
        if self.recycling is not None:
            return False
        limit_jobs, limit_mib = self.opts.max_jobs_per_child, self.opts.max_memory_per_child
        if limit_jobs and self.finished >= limit_jobs:
            reason = f"max jobs: {self.finished} finished (limit {limit_jobs})"
        elif limit_mib and (rss := resident_mib()) > limit_mib:
            reason = f"max memory: {rss:.0f} MiB resident (limit {limit_mib} MiB)"
        else:
            return False
        self.recycling = reason
        log.info(
            "recycling (%s): taking no new work, finishing in-flight jobs",
            reason,
            extra=log_fields(event="recycle", reason=reason, jobs_finished=self.finished),
        )
        self.events.put(("recycle", self.index, os.getpid(), reason))
        self._stopping = asyncio.ensure_future(self.worker.stop(self.opts.grace))
        return True

    def log_summary(self, final: bool = False) -> None:
        """Log the counts if they changed since the last summary (always when ``final``)."""
        now = time.monotonic()
        counts = (self.done, self.failed, self.active)
        if counts == self._logged and not final:
            return
        # Periodic lines: the rate since the last line; the final one: over the child's life.
        since, base = (self._started_at, 0) if final else (self._logged_at, sum(self._logged[:2]))
        rate = (self.finished - base) / max(now - since, 1e-9)
        self._logged, self._logged_at = counts, now
        log.info(
            "%s%d done, %d failed, %d active, %.1f jobs/s",
            "final counts: " if final else "",
            self.done,
            self.failed,
            self.active,
            rate,
            extra=log_fields(
                event="stats",
                jobs_done=self.done,
                jobs_failed=self.failed,
                jobs_active=self.active,
                jobs_per_second=round(rate, 2),
                final=final,
            ),
        )

    async def report(self) -> None:
        """Log a summary every ``stats_interval`` seconds (forever: cancel it)."""
        while True:
            await asyncio.sleep(self.opts.stats_interval)
            self.log_summary()


def child_main(opts: Options, index: int, events: Any) -> None:
    """Entry point of one child process (spawned: nothing inherited but these arguments)."""
    os.setpgid(0, 0)  # a terminal Ctrl-C reaches the supervisor only; it decides
    # Until the event loop handles it, a SIGTSTP must not freeze (job-control stop) us.
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)
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
    stats = ChildStats(worker, opts, index, events)
    # Outermost, so it counts the outcome the worker acts on (ack or nack).
    worker.middlewares.insert(0, stats.middleware)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        stops: set[asyncio.Task[None]] = set()

        def stop(grace: float) -> None:
            task = asyncio.ensure_future(worker.stop(grace))
            stops.add(task)
            task.add_done_callback(stops.discard)

        def quiet() -> None:
            worker.quiet()
            log.info("quiet: taking no new work", extra=log_fields(event="quiet"))

        loop.add_signal_handler(signal.SIGTERM, stop, opts.grace)
        loop.add_signal_handler(signal.SIGINT, stop, 0.0)
        loop.add_signal_handler(signal.SIGTSTP, quiet)
        reporter = asyncio.ensure_future(stats.report()) if opts.stats_interval > 0 else None
        tune_for_server()
        started = asyncio.ensure_future(worker.start())
        ready = asyncio.ensure_future(worker.wait_ready())
        await asyncio.wait([started, ready], return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            events.put(("ready", index, os.getpid(), ""))
        else:
            ready.cancel()
        try:
            await started
        finally:
            if reporter is not None:
                reporter.cancel()
            stats.log_summary(final=True)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run())


# -- the supervisor -----------------------------------------------------------------------


@dataclass
class _Slot:
    index: int
    proc: BaseProcess | None = None
    started_at: float = 0.0
    ready: bool = False
    restarts: int = 0
    restart_at: float | None = None


@dataclass
class _Retiring:
    """A recycled child draining its in-flight jobs beside its replacement."""

    index: int
    proc: BaseProcess
    reason: str
    kill_at: float


class Supervisor:
    """The fleet of ``opts.processes`` children; :meth:`run` blocks until it is signalled."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.ctx = mp.get_context("spawn")
        self.events: Any = self.ctx.Queue()
        self.slots = [_Slot(i) for i in range(opts.processes)]
        self.retiring: list[_Retiring] = []
        self.signals: list[int] = []
        self.quiet_requested = False
        self.quiet = False
        self.failure: str | None = None

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.signals.append(signum)

    def _on_quiet(self, signum: int, frame: Any) -> None:
        self.quiet_requested = True

    def _spawn(self, slot: _Slot, why: str = "start") -> None:
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
        log.info(
            "worker %d started (pid %s, %s)",
            slot.index,
            proc.pid,
            why,
            extra=log_fields(event="spawn", worker=slot.index, worker_pid=proc.pid, cause=why),
        )

    def _alive(self) -> list[BaseProcess]:
        procs = [s.proc for s in self.slots if s.proc is not None] + [r.proc for r in self.retiring]
        return [p for p in procs if p.exitcode is None]

    def _drain_events(self) -> None:
        while True:
            try:
                kind, index, pid, detail = self.events.get_nowait()
            except queue.Empty:
                return
            slot = self.slots[index]
            if slot.proc is None or slot.proc.pid != pid:
                continue  # from a child this slot no longer runs
            if kind == "ready":
                slot.ready = True
                log.info(
                    "worker %d ready (pid %d)",
                    index,
                    pid,
                    extra=log_fields(event="ready", worker=index, worker_pid=pid),
                )
                if self.quiet:  # it started before SIGTSTP arrived
                    self._kill(slot.proc, signal.SIGTSTP)
            elif kind == "recycle":
                self._retire(slot, detail)

    def _retire(self, slot: _Slot, reason: str) -> None:
        """The child of ``slot`` is recycling: let it drain, start its replacement now."""
        assert slot.proc is not None
        # Only a hung child needs this: stop() takes the grace, then as long again at most
        # for cancelled handlers, then a few seconds to close.
        kill_at = time.monotonic() + 2 * self.opts.grace + 30
        self.retiring.append(_Retiring(slot.index, slot.proc, reason, kill_at))
        log.info(
            "worker %d (pid %s) recycling (%s)",
            slot.index,
            slot.proc.pid,
            reason,
            extra=log_fields(
                event="recycle", worker=slot.index, worker_pid=slot.proc.pid, reason=reason
            ),
        )
        if self.quiet:
            slot.proc = None  # quiet: no new work, so no replacement either
        else:
            self._spawn(slot, "replacement")

    def _reap_retired(self) -> None:
        now = time.monotonic()
        for r in list(self.retiring):
            code = r.proc.exitcode
            if code is None:
                if now >= r.kill_at:
                    log.error(
                        "recycled worker %d (pid %s) did not exit; killing it", r.index, r.proc.pid
                    )
                    self._kill(r.proc, signal.SIGKILL)
                    r.kill_at = now + 10
                continue
            self.retiring.remove(r)
            log.log(
                logging.INFO if code == 0 else logging.WARNING,
                "worker %d (pid %s) exited with code %s after recycling (%s)",
                r.index,
                r.proc.pid,
                code,
                r.reason,
                extra=log_fields(
                    event="exit", worker=r.index, worker_pid=r.proc.pid, code=code, recycled=True
                ),
            )

    @staticmethod
    def _kill(proc: BaseProcess, sig: int) -> None:
        if proc.pid is not None:
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass

    def _signal_all(self, sig: int) -> None:
        for proc in self._alive():
            self._kill(proc, sig)

    def _go_quiet(self) -> None:
        self.quiet = True
        ready = [s.proc for s in self.slots if s.ready and s.proc is not None]
        log.info(
            "SIGTSTP: quieting %d worker(s); they finish in-flight jobs and take no new work "
            "until SIGTERM",
            len(ready),
            extra=log_fields(event="quiet", workers=len(ready)),
        )
        # A child still starting gets it when it reports ready (see _drain_events).
        for proc in ready:
            self._kill(proc, signal.SIGTSTP)

    def run(self) -> int:
        """Run the fleet until signalled (exit 0) or it cannot run (exit 1, reason logged)."""
        handlers = {signal.SIGTERM: self._on_signal, signal.SIGINT: self._on_signal}
        handlers[signal.SIGTSTP] = self._on_quiet
        previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
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
            if self.quiet_requested and not self.quiet:
                self._go_quiet()
            self._reap_retired()
            now = time.monotonic()
            for slot in self.slots:
                proc = slot.proc
                if slot.restart_at is not None:
                    if now >= slot.restart_at:
                        self._spawn(slot, f"restart {slot.restarts}")
                    continue
                if proc is None:  # exited or recycled while quiet
                    continue
                if proc.exitcode is None:
                    if not slot.ready and now - slot.started_at > self.opts.ready_timeout:
                        self.failure = (
                            f"worker {slot.index} (pid {proc.pid}) never became ready within "
                            f"{self.opts.ready_timeout:g}s; stopping the fleet"
                        )
                        return
                    continue
                self._drain_events()
                if slot.proc is not proc:  # its last event was a recycle: already replaced
                    continue
                if not slot.ready:
                    self.failure = (
                        f"worker {slot.index} exited with code {proc.exitcode} before it "
                        "became ready (bad --url, import error or unreachable server? see its "
                        "log above); stopping the fleet"
                    )
                    return
                exited = log_fields(
                    event="exit", worker=slot.index, worker_pid=proc.pid, code=proc.exitcode
                )
                slot.ready = False
                if self.quiet:
                    slot.proc = None
                    log.warning(
                        "worker %d (pid %s) exited with code %s; quiet: not restarting it",
                        slot.index,
                        proc.pid,
                        proc.exitcode,
                        extra=exited,
                    )
                    continue
                if now - slot.started_at > 60:
                    slot.restarts = 0  # it had been running fine: restart quickly
                delay = min(
                    self.opts.restart_backoff * 2**slot.restarts, self.opts.max_restart_backoff
                )
                slot.restarts += 1
                slot.restart_at = now + delay
                log.warning(
                    "worker %d (pid %s) exited with code %s; restarting in %.1fs",
                    slot.index,
                    proc.pid,
                    proc.exitcode,
                    delay,
                    extra=exited,
                )

    def _shutdown(self) -> None:
        forced = len(self.signals) > 1 or self.failure is not None
        self._signal_all(signal.SIGINT if forced else signal.SIGTERM)
        log.info(
            "stopping %d worker(s)%s",
            len(self._alive()),
            " now" if forced else " gracefully",
            extra=log_fields(event="stopping", workers=len(self._alive()), forced=forced),
        )
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
        for proc in self._alive():
            log.error("worker pid %s did not exit; killing it", proc.pid)
            self._kill(proc, signal.SIGKILL)
        for proc in [s.proc for s in self.slots if s.proc is not None] + [
            r.proc for r in self.retiring
        ]:
            proc.join(5)
        log.info("all workers stopped", extra=log_fields(event="stopped"))
