"""`testlab run` of all labs x 3 municipalities: wall time with --jobs 2 against --jobs 1,
and with a 2-worker Dask LocalCluster (``--scheduler local:2``).

Goal (issue 2): jobs-2 wall time <= 0.65 x jobs-1. Rounds alternate the two settings so
machine noise hits both alike; the best round of each is compared.
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import OUT, REPO, write_result

ROUNDS = 2


def run(jobs: int | str) -> float:
    """Wall time of one batch; ``jobs`` a number (local pool) or ``"local:2"`` (Dask)."""
    setting = ["--scheduler", jobs] if isinstance(jobs, str) else ["--jobs", str(jobs)]
    out = OUT / f"runs-{str(jobs).replace(':', '')}"
    t0 = time.perf_counter()
    code = subprocess.call(
        [sys.executable, "-m", "kit.cli", "run", *setting, "--out", str(out), "-q"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"testlab run {' '.join(setting)} failed (exit {code})")
    return elapsed


def main() -> None:
    times: dict[int | str, list[float]] = {1: [], 2: [], "local:2": []}
    for _ in range(ROUNDS):
        for jobs in times:
            times[jobs].append(run(jobs))
    best1, best2, bestd = min(times[1]), min(times[2]), min(times["local:2"])
    ratio = best2 / best1
    write_result(
        "run",
        "Batch runs: `testlab run` of all labs × 3 municipalities",
        [
            f"| setting | wall time (best of {ROUNDS}) | all rounds |",
            "|---|---|---|",
            f"| `--jobs 1` | {best1:.1f} s | {', '.join(f'{t:.1f}' for t in times[1])} s |",
            f"| `--jobs 2` | {best2:.1f} s | {', '.join(f'{t:.1f}' for t in times[2])} s |",
            f"| `--scheduler local:2` (Dask) | {bestd:.1f} s | "
            f"{', '.join(f'{t:.1f}' for t in times['local:2'])} s |",
            "",
            f"Ratio jobs 2 / jobs 1: **{ratio:.2f}** (goal ≤ 0.65: {'met' if ratio <= 0.65 else 'NOT met'}).",
            f"Dask LocalCluster / jobs 2: **{bestd / best2:.2f}** (cluster start-up and task "
            "transfer included).",
        ],
        rows=[
            {
                "comparison": "`testlab run` all labs × 3 municipalities, `--jobs 2` vs `--jobs 1`",
                "measured": f"{best2:.1f} s vs {best1:.1f} s (ratio {ratio:.2f})",
                "against": "`--jobs 1`",
                "goal": "ratio ≤ 0.65",
            },
            {
                "comparison": "the same on a 2-worker Dask LocalCluster (`--scheduler local:2`)",
                "measured": f"{bestd:.1f} s ({bestd / best2:.2f} × `--jobs 2`)",
                "against": "`--jobs 2`",
                "goal": "",
            },
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
