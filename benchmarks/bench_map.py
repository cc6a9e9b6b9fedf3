"""Benchmark: the lead-time lab's map with 20,000 cases: HTML size and render time in Chromium.

The cases are synthetic (:func:`kit.samples.permits.synthesise`, Linköping's profile scaled to
20,000 cases over five years, coordinates and districts included), written as CSV and loaded
with :mod:`kit.data` (pseudonymised, as a municipality's export would be). The map is the
lab's own (``LeadTimeDashboard._map``: district areas shaded by median lead time, one
clustered circle marker per case with a popup), built for the whole period.

Measured:

* Python: building the map and rendering its HTML (CPU seconds, best of 3);
* size: the standalone HTML document (``map_html``) and the ``<iframe srcdoc>`` the dashboard
  sends to the browser (``_repr_html_``), both in MB, and gzip-compressed (what ``testlab
  serve`` sends over the wire);
* Chromium (headless, /usr/bin/chromium, no network): time from navigation until the first
  cluster icon is on screen, and until every case is in the cluster group (markercluster adds
  them in chunks) and the result is painted; median of ``--repeat`` fresh pages.

Run: ``.venv/bin/python benchmarks/bench_map.py [--cases N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time

from _common import OUT, write_result

# the page resolves when every case is in the cluster group (top level counts them) and
# two animation frames have passed since (painted); times are ms from navigation start
_WAIT_DRAWN = """
(n) => new Promise((resolve) => {
  const times = {first: NaN, all: NaN, painted: NaN};
  const group = () => {
    if (!window.L || !L.MarkerClusterGroup) return null;
    for (const k of Object.keys(window)) {
      try { if (window[k] instanceof L.MarkerClusterGroup) return window[k]; } catch (e) {}
    }
    return null;
  };
  const poll = () => {
    const now = performance.now();
    if (isNaN(times.first) && document.querySelector('.marker-cluster')) times.first = now;
    const g = group();
    const top = g && g._topClusterLevel;
    if (top && top._childCount === n && !isNaN(times.first)) {
      times.all = now;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        times.painted = performance.now(); resolve(times);
      }));
      return;
    }
    if (now > 120000) { resolve(times); return; }
    requestAnimationFrame(poll);
  };
  poll();
})
"""


def make_data(n_cases: int):
    """Canonical (loaded, pseudonymised) events and cases of ``n_cases`` synthetic cases."""
    from kit.data.loaders import Sample, load_cases, load_events
    from kit.samples.permits import synthesise

    events, cases = synthesise("linkoping", seed=2031, cases=n_cases, years=range(2020, 2025))
    folder = OUT / "map"
    folder.mkdir(parents=True, exist_ok=True)
    events.to_csv(folder / "events.csv", index=False)
    cases.to_csv(folder / "cases.csv", index=False)
    return Sample("linkoping", load_events(folder / "events.csv"), load_cases(folder / "cases.csv"))


def build(data, lang: str = "sv"):
    """(map, number of points, standalone HTML, iframe HTML) as the lab builds them."""
    from kit.present import maps
    from kit.present.views.leadtimes import LeadTimeDashboard

    board = LeadTimeDashboard("linkoping", lang, data=data, tiles=None)
    fmap, n = board._map(board.selection())
    iframe = fmap._repr_html_()
    page = maps.map_html(fmap)
    return fmap, n, page, iframe


def render_times(path, n: int, repeat: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page.goto(path.as_uri(), wait_until="commit")
            times = page.evaluate(_WAIT_DRAWN, n)
            dcl = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
            )
            times = {k: v / 1000 for k, v in times.items()}
            times["dom"] = dcl / 1000
            assert page.locator(".marker-cluster").count() > 0, "no cluster drawn"
            out.append(times)
            page.close()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    data = make_data(args.cases)
    gen_s = time.perf_counter() - t0
    build(data)  # warm-up: imports, inline assets, pyproj
    cpu, wall = [], []
    for _ in range(3):
        c0, w0 = time.process_time(), time.perf_counter()
        fmap, n, page, iframe = build(data)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    path = OUT / "map" / f"map_{args.cases}.html"
    path.write_text(page, encoding="utf-8")
    size = len(page.encode())
    iframe_size = len(iframe.encode())
    gz = len(gzip.compress(page.encode(), 6))
    iframe_gz = len(gzip.compress(iframe.encode(), 6))
    load0 = os.getloadavg()[0]
    runs = render_times(path, n, args.repeat)
    load1 = os.getloadavg()[0]
    med = {k: statistics.median(r[k] for r in runs) for k in ("dom", "first", "all", "painted")}
    worst = max(r["painted"] for r in runs)
    mb = 1e6
    lines = [
        f"{len(data.cases):,} synthetic cases (Linköping's profile, 2020–2024; generated and "
        f"loaded in {gen_s:.1f} s, not timed), {n:,} on the map (the rest have no coordinates"
        " or lie outside the selection). The lab's map: district areas, clustered case points "
        "with popups. No basemap (tiles off), so only the kit's own layers are measured. "
        f"Load average {load0:.1f} → {load1:.1f} on {os.cpu_count()} cores.",
        "",
        "| measure | result |",
        "|---|---|",
        f"| build the map + render its HTML (Python) | {min(cpu):.2f} s CPU, {min(wall):.2f} s "
        "wall (best of 3) |",
        f"| standalone HTML (`map_html`) | {size / mb:.2f} MB, {gz / mb:.2f} MB gzipped |",
        f"| dashboard `<iframe srcdoc>` (`_repr_html_`) | {iframe_size / mb:.2f} MB, "
        f"{iframe_gz / mb:.2f} MB gzipped |",
        f"| Chromium: DOM content loaded | {med['dom']:.2f} s |",
        f"| Chromium: first cluster icon drawn | {med['first']:.2f} s |",
        f"| Chromium: all {n:,} cases clustered and painted | {med['painted']:.2f} s (worst "
        f"{worst:.2f} s) |",
        "",
        f"Chromium times: median of {args.repeat} fresh pages, from navigation start "
        "(`performance.now()` in the page).",
    ]
    rows = [
        {
            "comparison": f"lead-time map of {n:,} cases: HTML size",
            "measured": f"{iframe_size / mb:.2f} MB ({iframe_gz / mb:.2f} MB gzipped)",
            "against": "",
            "goal": "",
        },
        {
            "comparison": f"lead-time map of {n:,} cases: render in headless Chromium",
            "measured": f"first clusters {med['first']:.2f} s, all cases drawn "
            f"{med['painted']:.2f} s (load {load0:.1f})",
            "against": f"Python build {min(cpu):.2f} s CPU",
            "goal": "",
        },
    ]
    write_result("map", f"Map of {args.cases:,} cases (lead-time lab)", lines, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
