"""Replications in parallel: one reused process pool per process, or a cluster's ``map``.

:func:`pmap` runs ``fn(shared, item)`` for each item and yields the results in item order, so
the outcome does not depend on how many processes ran it (each item carries its own seed).
``shared`` (the models) is pickled once per chunk of items and unpickled once per worker and
call (``key`` is a digest of the pickle); the items are small. Both the scenario replications
(:mod:`.results`) and the validation replications (:mod:`.validation`) run through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

_POOL: dict[str, Any] = {}  # the worker pool of this process, reused across runs
_WORKER_SHARED: dict[str, Any] = {}  # in a worker: the shared data of the latest call (by key)


def _chunk_job(args) -> list[Any]:
    """A worker's share of the items."""
    import pickle

    fn, key, payload, items = args
    shared = _WORKER_SHARED.get(key)
    if shared is None:
        _WORKER_SHARED.clear()
        shared = _WORKER_SHARED[key] = pickle.loads(payload)
    return [fn(shared, item) for item in items]


def _one(args) -> Any:
    """One item as a cluster task: ``(fn, shared, item)``."""
    fn, shared, item = args
    return fn(shared, item)


def _pool(jobs: int):
    """A process pool of ``jobs`` workers, started once per process and reused (fork where
    available: workers inherit the imported kit instead of importing it again)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    pool = _POOL.get("pool")
    if pool is not None and _POOL.get("jobs") == jobs and _POOL.get("pid") == _getpid():
        return pool
    if pool is not None and _POOL.get("pid") == _getpid():
        pool.shutdown(wait=True)
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
    if not _POOL.get("atexit"):
        import atexit

        # stopped before the interpreter tears its modules down (else the executor's
        # weakref callback prints a traceback at exit)
        atexit.register(shutdown_pool)
    _POOL.update(pool=pool, jobs=jobs, pid=_getpid(), atexit=True)
    return pool


def shutdown_pool() -> None:
    """Stop the worker pool of this process (it is also stopped when the process exits)."""
    pool = _POOL.pop("pool", None)
    if pool is not None and _POOL.get("pid") == _getpid():
        pool.shutdown(wait=True)
    registered = _POOL.get("atexit", False)
    _POOL.clear()
    if registered:
        _POOL["atexit"] = True


def _getpid() -> int:
    import os

    return os.getpid()


def pmap(
    fn: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    *,
    jobs: int = 1,
    mapper: Callable | None = None,
) -> Iterator[Any]:
    """``fn(shared, item)`` for each item, in order: in this process (``jobs`` 1 or a single
    item), on ``jobs`` worker processes (a few chunks per worker, so a busy core does not hold
    up the others), or through ``mapper`` — a ``map(fn, tasks)``-like callable such as
    :class:`kit.labs.cluster.DaskMap` — one task per item. ``fn`` must be a module-level
    function (workers find it by name)."""
    items = list(items)
    if mapper is not None:
        yield from mapper(_one, [(fn, shared, it) for it in items])
        return
    if jobs <= 1 or len(items) <= 1:
        for it in items:
            yield fn(shared, it)
        return
    import hashlib
    import pickle

    import numpy as np

    jobs = min(jobs, len(items))
    payload = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha1(payload).hexdigest()
    n_chunks = min(len(items), jobs * 4)
    bounds = np.linspace(0, len(items), n_chunks + 1).round().astype(int)
    tasks = [
        (fn, key, payload, items[lo:hi])
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        if hi > lo
    ]
    from concurrent.futures.process import BrokenProcessPool

    try:
        for chunk in _pool(jobs).map(_chunk_job, tasks):
            yield from chunk
    except BrokenProcessPool:
        shutdown_pool()  # a worker died: start a fresh pool next time
        raise
