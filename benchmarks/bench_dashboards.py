"""Dashboards in headless Chromium: time to first widget, and time for a filter change to show.

1. Time from navigation to the first filter widget visible, per lab, median of 3 page loads:
   Voilà starting a kernel per request, then with preheated kernels (`testlab serve`
   default). Voilà logs "is filled with" when a pool kernel has *started* running the
   notebook, not when it has finished, so in the preheated round the script simply waits
   (``PREHEAT_SETTLE_S``) after the server starts and after every page load, so the next load
   finds a kernel that has run the notebook to the end.
2. Time for a filter change to re-render on Linköping's sample (the largest), the lead-time
   lab's goal being <= 0.5 s. The page is opened and switched to Linköping *untimed* (that is
   a first load of a municipality's data, not a filter change); then each change is timed in
   the page itself (``performance.now()``) from the change until (a) the output area's DOM has
   been replaced, (b) two animation frames later (painted), and (c) the new map frame has
   drawn its Leaflet layers (``path.leaflet-interactive`` or ``.marker-cluster``).
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import write_result

from kit.labs.folders import discover_labs
from kit.labs.site import VoilaServer

REPEAT = 3
FIRST_WIDGET = ".testlab-filter"
PREHEAT_SETTLE_S = 20.0  # a pool kernel running a lab notebook to its end, 2 shared cores
LOAD_TIMEOUT_MS = 300_000

# the arrival time of the last large websocket message (the new output's value), so the
# browser's share of a change can be told from the kernel's
_WS_SPY = """
(() => {
  const Native = window.WebSocket;
  window.__lastBig = NaN;
  window.WebSocket = function(...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => {
      const n = typeof e.data === 'string' ? e.data.length : (e.data.byteLength || e.data.size || 0);
      if (n > 20000) window.__lastBig = performance.now();
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""

# armed before a change: records t0, then resolves the three times (ms) once seen
_ARM = """
() => {
  const out = document.querySelector('.testlab-output');
  const content = out.querySelector('.widget-html-content') || out;
  const old = content.firstElementChild;
  const oldFrame = out.querySelector('iframe');
  const t0 = performance.now();
  window.__bench = new Promise((resolve) => {
    const times = {dom: NaN, painted: NaN, map: NaN, reply: NaN};
    const mapDone = () => {
      const f = out.querySelector('iframe');
      if (!f || f === oldFrame) return false;
      const doc = f.contentDocument;
      return !!(doc && doc.querySelector('path.leaflet-interactive, .marker-cluster'));
    };
    const pollMap = () => {
      if (mapDone()) { times.map = performance.now() - t0; resolve(times); return; }
      if (performance.now() - t0 > 60000) { resolve(times); return; }
      requestAnimationFrame(pollMap);
    };
    const obs = new MutationObserver(() => {
      if (content.firstElementChild === old) return;
      obs.disconnect();
      times.dom = performance.now() - t0;
      if (window.__lastBig > t0) times.reply = window.__lastBig - t0;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        times.painted = performance.now() - t0;
        if (out.querySelector('iframe')) pollMap(); else resolve(times);
      }));
    });
    obs.observe(content, {childList: true});
  });
}
"""


def _launch(p):
    return p.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    )


def _new_page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    page.add_init_script(_WS_SPY)
    return page


def time_first_widget(browser, url: str) -> float:
    page = _new_page(browser)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(FIRST_WIDGET).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    elapsed = time.perf_counter() - t0
    page.close()
    return elapsed


def _select_with(page, option_text: str):
    """The filter ``<select>`` that has an option containing ``option_text``."""
    selects = page.locator(".testlab-filter select")
    for i in range(selects.count()):
        if any(option_text in o for o in selects.nth(i).locator("option").all_inner_texts()):
            return selects.nth(i)
    raise LookupError(f"no filter select with an option {option_text!r}")


def _timed(page, action) -> dict[str, float]:
    page.evaluate(_ARM)
    action()
    times = page.evaluate("() => window.__bench")
    return {k: (v / 1000 if v is not None else math.nan) for k, v in times.items()}


def _open_on_linkoping(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(
        "() => { const o = document.querySelector('.testlab-output');"
        " return o && o.innerText.trim().length > 0; }",
        timeout=LOAD_TIMEOUT_MS,
    )
    select = _select_with(page, "Linköping")
    label = next(o for o in select.locator("option").all_inner_texts() if "Linköping" in o)
    # untimed: the first load of a municipality's data is not a filter change
    _timed(page, lambda: select.select_option(label=label))


def lead_time_changes(page) -> list[tuple[str, dict[str, float]]]:
    case_type = _select_with(page, "Bygglov")
    out = []
    for label in ("Bygglov", "Anmälan", "Alla"):
        out.append(
            (
                f"case type → {label}",
                _timed(page, lambda label=label: case_type.select_option(label)),
            )
        )
    # period: the two month pickers (from, to), one month in from each end
    selects = page.locator(".testlab-filter select")
    start, end = selects.nth(1), selects.nth(2)
    months = end.locator("option").all_inner_texts()
    out.append(("period end − 1 month", _timed(page, lambda: end.select_option(label=months[-2]))))
    out.append(
        ("period start + 1 month", _timed(page, lambda: start.select_option(label=months[1])))
    )
    return out


def plan_check_changes(page) -> list[tuple[str, dict[str, float]]]:
    select = page.locator(".testlab-filter select").last  # the proposal filter
    options = select.locator("option").all_inner_texts()
    out = []
    for label in [*options[1:3], options[0]]:
        out.append(
            (f"proposal → {label}", _timed(page, lambda label=label: select.select_option(label)))
        )
    return out


# the labs whose filter changes are timed, and how (the others' filters are not scripted)
CHANGES = {"lead-times": lead_time_changes, "plan-check": plan_check_changes}


def time_filter_changes(browser, url: str, lab_id: str) -> list[tuple[str, dict[str, float]]]:
    page = _new_page(browser)
    try:
        _open_on_linkoping(page, url)
        return CHANGES[lab_id](page)
    finally:
        page.close()


def _fmt(values: list[float]) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "–"
    return f"{statistics.median(values):.2f} / {max(values):.2f} s"


def main(argv: list[str] | None = None) -> None:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--changes-only",
        action="store_true",
        help="only time filter changes (skip the page-load rounds; nothing is written)",
    )
    args = parser.parse_args(argv)
    labs = discover_labs()
    loads: dict[tuple[str, bool], list[float]] = {}
    changes: dict[str, dict[str, list[dict[str, float]]]] = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = _launch(p)
        for preheat in (False,) if args.changes_only else (False, True):
            server = VoilaServer(Path(tmp) / f"site-{preheat}", preheat=preheat)
            with server as url:
                if preheat and not args.changes_only:
                    time.sleep(2 * PREHEAT_SETTLE_S)  # every notebook's pool fills at once
                for lab in [] if args.changes_only else labs:
                    times = []
                    for _ in range(REPEAT):
                        times.append(
                            time_first_widget(browser, f"{url}voila/render/{lab.id}.ipynb")
                        )
                        if preheat:
                            time.sleep(PREHEAT_SETTLE_S)
                    loads[(lab.id, preheat)] = times
                # on the kernel-per-request server: a preheated pool refills (runs the
                # notebook again) right after a page takes its kernel, and would compete for
                # the CPU with the changes timed here
                if not preheat:
                    for lab in [x for x in labs if x.id in CHANGES]:
                        per_change = changes.setdefault(lab.id, {})
                        for _ in range(REPEAT):
                            for name, t in time_filter_changes(
                                browser, f"{url}voila/render/{lab.id}.ipynb", lab.id
                            ):
                                per_change.setdefault(name, []).append(t)
        browser.close()

    rows = []
    table: list[dict[str, str]] = []  # rows for benchmarks/RESULTS.md
    for lab in [] if args.changes_only else labs:
        cold = statistics.median(loads[(lab.id, False)])
        hot = statistics.median(loads[(lab.id, True)])
        rows.append(f"| {lab.id} | {cold:.2f} s | {hot:.2f} s | {cold / hot:.1f}× |")
        table.append(
            {
                "comparison": f"{lab.id}: navigation to first filter widget, preheated kernels",
                "measured": f"{hot:.2f} s (median of {REPEAT})",
                "against": f"kernel per request: {cold:.2f} s",
                "goal": "≤ 1 s warm, ≤ 1.5 s cold",
            }
        )
    change_rows = []
    for lab_id, per_change in changes.items():
        every = [t for ts in per_change.values() for t in ts]
        painted = [t["painted"] for t in every]
        table.append(
            {
                "comparison": f"{lab_id}: filter change on Linköping, until painted",
                "measured": f"{_fmt(painted)} (median / max)",
                "against": "",
                "goal": "≤ 0.5 s" if lab_id == "lead-times" else "",
            }
        )
        for name, ts in [*per_change.items(), ("**all changes**", every)]:
            change_rows.append(
                f"| {lab_id} | {name} | "
                + " | ".join(_fmt([t[k] for t in ts]) for k in ("reply", "dom", "painted", "map"))
                + " |"
            )
    lines = [
        f"Median of {REPEAT} page loads, navigation to first filter widget visible"
        f" (preheated: {PREHEAT_SETTLE_S:.0f} s pause after each load so the pool kernel"
        " finishes the notebook).",
        "",
        "| lab | kernel per request | preheated kernels | speed-up |",
        "|---|---|---|---|",
        *rows,
        "",
        "Filter change on Linköping's sample (after switching to Linköping, untimed), timed in"
        f" the page from the change; median / max of {REPEAT} page loads. A change back to an"
        " earlier selection (case type → Alla) is served from the view's cache. \"New output"
        " received\": the websocket message carrying the new output arrived (kernel's share).",
        "",
        "| lab | change | new output received | output replaced | painted | map layers drawn |",
        "|---|---|---|---|---|---|",
        *change_rows,
    ]
    if args.changes_only:
        print("\n".join(lines[-len(change_rows) - 2 :]))
        return
    lines.append("")
    lines.append(f"_Load average at the end of the run: {os.getloadavg()[0]:.1f}._")
    write_result("dashboards", "Dashboards in headless Chromium", lines, table)


if __name__ == "__main__":
    sys.exit(main())
