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
    "bench_map",
    "bench_scaling",
    # last: its 50 browsers leave the 1-minute load average high for a while after they close,
    # and the benchmarks after it would report a load the machine no longer has
    "bench_viewers",
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
    target = REPO / "docs" / "benchmarks.md"
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    doc = (
        "# Benchmark results\n\n"
        f"Produced by `make bench` on {date.today().isoformat()} ({machine()}). The machine is shared "
        "and noisy; every comparison is measured side by side in one run. Re-run to refresh.\n\n"
        + "\n".join(sections)
        + kept_sections(old, sections)
    )
    target.write_text(doc, encoding="utf-8")
    write_table(names)
    print(f"wrote docs/benchmarks.md and benchmarks/RESULTS.md; failed: {failed or 'none'}")
    return 1 if failed else 0


def _split_sections(text: str) -> list[tuple[str, str]]:
    """(heading line, whole section) for each ``#``/``##`` section after the document title."""
    out: list[tuple[str, str]] = []
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if i and line.startswith(("# ", "## ")):
            out.append((line.strip(), line))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + line)
    return out


def kept_sections(old: str, generated: list[str]) -> str:
    """The sections of the old docs/benchmarks.md that no benchmark wrote this time (notes
    written by hand, measurements of earlier work): kept after the fresh ones, so a
    ``make bench`` never deletes them. A section a benchmark wrote again is replaced."""
    fresh = {text.splitlines()[0].strip() for text in generated if text.strip()}
    kept = [body for heading, body in _split_sections(old) if heading not in fresh]
    if not kept:
        return ""
    return "\n" + "".join(kept).rstrip() + "\n"


def _hardware() -> str:
    """CPU model and memory (Linux), e.g. ``, Intel(R) Xeon(R) Processor, 23 GB RAM``."""
    out = ""
    try:
        cpu = open("/proc/cpuinfo", encoding="utf-8").read()
        model = next(x.split(":", 1)[1].strip() for x in cpu.splitlines() if "model name" in x)
        out += f", {model}"
        mem = open("/proc/meminfo", encoding="utf-8").readline().split()[1]
        out += f", {int(mem) / 2**20:.0f} GB RAM"
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    return out


def write_table(names: list[str]) -> None:
    """``benchmarks/RESULTS.md``: one Markdown table, one row per comparison, from the rows
    each benchmark left in build/bench/<name>.rows.json (benchmarks without rows are named)."""
    import json

    lines = [
        "# Benchmark results: one table",
        "",
        f"`make bench` on {date.today().isoformat()}; machine: {machine()}{_hardware()}. "
        "Each comparison is "
        "measured side by side in one run (the machine is shared and noisy; details in "
        "docs/benchmarks.md). A load stated in a row is the 1-minute load average at that "
        "benchmark's start; it lags behind the machine by a minute or so.",
        "",
        "| benchmark | comparison | measured | against | goal |",
        "|---|---|---|---|---|",
    ]
    missing = []

    def in_order(path):  # the order of ORDER (bench_load's file is named bench_load.rows.json)
        stem = "bench_" + path.name.removesuffix(".rows.json").removeprefix("bench_")
        return (ORDER.index(stem) if stem in ORDER else len(ORDER), path.name)

    for path in sorted(OUT.glob("*.rows.json"), key=in_order):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for row in doc["rows"]:
            cells = [doc["title"], row["comparison"], row["measured"]]
            cells += [row.get("against", ""), row.get("goal", "")]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    have = {p.name.removesuffix(".rows.json") for p in OUT.glob("*.rows.json")}
    missing = [n for n in names if n.removeprefix("bench_") not in have and n not in have]
    if missing:
        lines += ["", f"Without rows in this table (see docs/benchmarks.md): {', '.join(missing)}."]
    (REPO / "benchmarks" / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
