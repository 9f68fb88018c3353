"""Run one request's heavy work in a worker process, under a time and memory budget.

A preview or an apply of a hostile upload must not hold the server's interpreter (every
user's session runs in it) nor grow it without bound. The work runs in a process forked
from a small preloaded server (multiprocessing's forkserver); the caller waits, polling
its memory; past either budget the worker is killed, nothing it did is kept (a store
transaction dies with its connection), and the caller gets `BudgetExceeded` with a
sentence for the user. At most `settings.max_workers()` workers run at once in one server: past
that, `ServerBusy` says so and nothing starts (each may take 2 GiB). A worker that fails in a way
nobody foresaw gives `WorkFailed`, a sentence; its traceback goes to the server's log only.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PREVIEW_SECONDS = 90.0
"""Wall time a preview or an apply may take; a 20 MB upload (the server's limit) needs about 10 s."""

MEMORY_MB = 2048
"""Resident memory the worker may reach."""

_POLL_S = 0.05
_context: Any = None


class BudgetExceeded(Exception):
    """The work was stopped; nothing it did was kept."""


class ServerBusy(BudgetExceeded):
    """As many workers as the server allows are running: nothing was started."""


class WorkFailed(BudgetExceeded):
    """The work raised something unforeseen: nothing was kept, the details are in the server's log."""


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _slot() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            from .settings import max_workers

            _slots = threading.BoundedSemaphore(max_workers())
        return _slots


def _foreseen(exc: BaseException) -> bool:
    """This project's own exceptions (a refused change, the database away) carry a sentence for the user."""
    return type(exc).__module__.startswith("indicators.") and _picklable(exc)


@dataclass(frozen=True)
class _Failure:
    kind: str
    message: str
    detail: str


def _context_once():
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        _context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            _context.set_forkserver_preload(["indicators.changes", "indicators.store", "indicators.imports.upload"])
    return _context


def _child(conn, fn: Callable, args: tuple, kwargs: dict) -> None:
    try:
        result: Any = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller, typed
        result = exc if _foreseen(exc) else _Failure(type(exc).__name__, str(exc), traceback.format_exc())
    try:
        conn.send(result)
    finally:
        conn.close()


def _picklable(obj: object) -> bool:
    import pickle

    try:
        pickle.dumps(obj)
        return True
    except Exception:  # noqa: BLE001
        return False


def _rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc); 0 where unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def run_bounded(fn: Callable, *args: Any, seconds: float = PREVIEW_SECONDS, memory_mb: float = MEMORY_MB,
                what: str = "this request", **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a worker; its result, this project's exception re-raised, or BudgetExceeded
    (ServerBusy when every worker slot is taken, WorkFailed for anything unforeseen)."""
    slots = _slot()
    if not slots.acquire(blocking=False):
        from .settings import max_workers

        raise ServerBusy(f"{what} did not start: the server is already checking or applying {max_workers()} "
                         "uploads, its limit. Nothing was started or changed; try again in a moment.")
    try:
        result = _run(fn, args, kwargs, seconds, memory_mb, what)
    finally:
        slots.release()
    if isinstance(result, _Failure):
        logging.getLogger(__name__).error("%s failed in its worker: %s: %s\n%s", what, result.kind, result.message,
                                          result.detail)
        raise WorkFailed(f"{what} failed unexpectedly ({result.kind}); nothing was changed. The details are in "
                         "the server's log.")
    if isinstance(result, BaseException):
        raise result
    return result


def _start(proc) -> None:
    """Start a worker without the main script: Streamlit installs the page script as __main__, and
    multiprocessing would run it again in every worker (the app, in bare mode: a dataset load and a
    chart before the preview starts). A concurrent script run's own __main__ is left as it set it."""
    real, stub = sys.modules.get("__main__"), types.ModuleType("__main__")
    sys.modules["__main__"] = stub
    try:
        proc.start()
    finally:
        if sys.modules.get("__main__") is stub and real is not None:
            sys.modules["__main__"] = real


def _run(fn: Callable, args: tuple, kwargs: dict, seconds: float, memory_mb: float, what: str) -> Any:
    ctx = _context_once()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, kwargs), daemon=True)
    _start(proc)
    send.close()
    deadline = time.monotonic() + seconds
    try:
        while not receive.poll(_POLL_S):
            if not proc.is_alive():
                raise BudgetExceeded(f"{what} stopped unexpectedly (the worker ended with code {proc.exitcode}); "
                                     "nothing was changed")
            if time.monotonic() > deadline:
                raise BudgetExceeded(f"{what} took longer than {seconds:.0f} s and was stopped; nothing was changed. "
                                     "Split the upload into smaller files.")
            if _rss_mb(proc.pid) > memory_mb:
                raise BudgetExceeded(f"{what} needed more than {memory_mb:,.0f} MB of memory and was stopped; "
                                     "nothing was changed. Split the upload into smaller files.")
        try:
            return receive.recv()
        except EOFError:
            raise BudgetExceeded(f"{what} stopped unexpectedly; nothing was changed") from None
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
