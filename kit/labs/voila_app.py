"""Voilà as ``testlab serve`` runs it: a cap on viewers' kernels, gzip, long-lived static files.

Run as ``python -m kit.labs.voila_app <voila arguments>`` (see :func:`kit.labs.site.voila_command`).
Voilà 0.5 has no option for these, so this module wraps its kernel manager and application:

- **Kernel cap** (``TESTLAB_MAX_KERNELS``, 0 = none): a page load that would start (or take
  from the preheated pool) a kernel beyond the cap gets HTTP 503, which Voilà renders with the
  template's ``503.html``: a "busy, retrying" page that reloads itself. Pool kernels (the
  preheated ones waiting for a viewer) do not count; a kernel counts from the moment a viewer's
  page gets it until it is shut down (culled after its page closed, see ``voila_command``).
- A kernel handed from the pool to a page is marked active at that moment: it may have sat idle
  in the pool longer than the cull timeout, and must not be culled before the page's websocket
  connects. A viewer's kernel whose page has not connected yet is not culled at all for
  ``TESTLAB_UNCONNECTED_S`` (default 120 s): on a crowded machine a browser may take longer
  than the cull timeout to load the page's scripts, and culling then left the page waiting for
  a kernel that no longer existed (seen with 10 viewers at once: 2 of 10 pages never showed).
- **Pool fills one at a time** (``FILL_AT_ONCE``, half the cores): Voilà starts a replacement
  for every pool kernel a page takes, all at once; ten viewers arriving together set ten
  kernels starting and running the notebook (about 3 s of CPU each) while their own pages were
  loading, and the pages waited about 40 s on two cores. A pool kernel now counts as filled
  when its notebook has run, and at most ``FILL_AT_ONCE`` fill at a time.
- **Compression**: tornado's ``compress_response`` (gzip for HTML, JS, CSS and JSON).
- **Cache**: widget bundles with a content hash in their name are cached for a year
  (:class:`LongCacheFiles`), so a returning viewer's browser does not ask for them again.

Imports Voilà, so only the server process loads this module.
"""

from __future__ import annotations

import os
import re
import sys

MAX_KERNELS_ENV = "TESTLAB_MAX_KERNELS"
#: JSON ``{"<dashboard>.ipynb": N}``: preheated kernels for these dashboards instead of the default
POOLS_ENV = "TESTLAB_POOLS"
#: seconds a viewer's kernel is kept for a page that has not connected to it yet
UNCONNECTED_ENV = "TESTLAB_UNCONNECTED_S"
UNCONNECTED_S = 120.0
YEAR_S = 365 * 24 * 3600
#: a bundle file named by its content hash (webpack: ``123.0a1b2c3d4e5f6a7b8c9d.js``)
HASHED = re.compile(r"[.-][0-9a-f]{16,}\.(js|css|woff2?|ttf|svg|png)$")


#: pool kernels starting and running their notebook at the same time
FILL_AT_ONCE = max(1, (os.cpu_count() or 2) // 2)


def _capped(base: type) -> type:
    import asyncio
    import json
    import time

    from jupyter_server._tz import utcnow
    from tornado.web import HTTPError
    from traitlets import default
    from voila.utils import ENV_VARIABLE

    class CappedKernelManager(base):
        """Refuse (503) a viewer's kernel beyond ``TESTLAB_MAX_KERNELS``; pool sizes per
        dashboard from ``TESTLAB_POOLS``."""

        @default("kernel_pools_config")
        def _testlab_pools(self):
            pools = base._kernel_pools_config(self)  # {"default": {"pool_size": --pool_size, ...}}
            for notebook, size in json.loads(os.environ.get(POOLS_ENV) or "{}").items():
                pools[notebook] = {**pools["default"], "pool_size": int(size)}
            return pools

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._viewers: set[str] = set()
            self._pending = 0
            self._cap = int(os.environ.get(MAX_KERNELS_ENV, "0") or 0)
            #: viewer kernel id -> when its page got it, until the page's websocket connects
            self._unconnected: dict[str, float] = {}
            self._grace = float(os.environ.get(UNCONNECTED_ENV) or UNCONNECTED_S)

        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs):
            if kernel_id is not None:  # a restarted kernel, not a pool fill
                return await super()._initialize(notebook_path, kernel_id, **kwargs)
            if getattr(self, "_fills", None) is None:
                self._fills = asyncio.Semaphore(FILL_AT_ONCE)  # on Voilà's event loop
            async with self._fills:
                content = await super()._initialize(notebook_path, None, **kwargs)
                try:
                    await asyncio.shield(content["task"])  # the notebook has run
                except Exception:  # noqa: BLE001 - the page that takes it shows the error
                    pass
            return content

        def _handed(self, kernel_id: str) -> None:
            self._viewers.add(kernel_id)
            self._unconnected[kernel_id] = time.monotonic()

        def notify_connect(self, kernel_id):
            self._unconnected.pop(kernel_id, None)
            return super().notify_connect(kernel_id)

        async def cull_kernel_if_idle(self, kernel_id):
            since = self._unconnected.get(kernel_id)
            if since is not None and time.monotonic() - since < self._grace:
                return None  # its page is still loading
            self._unconnected.pop(kernel_id, None)
            return await super().cull_kernel_if_idle(kernel_id)

        def _in_use(self) -> int:
            alive = set(self.list_kernel_ids())
            self._viewers &= alive
            return len(self._viewers) + self._pending

        def _check(self) -> None:
            if self._cap > 0 and self._in_use() >= self._cap:
                self.log.warning(
                    "testlab: %d viewer kernels (cap %d): busy page sent", self._in_use(), self._cap
                )
                raise HTTPError(503, reason="Busy")

        async def start_kernel(self, *args, **kwargs):
            env = kwargs.get("env") or {}
            if env.get(ENV_VARIABLE.VOILA_PREHEAT) == "True":  # a pool kernel: not a viewer's
                return await super().start_kernel(*args, **kwargs)
            self._check()
            self._pending += 1
            try:
                kernel_id = await super().start_kernel(*args, **kwargs)
            finally:
                self._pending -= 1
            self._handed(kernel_id)
            return kernel_id

        async def get_rendered_notebook(self, *args, **kwargs):
            self._check()
            self._pending += 1
            try:
                task, cache, kernel_id = await super().get_rendered_notebook(*args, **kwargs)
            finally:
                self._pending -= 1
            self._handed(kernel_id)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None:
                kernel.last_activity = utcnow()  # idle in the pool is not idle on a page
            return task, cache, kernel_id

    return CappedKernelManager


#: the pid of the process that started Voilà (``testlab serve``), set by ``voila_command``
PARENT_ENV = "TESTLAB_SERVE_PID"


def _die_with_parent() -> None:
    """Stop (SIGTERM: Voilà then shuts its kernels down) when ``testlab serve`` dies, even by
    SIGKILL, which it cannot pass on. Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
    no-op."""
    import signal

    parent = os.environ.get(PARENT_ENV)
    if not sys.platform.startswith("linux") or not parent:
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: nothing to do
        return
    if os.getppid() != int(parent):  # it died before the line above: no signal will come
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> None:
    _die_with_parent()
    import voila.app as app

    factory = app.voila_kernel_manager_factory

    def capped_factory(base_class, *args, **kwargs):
        return _capped(factory(base_class, *args, **kwargs))

    app.voila_kernel_manager_factory = capped_factory

    from jupyter_server.base.handlers import FileFindHandler

    class LongCacheFiles(FileFindHandler):
        """Widget bundles whose names carry a content hash: cached a year, never re-asked.

        Voilà serves every labextension file with ``no-cache`` (each load revalidates ~80
        files); a hashed name changes when its content does, so caching it is safe. Other
        files (``package.json``, unhashed entries) keep ``no-cache``.
        """

        def get_cache_time(self, path, modified, mime_type):
            return YEAR_S if HASHED.search(path) else 0

        def set_extra_headers(self, path):
            if not HASHED.search(path):
                self.set_header("Cache-Control", "no-cache")

    class TestlabVoila(app.Voila):
        def init_handlers(self):
            handlers = super().init_handlers()
            for i, h in enumerate(handlers):
                if h[0].endswith("/voila/labextensions/(.*)") and h[1] is FileFindHandler:
                    handlers[i] = (h[0], LongCacheFiles, {**h[2], "no_cache_paths": []})
            return handlers

        def init_settings(self):
            settings = super().init_settings()
            # TESTLAB_GZIP=0 only to measure what compression saves (benchmarks/bench_viewers.py)
            settings["compress_response"] = os.environ.get("TESTLAB_GZIP", "1") != "0"
            return settings

    TestlabVoila.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
