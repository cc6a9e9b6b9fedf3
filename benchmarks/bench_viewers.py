"""Many viewers on `testlab serve`: page weight, time to first widget, 10 and 50 viewers at once.

One dashboard (lead-times, the heaviest; Swedish and English copies published), headless
Chromium, network closed except 127.0.0.1.

1. Page weight: requests and bytes over the wire for one page load with an empty browser cache,
   with and without gzip (``TESTLAB_GZIP=0``), and for a second load (warm cache).
2. Time from navigation to the first filter widget visible, median of ``REPEAT`` loads, cold
   (new browser context) and warm (a second load in the same context), preheated pool; the
   script pauses ``SETTLE_S`` after each load so the pool kernel has run the notebook again.
3. 10 viewers opening the dashboard at once (separate contexts): time until each sees the
   first widget; no cap, ``--pool lead-times=10`` (one preheated kernel per expected viewer, as
   docs/scale.md advises for a meeting), the pool given time to run the notebook in every kernel.
4. 50 viewers at once with the default cap (``default_max_kernels``): how many see the
   dashboard, the busy page (allowed), an error page (must be 0), and the peak resident memory
   of Voilà and its kernels (sampled every 0.2 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import write_result

from kit.labs.folders import discover_labs
from kit.labs.site import VoilaServer, default_max_kernels

LAB = "lead-times"
WIDGET = ".testlab-filter"
BUSY = ".testlab-busy"
REPEAT = 3
SETTLE_S = 20.0
TIMEOUT_MS = 300_000


def _rss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


class PeakRss:
    """Sample the resident memory of a process tree in a thread; ``peak`` in MB."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mb(self.pid))
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


async def _launch(p):
    return await p.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    )


async def _context(browser):
    # no request routing: Playwright turns the HTTP cache off when a context routes requests,
    # and the warm-cache figures need it (the first run of this script did route: its "warm"
    # rows were cold loads)
    return await browser.new_context(viewport={"width": 1400, "height": 1000})


async def _load(page, url: str) -> float:
    t0 = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    await page.locator(WIDGET).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def _weight(page, url: str) -> tuple[int, float]:
    """Requests and bytes received (headers + encoded bodies) for one load of ``url``."""
    responses = []

    def keep(r):
        responses.append(r)

    page.on("response", keep)
    await _load(page, url)
    await asyncio.sleep(5)  # late requests (map frame, fonts); "networkidle" never comes
    page.remove_listener("response", keep)
    total = 0
    for r in responses:
        try:
            sizes = await r.request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # noqa: BLE001 - a request without sizes (aborted): counted, 0 bytes
            pass
    return len(responses), total / 2**20


async def page_weight(browser, url: str) -> dict[str, tuple[int, float]]:
    ctx = await _context(browser)
    page = await ctx.new_page()
    cold = await _weight(page, url)
    await asyncio.sleep(SETTLE_S)
    warm = await _weight(page, url)
    await ctx.close()
    return {"cold": cold, "warm": warm}


async def first_widget(browser, url: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"cold": [], "warm": []}
    for _ in range(REPEAT):
        ctx = await _context(browser)
        page = await ctx.new_page()
        out["cold"].append(await _load(page, url))
        await asyncio.sleep(SETTLE_S)
        out["warm"].append(await _load(page, url))
        await ctx.close()
        await asyncio.sleep(SETTLE_S)
    return out


async def _viewer(browser, url: str) -> tuple[str, float]:
    ctx = await _context(browser)
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        resp = await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        if resp is not None and resp.status == 503:
            await page.locator(BUSY).wait_for(timeout=TIMEOUT_MS)
            return "busy", time.perf_counter() - t0
        if resp is None or resp.status >= 400:
            return f"error {resp.status if resp else '-'}", time.perf_counter() - t0
        await page.locator(WIDGET).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        return "dashboard", time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a viewer that fails is the result
        return f"error {type(exc).__name__}", time.perf_counter() - t0
    finally:
        await ctx.close()


async def crowd(browser, url: str, n: int) -> list[tuple[str, float]]:
    return list(await asyncio.gather(*(_viewer(browser, url) for _ in range(n))))


def _server(tmp: str, name: str, **kw) -> VoilaServer:
    labs = [lab for lab in discover_labs() if lab.id == LAB]
    return VoilaServer(Path(tmp) / name, labs=labs, **kw)


def _settle(server: VoilaServer, n: int) -> None:
    """Until the pools have started and their kernels have run the notebook (the server's
    process tree idle for 3 s: Voilà's "filled" line comes before the notebook has run)."""
    import psutil

    server.wait_for_pools(n)
    time.sleep(2)
    root = psutil.Process(server.proc.pid)
    quiet, deadline = 0, time.monotonic() + 600
    while quiet < 3 and time.monotonic() < deadline:
        procs = [root, *root.children(recursive=True)]
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(1)
        busy = 0.0
        for p in procs:
            try:
                busy += p.cpu_percent(None)
            except psutil.Error:
                pass
        quiet = quiet + 1 if busy < 10 else 0


async def run(pool: int) -> tuple[list[str], list[dict[str, str]]]:
    from playwright.async_api import async_playwright

    board = f"voila/render/{LAB}.ipynb"
    lines: list[str] = []
    cap = default_max_kernels()
    async with async_playwright() as p:
        browser = await _launch(p)
        weights = {}
        for gzip in (False, True):
            os.environ["TESTLAB_GZIP"] = "1" if gzip else "0"
            with tempfile.TemporaryDirectory() as tmp:
                server = _server(tmp, "site", preheat=True)
                with server as url:
                    _settle(server, 2)
                    weights[gzip] = await page_weight(browser, url + board)
                    if gzip:
                        loads = await first_widget(browser, url + board)
        os.environ.pop("TESTLAB_GZIP", None)
        with tempfile.TemporaryDirectory() as tmp:
            server = _server(tmp, "site", preheat=True, pools={LAB: 10})
            with server as url:
                _settle(server, 2)
                ten = await crowd(browser, url + board, 10)
        with tempfile.TemporaryDirectory() as tmp:
            server = _server(tmp, "site", preheat=True, pool_size=pool, max_kernels=cap)
            with server as url:
                _settle(server, 2)
                idle_mb = _rss_mb(server.proc.pid)
                with PeakRss(server.proc.pid) as rss:
                    fifty = await crowd(browser, url + board, 50)
        await browser.close()

    def w(key: bool, which: str) -> str:
        n, mb = weights[key][which]
        return f"{n} requests, {mb:.2f} MB"

    ten_times = sorted(t for s, t in ten if s == "dashboard")
    kinds = {k: sum(1 for s, _ in fifty if s == k) for k in {s for s, _ in fifty}}
    errors = sum(v for k, v in kinds.items() if k.startswith("error"))
    lines += [
        f"One dashboard ({LAB}, Swedish), preheated pool; median of {REPEAT} loads to the first"
        f" filter widget visible ({SETTLE_S:.0f} s pause after each load for the pool to refill).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| page weight, empty cache, no gzip | {w(False, 'cold')} |",
        f"| page weight, empty cache, gzip (`testlab serve`) | {w(True, 'cold')} |",
        f"| page weight, warm cache, gzip | {w(True, 'warm')} |",
        f"| first widget, cold cache | median {statistics.median(loads['cold']):.2f} s"
        f" (all: {', '.join(f'{t:.2f}' for t in loads['cold'])}) |",
        f"| first widget, warm cache | median {statistics.median(loads['warm']):.2f} s"
        f" (all: {', '.join(f'{t:.2f}' for t in loads['warm'])}) |",
        "| 10 viewers at once (`--pool lead-times=10`, no cap): first widget | "
        + (
            f"{len(ten_times)}/10; median {statistics.median(ten_times):.1f} s,"
            f" slowest {ten_times[-1]:.1f} s |"
            if ten_times
            else "none |"
        ),
        f"| 50 viewers at once (cap {cap}, pool {pool}): dashboard / busy page / error | "
        f"{kinds.get('dashboard', 0)} / {kinds.get('busy', 0)} / {errors}"
        + (f" ({', '.join(k for k in kinds if k.startswith('error'))})" if errors else "")
        + " |",
        f"| 50 viewers: memory of Voilà + kernels (idle before → peak) | {idle_mb:.0f} →"
        f" {rss.peak:.0f} MB |",
    ]
    cold, warm = statistics.median(loads["cold"]), statistics.median(loads["warm"])
    rows = [
        {
            "comparison": "dashboard page weight, empty cache (gzip / none)",
            "measured": f"{weights[True]['cold'][1]:.2f} MB / {weights[False]['cold'][1]:.2f} MB",
        },
        {
            "comparison": "time to first widget, cold / warm browser cache (median)",
            "measured": f"{cold:.2f} s / {warm:.2f} s",
            "goal": "≤ 1.5 s / ≤ 1.0 s",
        },
        {
            "comparison": "10 viewers at once: all see the first widget",
            "measured": f"{len(ten_times)}/10, slowest {ten_times[-1]:.1f} s"
            if ten_times
            else "0/10",
            "goal": "10/10 within 5 s",
        },
        {
            "comparison": f"50 viewers at once (cap {cap}): dashboard / busy page / error",
            "measured": f"{kinds.get('dashboard', 0)} / {kinds.get('busy', 0)} / {errors};"
            f" peak memory {rss.peak / 1024:.1f} GB",
            "goal": "0 errors",
        },
    ]
    return lines, rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=1, help="preheated kernels per notebook")
    args = parser.parse_args(argv)
    lines, rows = asyncio.run(run(args.pool))
    write_result("viewers", "Many viewers on `testlab serve` (issue 14)", lines, rows)


if __name__ == "__main__":
    sys.exit(main())
