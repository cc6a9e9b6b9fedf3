"""Dask distributed: batch runs and simulation replications on a cluster (issue 15).

``--scheduler tcp://host:port`` connects to a running Dask scheduler; ``--scheduler local`` or
``local:N`` starts a ``LocalCluster`` of N worker processes (default 2), one thread each.
Imported only when a command is given ``--scheduler`` (Dask takes a second to import).

Batch runs (:class:`DaskPool`, the cluster counterpart of :class:`kit.labs.pool.WorkerPool`):
each (lab, municipality, parameters) run is one task. On the worker it executes the same
function a local worker runs (:func:`kit.labs.runner.run_on_worker` calls ``execute_staged``;
Papermill starts its own kernel process) into a temporary folder on the worker, then sends
the result record and the files' bytes back, so workers need not share a file system with the client. The client
writes the bytes into its staging folder and commits files, manifest, journal and index
through the same code as a local run. A task whose worker is lost is retried by Dask
(``retries=1``, and the scheduler reschedules tasks of a lost worker); a run that still
fails is recorded as failed and the others go on.

Before any run :func:`connect` checks the address answers (within ``CONNECT_TIMEOUT``) and
that every worker imports the kit at the client's version; otherwise a one-line
:class:`~kit.errors.UsageError` names the address or the workers (exit 2).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kit.errors import UsageError

#: seconds to wait for a scheduler before giving up on its address
CONNECT_TIMEOUT = 5
#: how often the client looks at its stop flag while waiting for tasks (seconds)
TICK = 0.2
#: retries of a task whose worker raised or was lost (Dask's ``retries``)
RETRIES = 1

_LOCAL = re.compile(r"local(?::(\d+))?")


def parse_scheduler(address: str) -> tuple[str, int]:
    """``("local", n)`` for ``local[:N]``, ``("remote", 0)`` for a scheduler address."""
    m = _LOCAL.fullmatch(address.strip())
    if m:
        n = int(m.group(1) or 2)
        if n < 1:
            raise UsageError(f"--scheduler {address}: local needs at least 1 worker")
        return "local", n
    if not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://\S+", address.strip()):
        raise UsageError(
            f"--scheduler {address!r}: expected tcp://HOST:PORT (a Dask scheduler) or local[:N]"
        )
    return "remote", 0


def kit_version() -> dict[str, str]:
    """What a worker (or the client) has: the kit's version, or why it cannot import it."""
    try:
        import kit

        return {"version": getattr(kit, "__version__", "unknown")}
    except Exception as exc:  # pragma: no cover - a worker without the kit
        return {"error": f"{type(exc).__name__}: {exc}"}


def _check_workers(client) -> None:
    """Every worker must import the kit at the client's version; name those that do not."""
    mine = kit_version()["version"]
    try:
        answers = client.run(_probe(), on_error="return")
    except Exception as exc:
        raise UsageError(f"--scheduler: could not ask the workers: {exc}") from exc
    if not answers:
        raise UsageError("--scheduler: the cluster has no workers")
    bad = []
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException) or not isinstance(answer, dict):
            bad.append(f"{worker} (cannot import kit: {answer})")
        elif "error" in answer:
            bad.append(f"{worker} (cannot import kit: {answer['error']})")
        elif answer.get("version") != mine:
            bad.append(f"{worker} (kit {answer.get('version')}, client has {mine})")
    if bad:
        raise UsageError(
            f"--scheduler: {len(bad)} worker(s) lack the kit or have another version: "
            + "; ".join(bad)
        )


_PROBE = """
def probe():
    try:
        import kit
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"version": getattr(kit, "__version__", "unknown")}
"""


def _probe() -> Callable[[], dict[str, str]]:
    """The check run on every worker, defined outside any module so that it travels by
    value: a worker without the kit can still unpickle and run it."""
    namespace: dict[str, Any] = {"__name__": "testlab_worker_probe"}
    exec(_PROBE, namespace)  # noqa: S102 - a fixed text
    return namespace["probe"]


class Cluster:
    """A connected Dask client (and the LocalCluster it started, if any); a context manager."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.client = None
        self.local = None

    def __enter__(self) -> Cluster:
        return connect(self)

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close(timeout=5)
            except Exception:
                pass
            self.client = None
        if self.local is not None:
            try:
                self.local.close(timeout=10)
            except Exception:
                pass
            self.local = None

    @property
    def n_workers(self) -> int:
        try:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        except Exception:
            return 1


def connect(cluster: Cluster | str) -> Cluster:
    """Connect (starting a LocalCluster for ``local[:N]``) and check the workers' kit."""
    if isinstance(cluster, str):
        cluster = Cluster(cluster)
    kind, n = parse_scheduler(cluster.address)
    import logging
    import warnings

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    # a second LocalCluster on the machine moves its internal HTTP port; nothing to tell
    warnings.filterwarnings("ignore", message="Port .* is already in use")
    try:
        if kind == "local":
            from distributed import LocalCluster

            cluster.local = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
            cluster.client = Client(cluster.local, timeout=CONNECT_TIMEOUT)
        else:
            cluster.client = _client_class()(
                cluster.address, timeout=CONNECT_TIMEOUT, set_as_default=False
            )
    except (OSError, TimeoutError) as exc:
        cluster.close()
        raise UsageError(
            f"--scheduler {cluster.address}: no Dask scheduler answered within "
            f"{CONNECT_TIMEOUT} s ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # something answered, but not as a Dask scheduler
        cluster.close()
        raise UsageError(
            f"--scheduler {cluster.address}: not a Dask scheduler ({type(exc).__name__})"
        ) from None
    try:
        _check_workers(cluster.client)
    except BaseException:
        cluster.close()
        raise
    return cluster


def _client_class():
    """``distributed.Client`` whose clean-up of a failed connection takes 1 s, not 2 × the
    connect timeout (its ``__del__`` would otherwise hold the exit of a refused request)."""
    from distributed import Client

    class _Client(Client):
        def __del__(self) -> None:
            try:
                if self._Client__loop is not None and self.status != "closed":
                    self.close(timeout=1)
            except Exception:
                pass

    return _Client


# -- batch runs -------------------------------------------------------------------------


class DaskPool:
    """Runs batch tasks on a Dask cluster with :class:`~kit.labs.pool.WorkerPool`'s interface.

    ``tasks`` are ``(key, [spec, revision, stage])``; each runs as ``target(spec, revision,
    client_root)`` on a worker, which returns ``(result, {file name: bytes})``; the files are
    written into ``stage`` on the client before ``on_result(key, result)`` is called.
    """

    def __init__(self, cluster: Cluster, target: Callable[..., Any]) -> None:
        self.cluster = cluster
        self.target = target
        self.futures: dict[Any, tuple[Any, list]] = {}

    def _submit(self, task_id: Any, args: list) -> None:
        from kit.config import project_root

        spec, revision, _stage = args
        future = self.cluster.client.submit(
            self.target,
            spec,
            revision,
            str(project_root()),
            retries=RETRIES,
            pure=False,
            key=f"testlab-run-{re.sub(r'[^A-Za-z0-9_.-]', '_', str(task_id))}-{time.time_ns()}",
        )
        self.futures[future] = (task_id, args)

    def run(
        self,
        tasks: list[tuple[Any, list]],
        on_result: Callable[[Any, Any], None],
        on_lost: Callable[[Any, list, str], bool],
        stop: Callable[[], bool] = lambda: False,
    ) -> list[Any]:
        for task_id, args in tasks:
            self._submit(task_id, args)
        while self.futures and not stop():
            done = [f for f in self.futures if f.done()]
            if not done:
                time.sleep(TICK)
                continue
            for future in done:
                if stop():
                    break
                task_id, args = self.futures.pop(future)
                if future.status == "finished":
                    try:
                        result, files = future.result()
                    except Exception as exc:  # lost in transfer
                        self._lost(task_id, args, f"result lost ({exc})", on_lost)
                        continue
                    stage = Path(args[2])
                    stage.mkdir(parents=True, exist_ok=True)
                    for name, data in files.items():
                        (stage / name).write_bytes(data)
                    on_result(task_id, result)
                elif future.status == "cancelled":
                    self._lost(task_id, args, "cancelled by the cluster", on_lost)
                else:
                    exc = future.exception()
                    self._lost(task_id, args, f"{type(exc).__name__}: {exc}", on_lost)
        left = [task_id for task_id, _ in self.futures.values()]
        return left

    def _lost(self, task_id, args, reason: str, on_lost) -> None:
        reason = " ".join(reason.split())[:300]
        if on_lost(task_id, args, f"on the cluster: {reason}"):
            self._submit(task_id, args)

    def close(self) -> None:
        """Cancel every task not yet finished (Ctrl-C, or an error on the client)."""
        if self.futures and self.cluster.client is not None:
            try:
                self.cluster.client.cancel(list(self.futures), force=True)
            except Exception:
                pass
        self.futures = {}


# -- simulation -------------------------------------------------------------------------


class DaskMap:
    """A ``map(fn, items)`` that runs each item as a task on the cluster, results in order.

    Handed to the simulation's replication runner in place of a process pool's ``map``.
    """

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def __call__(self, fn: Callable[[Any], Any], items: Iterable[Any]):
        client = self.cluster.client
        futures = client.map(fn, list(items), retries=RETRIES, pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            client.cancel([f for f in futures if not f.done()])
