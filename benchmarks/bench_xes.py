"""Benchmark: our streaming XES import against PM4Py's ``read_xes`` on the same file.

Goal: ``kit.data.xes.read_xes`` at least 10x faster than ``pm4py.read_xes``, measured side by side in
one run. The log is a seeded, realistic permit log (bygglovsärenden): ~80,000 events in 8,000
traces, written with :func:`kit.data.xes.write_xes` to ``build/bench/``. Each event has
``concept:name``, ``time:timestamp`` (Swedish local time, so ``+01:00`` and ``+02:00`` offsets),
``org:resource``, ``lifecycle:transition`` and three custom attributes (two strings, one int);
each trace has ``concept:name``, ``case_type``, ``fee_sek`` (float), a property designation
(fastighetsbeteckning) and a boolean.

Fairness: the same file for both readers; one warm-up run each; then the runs are interleaved
(ours, PM4Py, ours, ...) and the best of each is reported; both readers must return the same
number of events. PM4Py (AGPL) is a benchmark peer only, installed in ``.venv-bench``:
``.venv-bench/bin/python benchmarks/bench_xes.py [--cases N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import write_result

GOAL_RATIO = 10.0


def make_log(path, n_cases: int = 8_000, seed: int = 1849) -> int:
    """Write the benchmark log to ``path``; returns its number of events."""
    from kit.data.schemas import ACTIVITIES
    from kit.data.xes import write_xes

    rng = np.random.default_rng(seed)
    lengths = rng.integers(5, 16, n_cases)
    n = int(lengths.sum())
    case = np.repeat(np.arange(n_cases), lengths)
    step = np.concatenate([np.arange(k) for k in lengths])
    # cases start over two years, so the Stockholm offset is +01:00 in winter, +02:00 in summer
    first = rng.integers(0, 2 * 365 * 24 * 60, n_cases)
    gaps = rng.integers(30, 14 * 24 * 60, n)
    gaps[step == 0] = 0
    minutes = first[case] + pd.Series(gaps).groupby(case).cumsum().to_numpy()
    start = pd.Timestamp("2023-01-02 08:00", tz="Europe/Stockholm")
    ids = np.char.add("BYGG 2023-", np.char.zfill(np.arange(n_cases).astype(str), 6))
    documents = np.array(["ansökan", "ritning", "kontrollplan", "yttrande", "beslut", "foto"])
    units = np.array(["Bygglov Norr", "Bygglov Syd", "Tillsyn", "Kart & mät"])
    events = pd.DataFrame(
        {
            "case_id": ids[case],
            "activity": np.array(ACTIVITIES)[np.minimum(step, len(ACTIVITIES) - 1)],
            "timestamp": start + pd.to_timedelta(minutes + rng.integers(0, 60, n), unit="min"),
            "resource": np.char.add("handläggare ", (rng.integers(0, 40, n)).astype(str)),
            "lifecycle:transition": "complete",
            "document_type": documents[rng.integers(0, len(documents), n)],
            "unit": units[case % len(units)],
            "pages": rng.integers(1, 40, n),
        }
    )
    cases = pd.DataFrame(
        {
            "case_id": ids,
            "case_type": np.array(["BL", "RL", "MARK", "FÖRF", "ANM"])[rng.integers(0, 5, n_cases)],
            "fee_sek": np.round(rng.uniform(2_000, 40_000, n_cases), 2),
            "fastighet": np.char.add("Storstad Eken ", rng.integers(1, 999, n_cases).astype(str)),
            "detaljplan": rng.random(n_cases) < 0.8,
        }
    )
    write_xes(events, cases, path)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=8_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each reader")
    args = parser.parse_args(argv)
    from kit.config import build_dir
    from kit.data.xes import read_xes

    try:
        import pm4py
    except ImportError:
        print(
            "pm4py is not installed: run with .venv-bench/bin/python (see benchmarks/requirements.txt)",
            file=sys.stderr,
        )
        return 2

    out = build_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"log_{args.cases}.xes"
    n_events = make_log(path, args.cases)

    def ours() -> int:
        ev, _cases = read_xes(path)
        return len(ev)

    def peer() -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(pm4py.read_xes(str(path), show_progress_bar=False))

    readers = {"ours": ours, "peer": peer}
    for name, fn in readers.items():  # warm-up: imports, caches, page cache for the file
        got = fn()
        if got != n_events:
            raise SystemExit(f"{name} read {got} events, expected {n_events}")
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(args.repeat):
        for name, fn in readers.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    t_ours, t_peer = min(times["ours"]), min(times["peer"])
    ratio = t_peer / t_ours
    lines = [
        f"{n_events:,} events in {args.cases:,} traces, {path.stat().st_size / 1e6:.0f} MB "
        f"plain XES; best of {args.repeat} interleaved runs after one warm-up each.",
        "",
        "| reader | seconds (best) | seconds (median) | PM4Py / this |",
        "|---|---|---|---|",
        f"| kit.data.xes.read_xes | {t_ours:.3f} | {np.median(times['ours']):.3f} | {ratio:.1f}x |",
        f"| pm4py.read_xes {pm4py.__version__} | {t_peer:.3f} | "
        f"{np.median(times['peer']):.3f} | 1.0x |",
        "",
        f"Goal: read_xes at least {GOAL_RATIO:.0f}x faster than PM4Py: "
        f"{'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.1f}x).",
    ]
    rows = [
        {
            "comparison": f"XES import, {n_events:,} events: `read_xes` vs PM4Py `read_xes`",
            "measured": f"{t_ours:.3f} s vs {t_peer:.3f} s ({ratio:.1f}×)",
            "against": f"pm4py {pm4py.__version__}",
            "goal": f"≥ {GOAL_RATIO:.0f}× faster",
        }
    ]
    write_result("xes", "XES import vs PM4Py", lines, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
