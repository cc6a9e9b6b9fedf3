"""Benchmark: load + validate + pseudonymise 1,000,000 event rows from CSV.

Goal: at most 5 s and 1.5 GB peak memory on the project's 2-core machine. The CSV is generated
here (seeded) in ``build/bench/``; the load runs in a fresh subprocess so that its peak RSS
(``ru_maxrss``) is its own. Run: ``.venv/bin/python -m benchmarks.bench_load [--rows N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from kit.data.privacy import luhn_digit

GOAL_SECONDS = 5.0
GOAL_MB = 1536


def make_csv(path: Path, rows: int, seed: int = 1849) -> Path:
    """Write a Swedish-Excel style CSV (';') of ``rows`` events over rows/10 cases."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_cases = max(rows // 10, 1)
    case = rng.integers(0, n_cases, rows)
    activities = np.array(
        ["received", "completion_requested", "supplement_received", "complete", "decision"]
    )
    start = pd.Timestamp("2023-01-01 08:00").value // 10**9
    seconds = start + case * 300 + rng.integers(0, 90 * 86400, rows)
    stamps = pd.to_datetime(seconds, unit="s").strftime("%Y-%m-%d %H:%M:%S")
    # one applicant personnummer per case (valid Luhn), a free-text note on some rows
    births = [
        f"{70 + i % 30:02d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}" for i in range(n_cases)
    ]
    pnr = np.array([f"{b[:6]}-{b[6:]}{luhn_digit(b)}" for b in births], dtype=object)
    notes = np.where(rng.random(rows) < 0.05, "Ring sökande " + pnr[case], "")
    df = pd.DataFrame(
        {
            "case_id": np.char.add("BYGG 2023-", np.char.zfill(case.astype(str), 6)),
            "activity": activities[rng.integers(0, len(activities), rows)],
            "timestamp": stamps,
            "resource": np.char.add("handläggare ", (case % 40).astype(str)),
            "personnummer": pnr[case],
            "anteckning": notes,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, sep=";", index=False)
    return path


_CHILD = """
import json, resource, sys, time, warnings
t0 = time.perf_counter()
from kit.data.loaders import load_events
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    df = load_events(sys.argv[1], check=True)
elapsed = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": len(df), "seconds": elapsed, "peak_mb": peak_mb}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    from kit.config import build_dir

    out = build_dir() / "bench"
    csv = out / f"events_{args.rows}.csv"
    if not csv.exists():
        t = time.perf_counter()
        make_csv(csv, args.rows)
        print(f"generated {csv} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    env_key = {"TESTLAB_PSEUDONYM_KEY": "benchmark-key"}
    import os

    res = subprocess.run(
        [sys.executable, "-c", _CHILD, str(csv)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_key},
        check=True,
    )
    m = json.loads(res.stdout.strip().splitlines()[-1])
    ok_t = "yes" if m["seconds"] <= GOAL_SECONDS else "NO"
    ok_m = "yes" if m["peak_mb"] <= GOAL_MB else "NO"
    table = "\n".join(
        [
            f"# bench_load: load + validate + pseudonymise {m['rows']:,} event rows (CSV)",
            "",
            "| measure | value | goal | met |",
            "|---|---|---|---|",
            f"| wall time (incl. imports) | {m['seconds']:.2f} s | ≤ {GOAL_SECONDS:.0f} s | {ok_t} |",
            f"| peak RSS | {m['peak_mb']:.0f} MB | ≤ {GOAL_MB} MB | {ok_m} |",
            "",
        ]
    )
    print(table)
    (out / "bench_load.md").write_text(table, encoding="utf-8")
    row = {
        "comparison": f"load + validate + pseudonymise {m['rows']:,} CSV rows",
        "measured": f"{m['seconds']:.2f} s, {m['peak_mb']:.0f} MB peak",
        "goal": f"≤ {GOAL_SECONDS:.0f} s, ≤ {GOAL_MB} MB",
    }
    (out / "bench_load.rows.json").write_text(
        json.dumps({"title": "Loading a large export", "rows": [row]}, ensure_ascii=False),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
