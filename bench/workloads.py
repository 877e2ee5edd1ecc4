"""The three workloads, for any system: enqueue throughput, end-to-end drain, start latency.

A :class:`Session` is one system on the shared Redis: its gateways (ojs-grpc only), its
producer agent (bench/agent.py) and its worker processes. Each measurement snapshots the CPU
of every process tree of the run (redis-server, gateways, workers, producer) around the
measured window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

from .common import (
    CONCURRENCY_ENV,
    PROCESSES_ENV,
    QUEUE,
    RECORD_ENV,
    REDIS_ENV,
    TARGETS_ENV,
    Agent,
    CpuMeter,
    GatewayProcess,
    ProcessGroup,
    RecordLog,
    RedisServer,
    Spread,
    percentile,
    start_gateway,
)

WARMUP_JOBS = 20


@dataclass
class SystemSpec:
    """How to run one system: producer module, interpreter, worker commands, settings."""

    name: str
    module: str
    python: str
    settings: str
    worker_commands: list[list[str]]
    gateways: int = 0
    processes: int = 2
    concurrency: int = 0
    env: dict[str, str] = field(default_factory=dict)
    # Most jobs an end-to-end run may take (0: no cap), for systems too slow for --jobs.
    max_drain_jobs: int = 0


@dataclass
class Sample:
    """One run: jobs, seconds, CPU seconds per process kind, start latencies (seconds)."""

    jobs: int
    seconds: float
    cpu: dict[str, float]
    latencies: list[float] = field(default_factory=list)
    redis_commands: int = 0

    @property
    def rate(self) -> float:
        return self.jobs / self.seconds

    @property
    def cpu_per_1k(self) -> float:
        return sum(self.cpu.values()) / self.jobs * 1000


def commands_spread(samples: list[Sample]) -> Spread:
    """Redis commands per job (INFO total_commands_processed: also those run inside scripts)."""
    return Spread.of([s.redis_commands / s.jobs for s in samples])


def rate_spread(samples: list[Sample]) -> Spread:
    return Spread.of([s.rate for s in samples])


def cpu_spread(samples: list[Sample], kind: str | None = None) -> Spread:
    """CPU seconds per 1,000 jobs, all processes or one kind."""
    if kind is None:
        return Spread.of([s.cpu_per_1k for s in samples])
    return Spread.of([s.cpu.get(kind, 0.0) / s.jobs * 1000 for s in samples])


def latency_spread(samples: list[Sample], q: float) -> Spread:
    """The q-th percentile of each run, in milliseconds."""
    return Spread.of([percentile(s.latencies, q) * 1000 for s in samples])


class Session:
    """One system on the shared Redis; use as a context manager."""

    def __init__(self, spec: SystemSpec, redis_server: RedisServer, work: Path) -> None:
        self.spec = spec
        self.redis = redis_server
        self.work = work / spec.name.replace(" ", "_").replace("/", "_")
        self.work.mkdir(parents=True, exist_ok=True)
        self.meter = CpuMeter()
        self.gateways: list[GatewayProcess] = []
        self.workers: list[ProcessGroup] = []
        self.agent: Agent | None = None
        self.records = RecordLog(self.work / "records.txt")
        self.env = {
            REDIS_ENV: redis_server.url,
            RECORD_ENV: str(self.records.path),
            PROCESSES_ENV: str(spec.processes),
            CONCURRENCY_ENV: str(spec.concurrency),
            **spec.env,
        }
        self._redis = redis.Redis.from_url(redis_server.url)

    def __enter__(self) -> Session:
        if self.redis.proc is not None:
            self.meter.add("redis", self.redis.proc.pid)
        self._redis.flushall()
        for _ in range(self.spec.gateways):
            gw = start_gateway(redis_url=self.redis.url)
            self.gateways.append(gw)
            self.meter.add("gateway", gw.proc.pid)
        if self.gateways:
            self.env[TARGETS_ENV] = ",".join(g.grpc_target for g in self.gateways)
        self.agent = Agent(self.spec.python, self.spec.module, self.env, self.work / "agent.log")
        self.meter.add("producer", self.agent.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_workers()
        if self.agent is not None:
            self.agent.close()
        for gw in self.gateways:
            gw.terminate()
        self._redis.flushall()
        self._redis.close()

    @property
    def modes(self) -> list[str]:
        assert self.agent is not None
        modes: list[str] = self.agent.info["modes"]
        return modes

    @property
    def bulk_api(self) -> str:
        assert self.agent is not None
        return str(self.agent.info["bulk_api"])

    def _enqueue(self, mode: str, count: int, rate: float = 0) -> float:
        assert self.agent is not None
        return float(self.agent.call("enqueue", mode=mode, count=count, rate=rate)["seconds"])

    def _window(self) -> dict[str, float]:
        """CPU seconds per process kind, and Redis's command count under ``"commands"``."""
        info = self._redis.info("stats")
        return {**self.meter.snapshot(), "commands": float(info["total_commands_processed"])}

    @staticmethod
    def _sample(
        jobs: int, seconds: float, before: dict[str, float], after: dict[str, float]
    ) -> Sample:
        delta = CpuMeter.delta(before, after)
        commands = int(delta.pop("commands"))
        return Sample(jobs, seconds, delta, redis_commands=commands)

    # -- workload 1: enqueue throughput (no workers running)

    def enqueue(self, mode: str, count: int) -> Sample:
        self._redis.flushall()
        before = self._window()
        seconds = self._enqueue(mode, count)
        sample = self._sample(count, seconds, before, self._window())
        self._redis.flushall()
        return sample

    # -- workers

    def start_workers(self) -> None:
        """Start the worker processes and wait until they run jobs."""
        for i, cmd in enumerate(self.spec.worker_commands):
            group = ProcessGroup(cmd, self.env, self.work / f"worker{i}.log")
            self.workers.append(group)
            self.meter.add("workers", group.pid)
        # Probe one job at a time until one runs: a consumer group created at start-up
        # (taskiq's streams) never sees what was enqueued before it existed.
        deadline = time.monotonic() + 90
        while not self.records.read_new():
            if time.monotonic() > deadline:
                logs = "\n".join(w.tail() for w in self.workers)
                raise RuntimeError(f"workers of {self.spec.name} did not start:\n{logs}")
            self._enqueue("seq", 1)
            time.sleep(0.5)
        self._enqueue("seq", WARMUP_JOBS)
        self.records.wait(WARMUP_JOBS, 60)
        time.sleep(1.0)  # start-up work (imports, registration) settles before any window
        self.records.read_new()  # late probes are not part of any measurement

    def stop_workers(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers.clear()

    # -- workload 2: end-to-end drain of pre-enqueued jobs

    def drain(
        self, count: int, timeout: float, on_resume: Callable[[], None] | None = None
    ) -> Sample:
        """Pause the workers, enqueue ``count`` jobs the fastest way, resume and time the
        drain from the resume to the start of the last job (``on_resume`` runs just before
        the resume: a profiler sees the drain only)."""
        for w in self.workers:
            w.pause()
        mode = next(m for m in ("bulk", "concurrent", "seq") if m in self.modes)
        self._enqueue(mode, count)
        if on_resume is not None:
            on_resume()
        time.sleep(0.2)
        before = self._window()
        start = time.time()
        for w in self.workers:
            w.resume()
        done = self.records.wait(count, timeout)
        return self._sample(count, max(t for t, _ in done) - start, before, self._window())

    # -- workload 3: enqueue-to-start latency at a steady rate to idle workers

    def latency(self, count: int, rate: float, timeout: float) -> Sample:
        before = self._window()
        seconds = self._enqueue("rate", count, rate)
        done = self.records.wait(count, timeout)
        sample = self._sample(count, seconds, before, self._window())
        sample.latencies = [started - enq for started, enq in done]
        return sample


# -- the two forms of ojs-grpc (peers, runtime and delivery benchmarks)


def cmd(first: str | Path, rest: str) -> list[str]:
    """A worker command: an executable and its space-separated arguments."""
    return [str(first), *rest.split()]


def ojs_runtime_spec(
    python: str, processes: int = 2, concurrency: int = 32, name: str = "", transport: str = ""
) -> SystemSpec:
    """One gateway, the ``Client`` producer and an ``ojs-worker-runtime`` fleet; ``transport``
    is the Worker's (session, stream, fetch), empty for its default."""
    return SystemSpec(
        name or "ojs-grpc (Client + worker runtime)",
        "bench.systems.ojs_runtime",
        python,
        f"1 gateway; ojs-worker-runtime {processes} process(es), concurrency {concurrency}, "
        f"transport {transport or 'default (auto: the worker session when announced)'}",
        [
            cmd(
                python,
                "-m worker_runtime bench.systems.ojs_runtime:worker --log-level WARNING "
                f"--processes {processes} --concurrency {concurrency} --queues {QUEUE}",
            )
        ],
        gateways=1,
        processes=processes,
        concurrency=concurrency,
        env={"BENCH_TRANSPORT": transport} if transport else {},
    )


def ojs_raw_spec(
    python: str,
    mode: str = "stream",
    gateways: int = 1,
    consumers: int = 2,
    concurrency: int = 32,
    name: str = "",
) -> SystemSpec:
    """Gateway(s), the bare-stub producer and ``consumers`` processes of one delivery mode."""
    return SystemSpec(
        name or "ojs-grpc (raw ojs.v1 stubs)",
        "bench.systems.ojs_raw",
        python,
        f"{gateways} gateway(s); {consumers} consumer processes, {mode}, window {concurrency}",
        [cmd(python, f"-m bench.systems.ojs_raw {mode} {i}") for i in range(consumers)],
        gateways=gateways,
        processes=consumers,
        concurrency=concurrency,
    )


__all__ = ["QUEUE", "Sample", "Session", "SystemSpec", "cmd", "ojs_raw_spec", "ojs_runtime_spec"]
