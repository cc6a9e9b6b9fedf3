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


def municipality_years() -> tuple[int, float]:
    """(municipalities, municipality-years) the batch covers: for each bundled municipality,
    the span of its sample's application dates in years."""
    from kit.config import MUNICIPALITIES
    from kit.data.loaders import load_sample

    years = 0.0
    for mid in MUNICIPALITIES:
        received = load_sample(mid).cases["received"].dropna()
        years += (received.max() - received.min()).days / 365.25
    return len(MUNICIPALITIES), years


def main() -> None:
    import os

    n_mun, mun_years = municipality_years()
    load0 = os.getloadavg()[0]
    times: dict[int | str, list[float]] = {1: [], 2: [], "local:2": []}
    for _ in range(ROUNDS):
        for jobs in times:
            times[jobs].append(run(jobs))
    load1 = os.getloadavg()[0]
    best1, best2, bestd = min(times[1]), min(times[2]), min(times["local:2"])
    ratio = best2 / best1
    per_hour = {k: mun_years / min(v) * 3600 for k, v in times.items()}
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
            "",
            f"What one machine holds: the batch covers {n_mun} municipalities × their samples' "
            f"years of applications = {mun_years:.2f} municipality-years, so "
            f"`--jobs 1` {per_hour[1]:,.0f}, `--jobs 2` {per_hour[2]:,.0f} and "
            f"`--scheduler local:2` {per_hour['local:2']:,.0f} municipality-years per hour "
            f"(best round). Load average {load0:.1f} → {load1:.1f} on {os.cpu_count()} cores.",
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
            {
                "comparison": "what one machine holds: all labs, municipality-years per hour",
                "measured": f"{per_hour[2]:,.0f} with `--jobs 2` ({mun_years:.2f} "
                f"municipality-years in {best2:.1f} s; load {load0:.1f})",
                "against": f"`--jobs 1` {per_hour[1]:,.0f}, `local:2` {per_hour['local:2']:,.0f}",
                "goal": "",
            },
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
