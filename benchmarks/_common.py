"""Helpers shared by the benchmark scripts (not a benchmark itself).

Timing: medians of several runs, and every figure is reported next to a floor measured
in the same run, so a busy shared machine moves both and the ratio stays meaningful.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `indicators` importable when run as benchmarks/NAME.py

from indicators.settings import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401  (one copy for tests and benchmarks)


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("inf")


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mib(nbytes: float) -> str:
    return f"{nbytes / 2**20:.0f} MiB"


def machine() -> str:
    """nproc, CPU model and load average, printed at the top of every script's output."""
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    return f"machine: {os.cpu_count()} CPUs ({model}); load average {load}; Python {platform.python_version()}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_bytes(pid: int, include_children: bool = True) -> int:
    """Resident memory of a process (and its descendants): psutil if installed, else /proc VmRSS."""
    pids = [pid] + (descendants(pid) if include_children else [])
    try:
        import psutil  # type: ignore[import-not-found]

        total = 0
        for p in pids:
            try:
                total += psutil.Process(p).memory_info().rss
            except psutil.Error:
                pass
        return total
    except ImportError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started, and whatever it started (by pid, never by name)."""
    below = descendants(proc.pid)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    for pid in below:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def now() -> float:
    """CLOCK_MONOTONIC: system-wide on Linux, so comparable between a parent and its children."""
    return time.monotonic()


def code_version() -> str:
    """The commit and a digest of the project's code (indicators/, views/, app.py) as it is on disk now.

    Other people may edit the code while a benchmark runs; printing this at the start and the end
    shows whether every measurement ran the same code.
    """
    import hashlib

    digest = hashlib.sha1()
    for path in sorted([*ROOT.glob("indicators/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]):
        try:
            digest.update(path.name.encode() + path.read_bytes())
        except OSError:
            pass
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip() or "?"
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "indicators", "views", "app.py"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head, dirty = "?", ""
    return f"commit {head}{' + uncommitted changes' if dirty else ''}, code digest {digest.hexdigest()[:10]}"


class CodeWatch:
    """Print the code version at the start; at the end, say whether it changed during the run."""

    def __init__(self) -> None:
        self.start = code_version()
        print(f"code: {self.start}")

    def end(self) -> None:
        now_ = code_version()
        if now_.rsplit("digest", 1)[1] != self.start.rsplit("digest", 1)[1]:
            print(f"WARNING: the code changed during the run (now {now_}): figures may mix two versions")
