"""Dashboard time from navigation to first widget visible, in headless Chromium, per lab.

Measured twice in one run: Voilà starting a kernel per request, then with preheated kernels
(`testlab serve` default). Also the time for a filter change to re-render (Linköping, the
largest sample), the lead-time lab's goal being <= 0.5 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import write_result

from kit.labs import discover_labs
from kit.site import VoilaServer

REPEAT = 3
FIRST_WIDGET = ".testlab-filter"


def _launch(p):
    return p.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    )


def time_first_widget(browser, url: str) -> float:
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(FIRST_WIDGET).first.wait_for(state="visible", timeout=300_000)
    elapsed = time.perf_counter() - t0
    page.close()
    return elapsed


def time_filter_change(browser, url: str, label: str) -> float:
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    page.goto(url)
    page.locator(".testlab-output").first.wait_for(state="visible", timeout=300_000)
    page.wait_for_function(
        "() => document.querySelector('.testlab-output').innerText.trim().length > 0"
    )
    select = page.locator(".testlab-filter select").first
    if label not in select.locator("option").all_inner_texts():
        page.close()
        return float("nan")
    before = page.locator(".testlab-output").first.inner_html()
    t0 = time.perf_counter()
    select.select_option(label=label)
    page.wait_for_function(
        "(b) => { const o = document.querySelector('.testlab-output'); return o.innerText.trim() && o.innerHTML !== b; }",
        arg=before,
        timeout=60_000,
    )
    # settle: wait until the output stops changing for 100 ms
    last, stable_since = None, time.perf_counter()
    while time.perf_counter() - stable_since < 0.1:
        now = page.locator(".testlab-output").first.inner_html()
        if now != last:
            last, stable_since = now, time.perf_counter()
    elapsed = time.perf_counter() - t0 - 0.1
    page.close()
    return elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    labs = discover_labs()
    rows = []
    change = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = _launch(p)
        results: dict[tuple[str, bool], list[float]] = {}
        for preheat in (False, True):
            server = VoilaServer(Path(tmp) / f"site-{preheat}", preheat=preheat)
            with server as url:
                if preheat:
                    server.wait_for_pools(2 * len(labs))
                for lab in labs:
                    times = []
                    for _ in range(REPEAT):
                        times.append(
                            time_first_widget(browser, f"{url}voila/render/{lab.id}.ipynb")
                        )
                        if preheat:
                            server.wait_for_pools(2 * len(labs) + len(times), timeout=120)
                    results[(lab.id, preheat)] = times
                if preheat:
                    for lab in labs:
                        t = [
                            time_filter_change(
                                browser, f"{url}voila/render/{lab.id}.ipynb", "Linköping"
                            )
                            for _ in range(REPEAT)
                        ]
                        change.append((lab.id, t))
        browser.close()
    for lab in labs:
        cold = statistics.median(results[(lab.id, False)])
        hot = statistics.median(results[(lab.id, True)])
        rows.append(f"| {lab.id} | {cold:.2f} s | {hot:.2f} s | {cold / hot:.1f}× |")
    lines = [
        f"Median of {REPEAT} page loads, navigation to first filter widget visible.",
        "",
        "| lab | kernel per request | preheated kernels | speed-up |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Filter change to Linköping, until the output has re-rendered (median of {REPEAT}):",
        "",
        "| lab | re-render |",
        "|---|---|",
        *[f"| {lab} | {statistics.median(t):.2f} s |" for lab, t in change],
    ]
    write_result("dashboards", "Dashboards in headless Chromium", lines)


if __name__ == "__main__":
    sys.exit(main())
