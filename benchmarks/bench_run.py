"""`testlab run` of all labs x 3 municipalities: wall time with --jobs 2 against --jobs 1.

Goal (issue 2): jobs-2 wall time <= 0.65 x jobs-1. Rounds alternate the two settings so
machine noise hits both alike; the best round of each is compared.
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import OUT, REPO, write_result

ROUNDS = 2


def run(jobs: int) -> float:
    out = OUT / f"runs-j{jobs}"
    t0 = time.perf_counter()
    code = subprocess.call(
        [sys.executable, "-m", "kit.cli", "run", "--jobs", str(jobs), "--out", str(out), "-q"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"testlab run --jobs {jobs} failed (exit {code})")
    return elapsed


def main() -> None:
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(ROUNDS):
        for jobs in (1, 2):
            times[jobs].append(run(jobs))
    best1, best2 = min(times[1]), min(times[2])
    ratio = best2 / best1
    write_result(
        "run",
        "Batch runs: `testlab run` of all labs × 3 municipalities",
        [
            f"| setting | wall time (best of {ROUNDS}) | all rounds |",
            "|---|---|---|",
            f"| `--jobs 1` | {best1:.1f} s | {', '.join(f'{t:.1f}' for t in times[1])} s |",
            f"| `--jobs 2` | {best2:.1f} s | {', '.join(f'{t:.1f}' for t in times[2])} s |",
            "",
            f"Ratio jobs 2 / jobs 1: **{ratio:.2f}** (goal ≤ 0.65: {'met' if ratio <= 0.65 else 'NOT met'}).",
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
