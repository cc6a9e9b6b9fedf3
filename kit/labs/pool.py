"""Worker processes for batch runs, each a process of its own: one dying loses only its task.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies (every
pending future fails with ``BrokenProcessPool``). :class:`WorkerPool` instead gives each
spawned worker its own pipe, hands it one task at a time and watches its sentinel: a worker
that dies (``kill -9``, out of memory) is reported for that one task and replaced.

Each worker
- ignores SIGINT and sits in a process group of its own, so Ctrl-C in a terminal (which
  signals the whole foreground group) reaches only the parent, which decides what stops;
- on SIGTERM kills its child processes' groups (the Jupyter kernels, which jupyter_client
  starts in sessions of their own) and exits at once;
- exits, killing its kernels, when its parent is gone (a watcher thread compares
  ``os.getppid()`` with the parent's pid), so no worker outlives a killed ``testlab run``.
  A kernel of a worker killed with SIGKILL exits by itself within a second (ipykernel polls
  its parent, ``JPY_PARENT_PID``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any

#: how often the parent looks at its stop flag while waiting for workers (seconds)
TICK = 0.2


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux ``/proc``; empty elsewhere)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(name))
    return found


def kill_children(pid: int | None = None) -> None:
    """SIGKILL the process group of every child of ``pid`` (default: this process)."""
    for child in child_pids(pid or os.getpid()):
        for kill in (os.killpg, os.kill):
            try:
                kill(child, signal.SIGKILL)
                break
            except (ProcessLookupError, PermissionError):
                continue


def _on_sigterm(signum: int, frame: Any) -> None:
    kill_children()
    os._exit(128 + signum)


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            kill_children()
            os._exit(1)
        time.sleep(0.5)


def _worker_main(conn: Connection, parent_pid: int, init: Callable[[], None] | None, target):
    """Body of a worker process: receive a task, run ``target(*args)``, send the result back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        os.setpgrp()
    except OSError:  # pragma: no cover - already a group leader
        pass
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if init is not None:
        init()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent closed its end or died
            break
        if task is None:
            break
        task_id, args = task
        result = target(*args)
        try:
            conn.send((task_id, result))
        except (BrokenPipeError, OSError):
            break
    kill_children()


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    task: tuple[Any, tuple] | None = None


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class WorkerPool:
    """Up to ``size`` spawned workers running ``target(*args)`` for one task each at a time.

    ``run(tasks, on_result, on_lost, stop)`` hands tasks out, calls ``on_result(task_id,
    result)`` as results come in and ``on_lost(task_id, args, reason)`` when a worker dies
    while running a task; ``on_lost`` may return True to have the task queued again (it then
    runs on a fresh worker). ``stop()`` is polled; once it is true no new task starts and
    ``run`` returns the ids of the tasks that did not finish. ``close()`` ends every worker
    (SIGTERM to busy ones, which kill their kernels) and waits for them.
    """

    def __init__(
        self, size: int, target: Callable[..., Any], init: Callable[[], None] | None = None
    ) -> None:
        self.size = size
        self.target = target
        self.init = init
        self.ctx = get_context("spawn")  # a fresh interpreter per worker: no inherited state
        self.workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child_end, os.getpid(), self.init, self.target),
            daemon=True,
            name="testlab-worker",
        )
        # the child inherits an ignored SIGINT through exec, so a Ctrl-C while it starts
        # (before it sets up its own group) cannot print a KeyboardInterrupt traceback
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            proc.start()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)
        child_end.close()
        worker = _Worker(proc, parent_end)
        self.workers.append(worker)
        return worker

    def start(self, n: int) -> None:
        """Start ``n`` workers now (they import and warm up while the caller goes on)."""
        while len(self.workers) < min(n, self.size):
            self._spawn()

    def run(
        self,
        tasks: list[tuple[Any, tuple]],
        on_result: Callable[[Any, Any], None],
        on_lost: Callable[[Any, tuple, str], bool],
        stop: Callable[[], bool] = lambda: False,
    ) -> list[Any]:
        pending = deque(tasks)
        self.start(len(pending))
        while (pending or any(w.task for w in self.workers)) and not stop():
            for w in self.workers:
                if w.task is None and pending:
                    w.task = pending.popleft()
                    try:
                        w.conn.send(w.task)
                    except (BrokenPipeError, OSError):
                        pass  # its death shows on the sentinel below
            busy = [w for w in self.workers if w.task is not None]
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], TICK))
            for w in busy:
                if stop():
                    break
                message = None
                if w.conn in ready or w.proc.sentinel in ready:
                    try:
                        if w.conn.poll():
                            message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        task_id, result = message
                        w.task = None
                        on_result(task_id, result)
                    elif w.proc.sentinel in ready or not w.proc.is_alive():
                        task_id, args = w.task
                        w.proc.join()
                        reason = _signal_name(w.proc.exitcode)
                        self._discard(w)
                        if on_lost(task_id, args, reason):
                            pending.appendleft((task_id, args))
                        if pending and len(self.workers) < self.size:
                            self._spawn()
        left = [t[0] for t in pending] + [w.task[0] for w in self.workers if w.task]
        return left

    def _discard(self, w: _Worker) -> None:
        w.conn.close()  # its kernel notices the worker is gone and exits by itself
        self.workers.remove(w)

    def close(self, timeout: float = 5.0) -> None:
        for w in self.workers:
            if w.task is None:
                try:
                    w.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            elif w.proc.is_alive():
                try:
                    w.proc.terminate()  # SIGTERM: the worker kills its kernel and exits
                except OSError:
                    pass
        deadline = time.monotonic() + timeout
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                kill_children(w.proc.pid)
                w.proc.kill()
                w.proc.join()
            w.conn.close()
        self.workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
