"""Run every benchmark (one process each) and gather their results into docs/benchmarks.md."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from _common import OUT, REPO, machine

ORDER = [
    "bench_xes",
    "bench_load",
    "bench_leadtime",
    "bench_plancheck",
    "bench_survey",
    "bench_run",
    "bench_dashboards",
    "bench_journal",
    "bench_simulation",
]


def main(names: list[str]) -> int:
    names = names or [n for n in ORDER if (REPO / "benchmarks" / f"{n}.py").exists()]
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        if (
            subprocess.call(
                [sys.executable, str(REPO / "benchmarks" / f"{name}.py")], cwd=REPO / "benchmarks"
            )
            != 0
        ):
            failed.append(name)
    sections = [p.read_text(encoding="utf-8") for p in sorted(OUT.glob("*.md"))]
    doc = (
        "# Benchmark results\n\n"
        f"Produced by `make bench` on {date.today().isoformat()} ({machine()}). The machine is shared "
        "and noisy; every comparison is measured side by side in one run. Re-run to refresh.\n\n"
        + "\n".join(sections)
    )
    (REPO / "docs" / "benchmarks.md").write_text(doc, encoding="utf-8")
    print(f"wrote docs/benchmarks.md; failed: {failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
