"""Shared benchmark plumbing: processes, CPU accounting, job records, statistics, tables.

Standard library only (plus ``redis`` in the harness), so the same module is imported by the
harness, by the producer agent and by every worker process of every system, whichever venv
runs it. Run the benchmarks from the repository root (``python -m bench.<name>``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# The throwaway redis-server and gateway processes of the test suite (stdlib only).
from tests.support.processes import (  # noqa: E402
    GatewayProcess,
    RedisServer,
    redis_server,
    start_gateway,
)

QUEUE = "bench"
"""The one queue every system uses."""

RECORD_ENV = "BENCH_RECORD_FILE"
REDIS_ENV = "BENCH_REDIS_URL"
TARGETS_ENV = "BENCH_OJS_TARGETS"
PROCESSES_ENV = "BENCH_PROCESSES"
CONCURRENCY_ENV = "BENCH_CONCURRENCY"
RESULTS = REPO / "bench" / "results"
_CLK_TCK = os.sysconf("SC_CLK_TCK")

__all__ = [
    "GatewayProcess",
    "RedisServer",
    "redis_server",
    "start_gateway",
]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def redis_url() -> str:
    return os.environ[REDIS_ENV]


def ojs_targets() -> list[str]:
    return os.environ[TARGETS_ENV].split(",")


# -- job records: written by handlers, read by the harness ---------------------------------

_record_fd: tuple[int, int] | None = None  # (pid, fd): a forked child must reopen


def record(enqueued_at: float) -> None:
    """Called by every no-op handler: append ``<now> <enqueued_at>`` to the run's record file.

    One ``O_APPEND`` write per job, so processes that fork per job (RQ) or exit abruptly lose
    nothing and lines from concurrent processes never interleave.
    """
    global _record_fd
    now = time.time()
    pid = os.getpid()
    if _record_fd is None or _record_fd[0] != pid:
        fd = os.open(os.environ[RECORD_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _record_fd = (pid, fd)
    os.write(_record_fd[1], f"{now:.6f} {enqueued_at:.6f}\n".encode())


class RecordLog:
    """The harness side of :func:`record`: new ``(started_at, enqueued_at)`` pairs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()
        self._offset = 0
        self._partial = b""

    def read_new(self) -> list[tuple[float, float]]:
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        out = []
        for line in lines:
            started, enqueued = line.split()
            out.append((float(started), float(enqueued)))
        return out

    def wait(self, count: int, timeout: float) -> list[tuple[float, float]]:
        """Collect ``count`` new records; raises TimeoutError (with the count) when late."""
        got: list[tuple[float, float]] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            got += self.read_new()
            if len(got) >= count:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(got)} of {count} jobs ran within {timeout:.0f}s")
            time.sleep(0.01)
        return got


# -- CPU accounting -------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, own ticks, ticks of reaped children), from /proc/<pid>/stat."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue  # exited meanwhile
        # Fields after the command name (which may contain spaces) closed by the last ')'.
        fields = raw[raw.rindex(b")") + 2 :].split()
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        table[int(entry)] = (int(fields[1]), utime + stime, cutime + cstime)
    return table


def _tree(table: Mapping[int, tuple[int, int, int]], roots: Sequence[int]) -> list[int]:
    """``roots`` and all their live descendants, parents first."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out = []
    queue = [p for p in roots if p in table]
    while queue:
        pid = queue.pop(0)
        out.append(pid)
        queue += children.get(pid, [])
    return out


@dataclass
class CpuMeter:
    """CPU seconds of labelled process trees (redis, gateway, workers, producer).

    A tree's figure is its live processes' user+system time plus what their reaped children
    used, so a child that exits (an RQ work horse) still counts once its parent waits for it.
    """

    groups: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, pid: int) -> None:
        self.groups.setdefault(label, []).append(pid)

    def snapshot(self) -> dict[str, float]:
        table = _proc_table()
        out = {}
        for label, roots in self.groups.items():
            ticks = sum(table[pid][1] + table[pid][2] for pid in _tree(table, roots))
            out[label] = ticks / _CLK_TCK
        return out

    @staticmethod
    def delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
        return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}


# -- processes ------------------------------------------------------------------------------


class ProcessGroup:
    """A command in its own session, so it can be paused, resumed and stopped as one group
    (Celery's prefork pool, Dramatiq's and taskiq's worker processes, RQ's work horses)."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], log: Path) -> None:
        self.args = list(args)
        self.log = log
        self._log_file = open(log, "ab")
        self.proc = subprocess.Popen(
            self.args,
            cwd=REPO,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def signal(self, sig: int, pids: Sequence[int] | None = None) -> None:
        """Signal the session's group and every descendant (or ``pids``), parents first:
        the worker runtime's children make process groups of their own."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        for pid in _tree(_proc_table(), [self.proc.pid]) if pids is None else pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the leader's group (each system shuts its own children down), then
        SIGKILL to whatever of the tree is left."""
        tree = _tree(_proc_table(), [self.proc.pid])
        self.signal(signal.SIGCONT, tree)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self.signal(signal.SIGKILL, tree)
        self.proc.wait(10)
        self._log_file.close()

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Agent:
    """The producer: ``python -m bench.agent <system module>`` in its own process, driven by
    JSON lines over stdin/stdout (its imports and connections happen before any clock runs)."""

    PREFIX = "@@ "

    def __init__(self, python: str, module: str, env: Mapping[str, str], log: Path) -> None:
        self._log_file = open(log, "ab")
        self.proc = subprocess.Popen(
            [python, "-m", "bench.agent", module],
            cwd=REPO,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        self.log = log
        self.info: dict[str, Any] = self._reply()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _reply(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(self.PREFIX):
                reply: dict[str, Any] = json.loads(line[len(self.PREFIX) :])
                if "error" in reply:
                    raise RuntimeError(f"agent: {reply['error']}")
                return reply
        tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"agent exited:\n{tail}")

    def call(self, op: str, **kwargs: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **kwargs}) + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._log_file.close()


@contextmanager
def workdir() -> Iterator[Path]:
    """A scratch directory for record files and process logs (kept if BENCH_KEEP is set)."""
    path = Path(tempfile.mkdtemp(prefix="ojs-bench-"))
    try:
        yield path
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(path, ignore_errors=True)


# -- statistics and output ------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between the closest ranks."""
    s = sorted(values)
    if not s:
        raise ValueError("no values")
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass(frozen=True)
class Spread:
    """Median of several runs with their min and max."""

    median: float
    lo: float
    hi: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def fmt(self, digits: int = 0) -> str:
        m = f"{self.median:,.{digits}f}"
        if self.lo == self.hi:
            return m
        return f"{m} ({self.lo:,.{digits}f}-{self.hi:,.{digits}f})"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def publish_report(name: str, text: str) -> Path:
    """Print the report and write it to ``bench/results/<name>-<date>.md`` (gitignored)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{date.today().isoformat()}.md"
    path.write_text(text + "\n")
    print(text)
    print(f"\nwritten to {path}", file=sys.stderr)
    return path


def machine_line() -> str:
    """One line naming the machine: CPU model, cores, Python."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


# -- profiling ------------------------------------------------------------------------------


def find_py_spy() -> str | None:
    """py-spy from PATH or the peers venv (bench/run_peers.sh installs it there)."""
    local = REPO / "bench" / ".venv-peers" / "bin" / "py-spy"
    return shutil.which("py-spy") or (str(local) if local.exists() else None)


class Profiler:
    """``py-spy record`` of one running process, summarised when stopped."""

    def __init__(self, pid: int, out: Path) -> None:
        exe = find_py_spy()
        if exe is None:
            raise RuntimeError("py-spy not found: run bench/run_peers.sh once to install it")
        self.out = out
        self.proc = subprocess.Popen(
            [
                exe,
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "--output",
                str(out),
                "--rate",
                "200",
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)  # attached before the measured window opens

    def stop(self, top: int = 15) -> str:
        """Stop sampling; a Markdown summary: where the samples' own time and total time go."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(30)
        own: dict[str, int] = {}
        total: dict[str, int] = {}
        samples = 0
        for line in self.out.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            n = int(count)
            samples += n
            # "function (path/file.py:line)" without the line, so a function counts once.
            frames = [
                f.rsplit(":", 1)[0] + ")" if ":" in f else f
                for f in stack.split(";")
                if not any(entry in f for entry in _ENTRY_FRAMES)
            ] or ["(entry frames only: the event loop and native code)"]
            own[frames[-1]] = own.get(frames[-1], 0) + n
            for f in set(frames):
                total[f] = total.get(f, 0) + n

        def rows(counts: dict[str, int]) -> list[list[str]]:
            best = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
            return [[f"{n / samples:.1%}", f"`{_short(f)}`"] for f, n in best]

        return "\n".join(
            [
                f"{samples:,} samples of the gateway's threads ({self.out})",
                "",
                "Own time (the frame on top of the stack):",
                "",
                markdown_table(["share", "function"], rows(own)),
                "",
                "Total time (the frame anywhere on the stack):",
                "",
                markdown_table(["share", "function"], rows(total)),
            ]
        )


# Frames every stack of the main thread starts with (interpreter and event-loop entry):
# they say nothing about where the time goes. Time in the loop's own C code (uvloop, the
# gRPC core) has no Python frame above these and shows as "entry frames only".
_ENTRY_FRAMES = ("<frozen runpy>", "asyncio/runners.py", "ojs_grpc/__main__.py", "ojs_grpc/cli.py")


def _short(frame: str) -> str:
    """``function (…/package/module.py)`` with the path cut to its last three parts."""
    name, _, path = frame.partition(" (")
    return f"{name} ({'/'.join(path.rstrip(')').split('/')[-3:])})" if path else name
