"""Benchmark: our streaming XES import against PM4Py's ``read_xes`` on the same file.

Goal: at least 10x faster than PM4Py, measured side by side in one run. The log (~80,000
events in ~8,000 traces, seeded, with trace attributes and a few event attributes) is written
with :func:`kit.xes.write_xes` to ``build/bench/``. PM4Py (AGPL) is a benchmark peer only; run
this with the benchmark venv: ``.venv-bench/bin/python -m benchmarks.bench_xes``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd

GOAL_RATIO = 10.0


def make_log(path, n_cases: int = 8_000, seed: int = 1849):
    from kit.schemas import ACTIVITIES
    from kit.xes import write_xes

    rng = np.random.default_rng(seed)
    lengths = rng.integers(5, 16, n_cases)
    case = np.repeat(np.arange(n_cases), lengths)
    step = np.concatenate([np.arange(n) for n in lengths])
    start = pd.Timestamp("2023-01-01 08:00", tz="Europe/Stockholm")
    minutes = case * 60 + step * rng.integers(60, 7 * 24 * 60, len(case))
    events = pd.DataFrame(
        {
            "case_id": np.char.add("BYGG 2023-", np.char.zfill(case.astype(str), 6)),
            "activity": np.array(ACTIVITIES)[np.minimum(step, len(ACTIVITIES) - 1)],
            "timestamp": start + pd.to_timedelta(minutes, unit="min"),
            "resource": np.char.add("handläggare ", (case % 40).astype(str)),
            "lifecycle:transition": "complete",
            "pages": rng.integers(1, 40, len(case)),
        }
    )
    cases = pd.DataFrame(
        {
            "case_id": np.char.add("BYGG 2023-", np.char.zfill(np.arange(n_cases).astype(str), 6)),
            "case_type": np.array(["BL", "RL", "MARK", "FÖRF", "ANM"])[rng.integers(0, 5, n_cases)],
            "fee_sek": rng.integers(2_000, 40_000, n_cases).astype(float),
        }
    )
    write_xes(events, cases, path)
    return len(events)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=8_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from kit.config import build_dir
    from kit.data import load_log
    from kit.xes import read_xes

    out = build_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"log_{args.cases}.xes"
    n_events = make_log(path, args.cases)
    try:
        import pm4py
    except ImportError:
        print(
            "pm4py is not installed: run with .venv-bench (see benchmarks/requirements.txt)",
            file=sys.stderr,
        )
        return 2

    def ours():
        read_xes(path)

    def ours_full():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load_log(path)

    def peer():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm4py.read_xes(str(path), show_progress_bar=False)

    t_ours = best_of(ours, args.repeat)
    t_full = best_of(ours_full, args.repeat)
    t_peer = best_of(peer, max(1, args.repeat - 1))
    rows = [
        ("kit.xes.read_xes (parse)", t_ours),
        ("kit.data.load_log (parse, validate, pseudonymise)", t_full),
        (f"pm4py.read_xes {pm4py.__version__}", t_peer),
    ]
    ratio = t_peer / t_ours
    lines = [
        f"# bench_xes: {n_events:,} events in {args.cases:,} traces ({path.stat().st_size / 1e6:.0f} MB)",
        "",
        "| reader | seconds (best of runs) | PM4Py / this |",
        "|---|---|---|",
        *[f"| {name} | {t:.2f} | {t_peer / t:.1f}x |" for name, t in rows],
        "",
        f"Goal: read_xes at least {GOAL_RATIO:.0f}x faster than PM4Py: {'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.1f}x).",
        "",
    ]
    table = "\n".join(lines)
    print(table)
    (out / "bench_xes.md").write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
